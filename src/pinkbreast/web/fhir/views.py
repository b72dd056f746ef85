"""``GET /fhir/CodeSystem/<id>``: the code systems named in every exported resource."""

from __future__ import annotations

from flask import Response, abort, current_app

from pinkbreast import __version__
from pinkbreast.reports.codes import code_systems
from pinkbreast.web.access import public
from pinkbreast.web.fhir import bp


@bp.get("/CodeSystem/<code_system>")
@public
def code_system(code_system: str):
    """No health data: the codes and their definitions, public like a terminology server."""
    found = code_systems(current_app.config["PINKBREAST_SETTINGS"].fhir_base, __version__)
    if code_system not in found:
        abort(404)
    return Response(found[code_system].model_dump_json(), mimetype="application/fhir+json")

"""The OpenAPI document (public: it describes the contract and holds no data)."""

from __future__ import annotations

from flask import jsonify

from pinkbreast.web.access import public
from pinkbreast.web.api import bp
from pinkbreast.web.api.openapi import document


@bp.get("/openapi.json")
@public
def openapi_json():
    return jsonify(document())

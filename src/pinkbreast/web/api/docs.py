"""The API's documentation: the OpenAPI document (``/api/v1/openapi.json``, public: it
describes the contract and holds no data) and its rendering for people (``/api-docs``, signed-in
users; outside ``/api/v1`` because it is a page, not part of the token-authenticated API)."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template

from pinkbreast.vocabulary import ROLES
from pinkbreast.web.access import public, role_required
from pinkbreast.web.api import bp
from pinkbreast.web.api.openapi import document

pages = Blueprint("api_docs", __name__)


@bp.get("/openapi.json")
@public
def openapi_json():
    return jsonify(document())


@pages.get("/api-docs")
@role_required(*ROLES)
def index():
    """The API reference, rendered from the same OpenAPI document the API serves."""
    return render_template("api/docs.html", spec=document())

"""Administration: accounts (admin) and the audit trail (admin, auditor)."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from pinkbreast.web.admin import accounts, audit  # noqa: E402,F401  (routes register on import)

"""Administration: accounts (admin), the audit trail (admin, auditor), the site's evidence and
reviewed promotions of the model (admin)."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from pinkbreast.web.admin import accounts, audit, evidence  # noqa: E402,F401  (routes register on import)

"""Words for stored codes (roles, account statuses, audit outcomes), in the user's language."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

ROLE_LABELS = {"clinician": _l("Clinician"), "admin": _l("Administrator"), "auditor": _l("Auditor")}
STATUS_LABELS = {"pending": _l("Pending"), "active": _l("Active"), "deactivated": _l("Deactivated")}
OUTCOME_LABELS = {"allowed": _l("Allowed"), "denied": _l("Denied")}


def register(app: Flask) -> None:
    app.jinja_env.globals.update(
        role_label=lambda code: str(ROLE_LABELS.get(code, code)),
        status_label=lambda code: str(STATUS_LABELS.get(code, code)),
    )

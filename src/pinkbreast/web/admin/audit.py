"""The audit trail: browse and filter (admin, auditor), and export as CSV."""

from __future__ import annotations

from flask import Response, abort, render_template, request
from flask_login import current_user

from pinkbreast.db.models import utcnow
from pinkbreast.services import audit, query_params
from pinkbreast.web.access import role_required
from pinkbreast.web.admin import bp
from pinkbreast.web.admin.forms import AuditFilterForm
from pinkbreast.web.extensions import client_address, database
from pinkbreast.web.labels import OUTCOME_LABELS


@bp.get("/audit")
@role_required("admin", "auditor")
def audit_events():
    form = AuditFilterForm(request.args)
    page = _page()
    filters = form.to_filter()
    events, more = audit.list_events(session=database.session, filters=filters, page=page)
    query = {key: value for key, value in request.args.items() if key != "page"}
    return render_template(
        "admin/audit.html",
        form=form,
        events=events,
        page=page,
        more=more,
        query=query,
        outcomes=OUTCOME_LABELS,
        shown_ids=audit.shown_ids,
    ), 400 if form.errors else 200


def _page() -> int:
    try:
        return query_params.page(request.args)
    except query_params.InvalidParameter as error:
        abort(400, f"{error.field}: {error.problem}")


@bp.get("/audit.csv")
@role_required("admin", "auditor")
def audit_export():
    form = AuditFilterForm(request.args)
    filters = form.to_filter()
    if form.errors:  # never an export of everything in place of a filter that was refused
        field, (problem, *_rest) = next(iter(form.errors.items()))
        abort(400, f"{field}: {problem}")
    body = audit.export_csv(
        session=database.session,
        filters=filters,
        actor=current_user,
        client_address=client_address(),
    )
    name = f"pinkbreast-audit-{utcnow():%Y%m%dT%H%M%SZ}.csv"
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )

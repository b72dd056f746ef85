"""Reference data for administrators: counts, import by upload (CLI rules), the EDA report."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Response, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired

from pinkbreast.db.models import Case
from pinkbreast.db.session import transaction
from pinkbreast.services import audit
from pinkbreast.services.cases import import_cases, load_frame
from pinkbreast.tables import CASES, FileRejected, parse_table
from pinkbreast.web.access import role_required
from pinkbreast.web.extensions import client_address, database
from pinkbreast.web.file_problems import problem_lines
from pinkbreast.web.monitoring import bp

MAX_BYTES = 8 * 1024 * 1024


class FileTooLarge(ValueError):
    """An upload over ``MAX_BYTES``: refused whole, with the limit stated."""


class ImportForm(FlaskForm):
    file = FileField(_l("UCI wdbc.data or Kaggle-style CSV"), validators=[FileRequired()])


@bp.route("/data", methods=["GET", "POST"])
@role_required("admin")
def data():
    form, problems = ImportForm(), []
    if form.validate_on_submit():
        upload = form.file.data
        name = upload.filename or "upload.csv"
        data = upload.read(MAX_BYTES + 1)
        try:
            if len(data) > MAX_BYTES:  # refused whole: never a silently truncated import
                raise FileTooLarge
            frame = parse_table(data.decode("utf-8-sig"), CASES, name=name)
        except FileTooLarge:
            limit = MAX_BYTES // (1024 * 1024)
            problems = [_("%(name)s is larger than %(limit)d MiB.", name=name, limit=limit)]
        except UnicodeDecodeError:
            problems = [_("%(name)s is not UTF-8 text.", name=name)]
        except FileRejected as exc:
            problems = problem_lines(exc)
        else:
            report = import_cases(session=database.session, frame=frame, source=name)
            _audit("cases.import", f"{name}: {report.new} new, {report.updated} updated")
            flash(
                _(
                    "%(n)s cases imported: %(new)s new, %(up)s updated, %(same)s unchanged.",
                    n=report.total,
                    new=report.new,
                    up=report.updated,
                    same=report.unchanged,
                ),
                "success",
            )
            return redirect(url_for("monitoring.data"), code=303)
    counts = dict(
        database.session.execute(
            sa.select(Case.diagnosis, sa.func.count()).group_by(Case.diagnosis)
        ).all()
    )
    page = render_template("monitoring/data.html", form=form, problems=problems, counts=counts)
    return page, 400 if problems or form.errors else 200


@bp.get("/data/eda")
@role_required("admin")
def eda():
    from pinkbreast.ml.eda import write_report

    settings = current_app.config["PINKBREAST_SETTINGS"]
    path = write_report(
        load_frame(database.session), settings.instance_path / "reports" / "eda.html"
    )
    _audit("cases.eda", None)
    response = Response(path.read_text(encoding="utf-8"), mimetype="text/html")
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; "
        "frame-ancestors 'none'; form-action 'none'"
    )
    return response


def _audit(action: str, detail: str | None) -> None:
    session = database.session
    with transaction(session):
        audit.record(
            session=session,
            action=action,
            actor=current_user._get_current_object(),
            record_type="cases",
            client_address=client_address(),
            detail=detail,
        )

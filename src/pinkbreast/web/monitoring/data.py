"""Reference data for administrators: counts, import by upload (CLI rules), the EDA report."""

from __future__ import annotations

from flask import Response, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired

from pinkbreast.services.cases import counts_by_diagnosis, import_cases, write_eda_report
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
            report = import_cases(
                session=database.session,
                frame=frame,
                source=name,
                actor=current_user._get_current_object(),
                client_address=client_address(),
            )
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
    counts = counts_by_diagnosis(session=database.session)
    page = render_template("monitoring/data.html", form=form, problems=problems, counts=counts)
    return page, 400 if problems or form.errors else 200


@bp.get("/data/eda")
@role_required("admin")
def eda():
    settings = current_app.config["PINKBREAST_SETTINGS"]
    path = write_eda_report(
        session=database.session,
        path=settings.instance_path / "reports" / "eda.html",
        actor=current_user._get_current_object(),
        client_address=client_address(),
    )
    response = Response(path.read_text(encoding="utf-8"), mimetype="text/html")
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; "
        "frame-ancestors 'none'; form-action 'none'"
    )
    return response

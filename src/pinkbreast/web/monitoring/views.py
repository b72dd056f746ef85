"""The dashboard: live performance on confirmed cases, alerts, drift, the model and the data."""

from __future__ import annotations

from flask import current_app, render_template
from flask_babel import get_locale
from flask_babel import gettext as _
from markdown_it import MarkdownIt

from pinkbreast.features import BY_NAME
from pinkbreast.services import scoring
from pinkbreast.services.monitoring import alerts, drift, performance, volume
from pinkbreast.web.access import role_required
from pinkbreast.web.extensions import database
from pinkbreast.web.monitoring import bp, charts

_MARKDOWN = MarkdownIt("commonmark", {"html": False}).enable("table")


def _labels() -> dict:
    return {
        "recall": _("Recall (sensitivity)"),
        "specificity": _("Specificity"),
        "threshold": _("alert threshold"),
        "malignant": _("Malignant"),
        "indeterminate": _("Indeterminate"),
        "benign": _("Benign"),
        "check_input": _("Check the input"),
    }


@bp.get("")
@role_required("admin")
def dashboard():
    settings = current_app.config["PINKBREAST_SETTINGS"]
    monitoring = settings.monitoring
    session = database.session
    perf = performance.performance(session, monitoring.window)
    series = performance.over_time(session, monitoring.window)
    counts = volume.by_zone(volume.zone_counts(session))
    n_recent, drift_rows = drift.drift_report(session=session, settings=monitoring.drift)
    labels = _labels()
    return render_template(
        "monitoring/dashboard.html",
        perf=perf["all"],
        per_version={k: v for k, v in perf.items() if k != "all"},
        monitoring=monitoring,
        # no chart without data: empty axes say nothing
        trend=(
            charts.performance_over_time(series, monitoring.recall_threshold)
            if any(perf.confirmed for _end, perf in series)
            else None
        ),
        volume=charts.volume_by_zone(counts) if any(counts.values()) else None,
        labels=labels,
        features=BY_NAME,
        lang=str(get_locale() or "en"),
        counts=counts,
        confusion=charts.confusion(perf["all"]),
        n_recent=n_recent,
        drift_rows=drift_rows,
        out_of_range=drift.out_of_range_share(session, monitoring.window.days),
        alert_list=alerts.alerts(session),
        model=_model(settings),
    )


def _model(settings) -> dict | None:
    try:
        summary = scoring.model_summary(
            tracking_uri=settings.mlflow_tracking_uri, lang=str(get_locale() or "en")
        )
    except scoring.ModelUnavailable:
        return None
    summary["card_html"] = _MARKDOWN.render(summary.get("card") or "")
    return summary

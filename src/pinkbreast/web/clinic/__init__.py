"""The clinical workflow: prediction form, result, history, outcomes and batch scoring."""

from flask import Blueprint

bp = Blueprint("clinic", __name__)


@bp.app_template_filter("probability")
def probability(value: float) -> str:
    """A probability as a percentage, never shown as a certainty (no "100.0 %" or "0.0 %")."""
    from flask_babel import format_percent

    if value > 0.999:
        return "> " + format_percent(0.999, "#,##0.0%")
    if value < 0.001:
        return "< " + format_percent(0.001, "#,##0.0%")
    return format_percent(value, "#,##0.0%")


from pinkbreast.web.clinic import batch, measure, reports, views  # noqa: E402,F401  (routes)

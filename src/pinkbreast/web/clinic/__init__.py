"""The clinical workflow: prediction form, result, history, outcomes and batch scoring."""

from flask import Blueprint

bp = Blueprint("clinic", __name__)


@bp.app_template_filter("probability")
def probability(value: float) -> str:
    """A probability as a percentage, never shown as a certainty (no "100.0 %" or "0.0 %")."""
    from pinkbreast.web.i18n import percent

    if value > 0.999:
        return "> " + percent(0.999)
    if value < 0.001:
        return "< " + percent(0.001)
    return percent(value)


from pinkbreast.web.clinic import batch, measure, reports, views  # noqa: E402,F401  (routes)

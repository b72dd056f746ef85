"""``pinkbreast validate``: the champion on the site's confirmed cases."""

from __future__ import annotations

from pathlib import Path

import click

from pinkbreast.config import load_settings


@click.command()
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the report as self-contained HTML to this file.",
)
@click.option(
    "--width",
    type=click.FloatRange(0.01, 1.0),
    default=0.2,
    show_default=True,
    help="Full width of a 95% interval deemed informative (for 'cases still needed').",
)
def validate(output: Path | None, width: float) -> None:
    """How the current champion does on the adopted site cases (`pinkbreast data
    adopt-confirmed`): sensitivity, specificity, referred share, ROC AUC, reliability, with
    exact intervals, by provenance and by quarter. Audited."""
    from pinkbreast.db.session import session_scope
    from pinkbreast.ml import site_report
    from pinkbreast.ml.champion import ChampionUnavailable
    from pinkbreast.services.validation import site_validation

    settings = load_settings()
    with session_scope(settings.database_url) as session:
        try:
            result = site_validation(
                session=session,
                tracking_uri=settings.mlflow_tracking_uri,
                actor_name="cli",
                width=width,
            )
        except ChampionUnavailable as exc:
            raise click.ClickException(f"No champion can be loaded: {exc}") from exc
    for line in site_report.summary_lines(result):
        click.echo(line)
    if output is not None:
        click.echo(f"Report written to {site_report.write(result, output)}")

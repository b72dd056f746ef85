"""``pinkbreast report`` (one prediction as PDF) and ``pinkbreast export-fhir`` (a FHIR batch
Bundle for the hospital's record system)."""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime
from pathlib import Path

import click

from pinkbreast.config import load_settings
from pinkbreast.db.session import session_scope

LANGUAGES = ("en", "fr")
_lang = click.option(
    "--lang", type=click.Choice(LANGUAGES), default="en", show_default=True,
    help="Language of the report.",
)  # fmt: skip
_at = click.option(
    "--at", "generated_at", type=click.DateTime(["%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"]),
    help="Generation time (UTC) printed and stored in the file; default now. A fixed time "
    "gives the same bytes for the same prediction.",
)  # fmt: skip


def _utc(moment: datetime | None) -> datetime | None:
    return moment.replace(tzinfo=UTC) if moment is not None else None


@click.command("report")
@click.argument("prediction_id", type=click.IntRange(min=1))
@click.option(
    "-o", "--output", required=True, type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="The PDF file to write.",
)  # fmt: skip
@_lang
@_at
def report(prediction_id: int, output: Path, lang: str, generated_at: datetime | None) -> None:
    """Write the PDF report of prediction PREDICTION_ID (any prediction; audited)."""
    from pinkbreast.services import reports  # imports the model stack

    settings = load_settings()
    with session_scope(settings.database_url) as session:
        try:
            body = reports.report_pdf_for_operator(
                session=session, prediction_id=prediction_id, lang=lang,
                generated_at=_utc(generated_at), tracking_uri=settings.mlflow_tracking_uri,
                recall_floor=settings.monitoring.recall_threshold,
            )  # fmt: skip
        except reports.PredictionNotFound:
            raise click.ClickException(f"No prediction {prediction_id}.") from None
    output.write_bytes(body)
    click.echo(f"Wrote {output} ({len(body):,} bytes).", err=True)


@click.command("export-fhir")
@click.option(
    "--since", type=click.DateTime(["%Y-%m-%d"]),
    help="Only predictions made on or after this day (YYYY-MM-DD, UTC); default all.",
)  # fmt: skip
@click.option(
    "-o", "--output", required=True, type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="The JSON file to write (a FHIR R4 batch Bundle).",
)  # fmt: skip
@_lang
@_at
def export_fhir(
    since: datetime | None, output: Path, lang: str, generated_at: datetime | None
) -> None:
    """Write predictions as one FHIR R4 batch Bundle (see docs/integration.md); audited.

    Each prediction is a DiagnosticReport with its PDF, its Observations and the model's
    Device, as PUT entries: posting the file to a FHIR server again updates the same records.
    """
    from pinkbreast.services import reports  # imports the model stack

    settings = load_settings()
    day: date | None = since.date() if since else None
    with session_scope(settings.database_url) as session:
        total = reports.count_since(session=session, since=day)
        with click.progressbar(length=total, label="Exporting", file=sys.stderr) as bar:
            bundle, count = reports.export_bundle(
                session=session, since=day, lang=lang, base=settings.fhir_base,
                progress=bar.update, generated_at=_utc(generated_at),
                tracking_uri=settings.mlflow_tracking_uri,
                recall_floor=settings.monitoring.recall_threshold,
            )  # fmt: skip
    output.write_text(bundle.model_dump_json(), encoding="utf-8")
    click.echo(f"Exported {count} predictions ({len(bundle.entry or ())} resources) to {output}.",
               err=True)  # fmt: skip

"""``pinkbreast data``: import, export and load the reference cases; export and import
predictions with their outcomes."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from pinkbreast.cli.rejection import rejected
from pinkbreast.config import load_settings
from pinkbreast.db.session import session_scope
from pinkbreast.ml.data import REFERENCE_SOURCE, load_reference, read_cases
from pinkbreast.services.cases import count_cases, import_cases, load_frame
from pinkbreast.tables import FileRejected, write_cases


@click.group()
def data() -> None:
    """Reference/training cases (the WDBC data and files in the same formats), and backups of
    predictions with their outcomes."""


@data.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--source", help="Label stored with the rows (default: the file name).")
def import_command(path: Path, source: str | None) -> None:
    """Import labelled cases from PATH (UCI wdbc.data or Kaggle-style CSV).

    The import is all-or-nothing: a file with any bad cell is rejected whole, with every
    problem listed by line and column. Ids already present are updated or left unchanged.
    """
    try:
        frame = read_cases(path)
    except FileRejected as exc:
        raise rejected(exc, path.name, "nothing was imported.") from exc
    _import(frame, source or path.name)


@data.command("load-reference")
@click.option("--if-empty", is_flag=True, help="Do nothing when the table already holds cases.")
def load_reference_command(if_empty: bool) -> None:
    """Load the bundled WDBC reference data (569 cases, 212 malignant)."""
    if if_empty:
        with session_scope(load_settings().database_url) as session:
            count = count_cases(session=session)
        if count:
            click.echo(f"Cases table already holds {count} rows; reference data not reloaded.")
            return
    _import(load_reference(), REFERENCE_SOURCE)


def _import(frame, source: str) -> None:
    with (
        session_scope(load_settings().database_url) as session,
        click.progressbar(length=len(frame), label="Importing", file=sys.stderr) as bar,
    ):
        report = import_cases(
            session=session, frame=frame, source=source, actor_name="cli", progress=bar.update
        )
    click.echo(
        f"Imported {report.total} cases from {source}: {report.new} new, "
        f"{report.updated} updated, {report.unchanged} unchanged."
    )


@data.command("adopt-confirmed")
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Only outcomes confirmed on or after this date (YYYY-MM-DD).",
)
def adopt_confirmed_command(since) -> None:
    """Adopt predictions with a confirmed outcome as site cases (evidence for validation and a
    challenger), keeping their provenance: how they were entered, the prediction, who confirmed.

    Idempotent: adopting again changes nothing, except cases whose outcome was corrected since.
    Audited. Training the champion (`pinkbreast train`) still uses the reference cases alone.
    """
    from pinkbreast.services.site_cases import adopt_confirmed

    with session_scope(load_settings().database_url) as session:
        report = adopt_confirmed(
            session=session, actor_name="cli", since=since.date() if since else None
        )
    click.echo(
        f"Adopted {report.total} confirmed predictions as site cases: {report.new} new, "
        f"{report.updated} updated, {report.unchanged} unchanged."
    )


@data.command("export")
@click.option(
    "-o",
    "--output",
    type=click.File("w", lazy=True),
    default="-",
    show_default=True,
    help="Where to write the CSV ('-' is standard output).",
)
def export_command(output) -> None:
    """Write every case as CSV (id, diagnosis, then the 30 canonical feature columns)."""
    with session_scope(load_settings().database_url) as session:
        write_cases(load_frame(session), output)


@data.command("export-predictions")
@click.option(
    "-o",
    "--output",
    type=click.File("w", encoding="utf-8", lazy=True),
    default="-",
    show_default=True,
    help="Where to write the JSON Lines ('-' is standard output).",
)
def export_predictions_command(output) -> None:
    """Write every prediction with its confirmed outcomes as JSON Lines (see docs/backup.md).

    One prediction per line, in id order, after a header line. The file holds health data:
    keep it encrypted and access-controlled. The export is audited.
    """
    from pinkbreast.services.backup import export_predictions  # imports the model stack

    with session_scope(load_settings().database_url) as session:
        count = export_predictions(session=session, output=output)
    click.echo(f"Exported {count} predictions.", err=True)


@data.command("check-images")
def check_images_command() -> None:
    """Check that every image a prediction was measured on is in the instance folder, unaltered.

    Run it after restoring a backup (the database dump holds which image each prediction used,
    the instance folder's images/ holds the files): each image is read back and its SHA-256
    compared with the one recorded. Exit status 1 when one is missing or altered.
    """
    from pinkbreast.services.measure_drafts import check_kept_images

    settings = load_settings()
    with session_scope(settings.database_url) as session:
        checked, problems = check_kept_images(session=session, instance=settings.instance_path)
    for problem in problems:
        click.echo(
            f"prediction {problem.prediction_id}: image {problem.sha256[:16]}… {problem.problem}",
            err=True,
        )
    click.echo(f"{checked} images checked, {len(problems)} missing or altered.")
    if problems:
        raise SystemExit(1)


@data.command("check-refs")
def check_refs_command() -> None:
    """List stored sample references that break the rule every entry point now applies
    (at most 64 letters, digits, spaces and . _ / -, starting with a letter or digit).

    References stored before the rule was the same everywhere may break it (a CSV upload used
    to take any printable text). They are still shown and exported, but import-predictions
    refuses them: fix or clear them first (docs/backup.md). Exit status 1 when one is found.
    The check is audited.
    """
    from pinkbreast.services.reference_check import references_breaking_the_rule

    with session_scope(load_settings().database_url) as session:
        checked, bad = references_breaking_the_rule(session=session)
    for item in bad:
        click.echo(f"prediction {item.prediction_id}: {item.sample_ref!r}")
    click.echo(f"{checked} references checked, {len(bad)} break the rule.", err=True)
    if bad:
        raise SystemExit(1)


@data.command("import-predictions")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_predictions_command(path: Path) -> None:
    """Import predictions and outcomes from a file written by export-predictions.

    All-or-nothing: the whole file is checked first and any problem (bad JSON or value,
    unknown username, an id stored with different content) rejects it, each problem listed by
    line and field. Rows keep their ids; ones already stored identically are skipped, so
    importing again changes nothing. Accounts are matched by username and must exist.
    """
    from pinkbreast.services.backup import import_predictions  # imports the model stack

    with path.open(encoding="utf-8") as lines, session_scope(load_settings().database_url) as s:
        try:
            report = import_predictions(session=s, name=path.name, lines=lines)
        except FileRejected as exc:
            raise rejected(exc, path.name, "nothing was imported.") from exc
    click.echo(
        f"Imported {path.name}: {report.predictions_new} new predictions "
        f"({report.predictions_unchanged} already stored), {report.outcomes_new} new outcomes "
        f"({report.outcomes_unchanged} already stored)."
    )

"""``pinkbreast data``: import, export and load the reference cases."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from pinkbreast.config import load_settings
from pinkbreast.db.session import session_scope
from pinkbreast.ml.data import (
    REFERENCE_SOURCE,
    FileRejected,
    load_reference,
    read_cases,
    write_cases,
)
from pinkbreast.services.cases import count_cases, import_cases, load_frame


@click.group()
def data() -> None:
    """Reference/training cases (the WDBC data and files in the same formats)."""


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
        for problem in exc.problems:
            click.echo(f"error: {problem}", err=True)
        raise click.ClickException(f"{path.name} rejected: nothing was imported.") from exc
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
        report = import_cases(session=session, frame=frame, source=source, progress=bar.update)
    click.echo(
        f"Imported {report.total} cases from {source}: {report.new} new, "
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

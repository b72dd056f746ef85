"""``pinkbreast prepare`` and ``pinkbreast serve``: what ``make run`` does."""

from __future__ import annotations

import click

from pinkbreast.config import ensure_instance, load_settings
from pinkbreast.db.session import session_scope
from pinkbreast.ml.data import REFERENCE_SOURCE, load_reference
from pinkbreast.services.cases import count_cases, import_cases


@click.command()
def prepare() -> None:
    """Bring the database to the current schema and load the reference data if it is empty.

    Later steps (train a model when none is registered, create the first administrator) are
    added here, so `make run` stays one command.
    """
    from pinkbreast.cli.db import upgrade

    settings = load_settings()
    ensure_instance(settings.instance_path)
    upgrade(settings.database_url)
    click.echo("Database schema is current.")
    with session_scope(settings.database_url) as session:
        if count_cases(session=session) == 0:
            report = import_cases(session=session, frame=load_reference(), source=REFERENCE_SOURCE)
            click.echo(f"Loaded {report.new} reference cases.")
        else:
            click.echo(f"Cases table holds {count_cases(session=session)} rows.")


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, envvar="PINKBREAST_HOST")
@click.option(
    "--port",
    default=8000,
    show_default=True,
    type=click.IntRange(1, 65535),
    envvar="PINKBREAST_PORT",
)
@click.option(
    "--workers",
    default=2,
    show_default=True,
    type=click.IntRange(1, 64),
    envvar="PINKBREAST_WORKERS",
)
def serve(host: str, port: int, workers: int) -> None:
    """Serve the web application with gunicorn."""
    from pinkbreast.web.gunicorn_app import run

    load_settings()  # fail fast, with a one-line message, before gunicorn starts
    run(host=host, port=port, workers=workers)

"""``pinkbreast serve``: the web application under gunicorn (``make run`` runs
``pinkbreast prepare`` first: :mod:`pinkbreast.cli.prepare`)."""

from __future__ import annotations

import click

from pinkbreast.config import ensure_instance, load_settings


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

    settings = load_settings()  # fail fast, with a one-line message, before gunicorn starts
    ensure_instance(settings.instance_path)  # read-only or full: say so now, not in a worker
    run(host=host, port=port, workers=workers, instance=settings.instance_path)

"""``pinkbreast prepare``: what ``make run`` does before serving (schema, reference data, a
champion model, the first administrator), each step skipped when already done."""

from __future__ import annotations

import click

from pinkbreast.config import ensure_instance, load_settings
from pinkbreast.db.session import session_scope
from pinkbreast.ml.data import REFERENCE_SOURCE, load_reference
from pinkbreast.services.cases import count_cases, import_cases


@click.command()
def prepare() -> None:
    """Bring the database to the current schema and load the reference data if it is empty.

    Then trains and registers a champion model when none is registered (quick mode: 4
    candidates, 2 repeats, timed in benchmarks/training.md; run `pinkbreast train` for the full
    comparison), and creates the first administrator when none exists (its password is
    printed once). This is what `make run` does before serving.
    """
    from pinkbreast.cli.db import upgrade
    from pinkbreast.cli.users import first_admin

    settings = load_settings()
    ensure_instance(settings.instance_path)
    upgrade(settings.database_url)
    click.echo("Database schema is current.")
    with session_scope(settings.database_url) as session:
        if count_cases(session=session) == 0:
            report = import_cases(
                session=session, frame=load_reference(), source=REFERENCE_SOURCE, actor_name="cli"
            )
            click.echo(f"Loaded {report.new} reference cases.")
        else:
            click.echo(f"Cases table holds {count_cases(session=session)} rows.")
    _ensure_champion(settings)
    first_admin(settings)


def _ensure_champion(settings) -> None:
    from pinkbreast.cli.ml import ProgressBar
    from pinkbreast.ml.train import ensure_champion
    from pinkbreast.services.cases import load_frame

    with session_scope(settings.database_url) as session:
        frame = load_frame(session)
    with ProgressBar() as bar:
        trained = ensure_champion(
            frame,
            tracking_uri=settings.mlflow_tracking_uri,
            artifact_location=settings.instance_path / "mlartifacts",
            quick=True,
            progress=bar,
        )
    if trained:
        click.echo(
            "Registered a champion model (quick training; `pinkbreast train` runs the "
            "full comparison)."
        )
    else:
        click.echo("A champion model is registered.")

"""The ``pinkbreast`` command line: data, db, prepare, serve (and the ML commands)."""

from __future__ import annotations

import importlib
import logging

import click

from pinkbreast.config import ConfigError

# command name -> "module:attribute" under pinkbreast.cli, imported when the command runs (a
# command's start then pays only for what it uses: `predict` never imports SQLAlchemy, Alembic
# or MLflow)
COMMANDS = {
    "check-config": "check:check_config",
    "data": "data:data",
    "db": "db:db",
    "eda": "ml:eda",
    "measure": "measure:measure",
    "export-fhir": "reports:export_fhir",
    "monitor": "monitor:monitor",
    "predict": "predict:predict",
    "prepare": "prepare:prepare",
    "report": "reports:report",
    "serve": "serve:serve",
    "tokens": "tokens:tokens_group",
    "train": "ml:train",
    "users": "users:users",
    "validate": "evidence:validate",
}


class Group(click.Group):
    """The top-level group: commands loaded on first use, and configuration errors turned into
    a one-line message and exit status 1."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module, attribute = COMMANDS[name].split(":")
        return getattr(importlib.import_module(f"pinkbreast.cli.{module}"), attribute)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except ConfigError as exc:
            raise click.ClickException(str(exc)) from exc


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", is_flag=True, help="Log more detail.")
@click.version_option(package_name="pinkbreast")
def cli(verbose: bool) -> None:
    """Pink Breast: decision support for breast fine-needle-aspirate cytology.

    Configuration comes from the environment (DATABASE_URL, SECRET_KEY, PINKBREAST_ENV, ...);
    see the README or .env.example.
    """
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )


def main() -> None:
    cli(prog_name="pinkbreast")

"""The ``pinkbreast`` command line: data, db, prepare, serve (and the ML commands)."""

from __future__ import annotations

import logging

import click

from pinkbreast.config import ConfigError


class Group(click.Group):
    """A group that turns configuration errors into a one-line message and exit status 1."""

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


def _register() -> None:
    from pinkbreast.cli import data, db, serve

    cli.add_command(data.data)
    cli.add_command(db.db)
    cli.add_command(serve.prepare)
    cli.add_command(serve.serve)
    try:
        from pinkbreast.cli import ml
    except ImportError:  # the ML commands arrive with the model-development work
        return
    for command in ml.COMMANDS:
        cli.add_command(command)


_register()


def main() -> None:
    cli(prog_name="pinkbreast")

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
    from pinkbreast.cli import check, data, db, ml, monitor, predict, serve, tokens, users

    for command in (
        serve.prepare,
        serve.serve,
        check.check_config,
        db.db,
        data.data,
        *ml.COMMANDS,
        predict.predict,
        users.users,
        tokens.tokens_group,
        monitor.monitor,
    ):
        cli.add_command(command)


_register()


def main() -> None:
    cli(prog_name="pinkbreast")

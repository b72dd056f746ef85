"""How every command reports a refused file: each problem on its own line, then one error."""

from __future__ import annotations

import click

from pinkbreast.tables import FileRejected


def rejected(exc: FileRejected, name: str, consequence: str) -> click.ClickException:
    """Print each problem of ``exc`` (line and column) and return the exception to raise."""
    for line in exc.lines():
        click.echo(f"error: {line}", err=True)
    return click.ClickException(f"{name} rejected: {consequence}")

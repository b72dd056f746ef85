"""``pinkbreast predict INPUT --engine spark``: the job on Spark, reported like the CLI."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from pinkbreast.cli.rejection import rejected
from pinkbreast.config import load_settings
from pinkbreast.tables import FileRejected

if TYPE_CHECKING:
    from pinkbreast.spark.outputs import Format


def predict_on_spark(
    source: str,
    output: str,
    *,
    master: str,
    output_format: Format,
    input_format: str,
    conf: tuple[str, ...],
) -> None:
    from pinkbreast.services.scoring import ModelUnavailable
    from pinkbreast.spark import job, session
    from pinkbreast.spark.outputs import OutputExists

    if output == "-":
        raise click.UsageError("--engine spark writes a folder: give it with -o/--output.")
    if reason := session.unavailable():
        raise click.ClickException(f"--engine spark cannot run here: {reason}.")
    settings = load_settings()
    click.echo(f"Starting Spark ({master}) ...", err=True)
    with session.spark_session(master, _pairs(conf)) as spark:
        try:
            summary = job.run(
                spark, source=source, output=output, output_format=output_format,
                input_format=input_format, tracking_uri=settings.mlflow_tracking_uri,
                local_prevalence=settings.local_prevalence,
            )  # fmt: skip
        except FileRejected as exc:
            raise rejected(exc, source, "nothing was scored.") from exc
        except (ModelUnavailable, OutputExists) as exc:
            raise click.ClickException(f"{exc} Nothing was scored.") from exc
    zones = ", ".join(f"{n} {zone}" for zone, n in sorted(summary.zones.items()))
    click.echo(
        f"Scored {summary.scored} samples with model version {summary.model_version}"
        + (f": {zones}" if zones else "")
        + f". Rejected {summary.rejected} rows (reasons in {summary.outputs['rejects']}). "
        f"Flagged {summary.flagged} scored rows with values outside the reference range. "
        f"Results in {summary.outputs['scored']}.",
        err=True,
    )


def _pairs(conf: tuple[str, ...]) -> dict[str, str]:
    pairs = {}
    for item in conf:
        key, equals, value = item.partition("=")
        if not equals or not key.strip():
            raise click.BadParameter(f"expected KEY=VALUE, got {item!r}", param_hint="--conf")
        pairs[key.strip()] = value.strip()
    return pairs

"""``pinkbreast predict INPUT``: score a file of samples with the champion model."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Literal, TextIO, cast

import click

from pinkbreast.cli.rejection import rejected
from pinkbreast.config import load_settings
from pinkbreast.ml.names import ZONES
from pinkbreast.tables import FileRejected


def usable_cpus() -> int:
    """CPUs this process may run on (a container's or a taskset's limit, not the host's)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@click.command()
@click.argument("source", metavar="INPUT")
@click.option(
    "-o",
    "--output",
    default="-",
    show_default=True,
    help="Where to write the results CSV ('-' is standard output); with --engine spark, a "
    "new folder or URI that receives scored/ and rejects/.",
)
@click.option(
    "--explain",
    is_flag=True,
    help="Add the top 5 SHAP reasons to each row (exact for models with a plan).",
)
@click.option(
    "--threads",
    type=click.IntRange(min=1),
    default=usable_cpus,
    show_default="this machine's usable CPUs",
    help="Score blocks of rows on this many threads at once.",
)
@click.option(
    "--engine",
    type=click.Choice(["local", "spark"]),
    default="local",
    show_default=True,
    help="local: this process, a file rejected whole on any bad cell. spark: Apache Spark "
    "(pip install 'pinkbreast[spark]'), for inputs beyond one machine; bad rows go to rejects/.",
)
@click.option(
    "--master",
    default=lambda: f"local[{usable_cpus()}]",
    show_default="local[<usable CPUs>]",
    help="Spark master (--engine spark): local[N], or a cluster such as spark://host:7077.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["csv", "parquet"]),
    default="csv",
    show_default=True,
    help="Output format (--engine spark).",
)
@click.option(
    "--input-format",
    type=click.Choice(["auto", "csv", "parquet"]),
    default="auto",
    show_default=True,
    help="Input format (--engine spark); auto: Parquet when INPUT ends in .parquet or .pq.",
)
@click.option(
    "--conf",
    "spark_conf",
    multiple=True,
    metavar="KEY=VALUE",
    help="Extra Spark setting (--engine spark; repeatable), e.g. spark.executor.memory=4g.",
)
@click.option(
    "--sep",
    type=click.Choice(["auto", ",", ";", "tab"]),
    default="auto",
    show_default=True,
    help="Value separator of INPUT; auto: read from the header (';' for French spreadsheets).",
)
@click.option(
    "--decimal",
    type=click.Choice(["auto", ".", ","]),
    default="auto",
    show_default=True,
    help="Decimal mark of INPUT; auto: ',' with ';' or tab separators, else '.'.",
)
@click.pass_context
def predict(
    ctx: click.Context,
    source: str,
    output: str,
    explain: bool,
    threads: int,
    engine: str,
    master: str,
    output_format: Literal["csv", "parquet"],
    input_format: str,
    spark_conf: tuple[str, ...],
    sep: str,
    decimal: str,
) -> None:
    """Score every sample in INPUT with the champion model and write one result line per sample.

    INPUT is a CSV with the 30 features (headers in the canonical, Kaggle or scikit-learn
    spelling; optional sample_ref or id column), or UCI wdbc.data rows. A file with any bad
    cell is rejected whole, with every problem listed by line and column. Results are not
    stored: use the web app or the API to keep predictions on record.

    With --engine spark, INPUT may also be a folder, a glob, Parquet, or any URI Spark reads
    (hdfs://, s3a://, abfss://); each row is validated by the same rules, rows that fail go to
    OUTPUT/rejects with their line and reasons, and the others are scored into OUTPUT/scored.
    """
    if engine == "spark":
        from pinkbreast.cli.spark_predict import predict_on_spark

        if explain:
            raise click.UsageError("--explain is for the local engine (one row at a time).")
        if sep != "auto" or decimal != "auto":
            raise click.UsageError("--sep and --decimal are for the local engine.")
        predict_on_spark(
            source, output, master=master, output_format=output_format,
            input_format=input_format, conf=spark_conf,
        )  # fmt: skip
        return
    _spark_only(ctx, ("master", "output_format", "input_format", "spark_conf"))
    param = next(p for p in ctx.command.params if p.name == "source")
    path = click.Path(exists=True, dir_okay=False, path_type=Path).convert(source, param, ctx)
    if sep == "," and decimal == ",":
        raise click.UsageError("--sep , and --decimal , cannot go together: choose one.")
    dialect = {
        "sep": None if sep == "auto" else {"tab": "\t"}.get(sep, sep),
        "decimal": None if decimal == "auto" else decimal,
    }
    with click.open_file(output, "w", lazy=True) as handle:
        _predict_here(path, cast(TextIO, handle), explain, threads, dialect)


def _spark_only(ctx: click.Context, names: tuple[str, ...]) -> None:
    from click.core import ParameterSource

    for name in names:
        if ctx.get_parameter_source(name) is not ParameterSource.DEFAULT:
            option = "--" + {"output_format": "format", "spark_conf": "conf"}.get(name, name)
            raise click.UsageError(f"{option.replace('_', '-')} needs --engine spark.")


def _predict_here(path: Path, output: TextIO, explain: bool, threads: int, dialect: dict) -> None:
    from pinkbreast.services.batch import read_samples, score_samples, write_results
    from pinkbreast.services.scoring import ModelUnavailable, evidence

    settings = load_settings()
    try:
        samples = read_samples(path, **dialect)
    except FileRejected as exc:
        raise rejected(exc, path.name, "nothing was scored.") from exc
    try:
        with click.progressbar(length=len(samples), label="Scoring", file=sys.stderr) as bar:
            results = score_samples(
                samples,
                tracking_uri=settings.mlflow_tracking_uri,
                explain=explain,
                progress=bar.update,
                threads=threads,
            )
    except ModelUnavailable as exc:
        raise click.ClickException(f"{exc} Nothing was scored.") from exc
    described = evidence(results.model_version, tracking_uri=settings.mlflow_tracking_uri)
    line = described.line(settings.local_prevalence) if described else ""
    write_results(samples, results, output, line)
    counts = {zone: results.zone.count(zone) for zone in ZONES}
    click.echo(
        f"Scored {len(results)} samples with model version {results.model_version}: "
        + ", ".join(f"{n} {zone}" for zone, n in counts.items()),
        err=True,
    )
    if line:
        click.echo(f"Evidence: {line}", err=True)
    if results.explanation_method:
        click.echo(f"Reasons: {results.explanation_method}.", err=True)
    click.echo(f"Read {path.name} as {samples.attrs.get('dialect', 'comma-separated values')}.",
               err=True)  # fmt: skip

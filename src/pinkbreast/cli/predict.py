"""``pinkbreast predict FILE.csv``: score a file of samples with the champion model."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from pinkbreast.cli.rejection import rejected
from pinkbreast.config import load_settings
from pinkbreast.ml.tables import FileRejected


def usable_cpus() -> int:
    """CPUs this process may run on (a container's or a taskset's limit, not the host's)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@click.command()
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.File("w", lazy=True),
    default="-",
    show_default=True,
    help="Where to write the results CSV ('-' is standard output).",
)
@click.option(
    "--explain",
    is_flag=True,
    help="Add the top 5 SHAP reasons to each row (tens of milliseconds per row).",
)
@click.option(
    "--threads",
    type=click.IntRange(min=1),
    default=usable_cpus,
    show_default="this machine's usable CPUs",
    help="Score blocks of rows on this many threads at once.",
)
def predict(path: Path, output, explain: bool, threads: int) -> None:
    """Score every sample in PATH with the champion model and write one result line per sample.

    PATH is a CSV with the 30 features (headers in the canonical, Kaggle or scikit-learn
    spelling; optional sample_ref or id column), or UCI wdbc.data rows. A file with any bad
    cell is rejected whole, with every problem listed by line and column. Results are not
    stored: use the web app or the API to keep predictions on record.
    """
    from pinkbreast.services.batch import read_samples, score_samples, write_results
    from pinkbreast.services.scoring import ModelUnavailable

    settings = load_settings()
    try:
        samples = read_samples(path)
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
    write_results(samples, results, output)
    counts = {zone: results.zone.count(zone) for zone in ("malignant", "indeterminate", "benign")}
    click.echo(
        f"Scored {len(results)} samples with model version {results.model_version}: "
        + ", ".join(f"{n} {zone}" for zone, n in counts.items()),
        err=True,
    )

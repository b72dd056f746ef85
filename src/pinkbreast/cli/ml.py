"""``pinkbreast train`` and ``pinkbreast eda``: model development from the ``cases`` table."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from pinkbreast.config import ensure_instance, load_settings


def _cases():
    from pinkbreast.db.session import session_scope
    from pinkbreast.services.cases import load_frame

    settings = load_settings()
    with session_scope(settings.database_url) as session:
        frame = load_frame(session)
    if frame.empty:
        raise click.ClickException(
            "The cases table is empty: run `pinkbreast data load-reference` first."
        )
    return settings, frame


class ProgressBar:
    """Adapts the ``progress(label, done, total)`` callback to a click progress bar."""

    def __init__(self):
        self.bar = None
        self.done = 0

    def __call__(self, label: str, done: int, total: int) -> None:
        if self.bar is None:
            self.bar = click.progressbar(
                length=total, label="Outer folds", show_pos=True, file=sys.stderr
            )
            self.bar.__enter__()
        self.bar.label = f"Outer folds ({label})"
        self.bar.update(done - self.done)
        self.done = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()


@click.command()
@click.option(
    "--quick",
    is_flag=True,
    help="4 candidates, 1 grid point each, 2 repeats: ~1/6 of the time; for demos and tests.",
)
@click.option(
    "--target-sensitivity",
    type=click.FloatRange(0.5, 0.999),
    default=0.98,
    show_default=True,
    help="Sensitivity the decision threshold aims for (set inside the training folds).",
)
@click.option(
    "--coverage",
    type=click.FloatRange(0.5, 0.999),
    default=0.99,
    show_default=True,
    help="Per-class conformal coverage of the indeterminate band.",
)
@click.option("--repeats", type=click.IntRange(1, 50), default=10, show_default=True)
@click.option("--folds", type=click.IntRange(2, 20), default=5, show_default=True)
@click.option("--seed", type=int, default=42, show_default=True)
@click.option("--jobs", type=click.IntRange(1, 64), default=2, show_default=True)
def train(quick, target_sensitivity, coverage, repeats, folds, seed, jobs) -> None:
    """Compare the candidate models by repeated nested CV, register the winner as champion.

    Every run is logged to MLflow (MLFLOW_TRACKING_URI; default: instance/mlflow.db, artifacts
    in instance/mlartifacts). The winner is refit on all cases and registered as
    `pinkbreast@champion`; its model card is logged with the run.
    """
    from pinkbreast.ml.evaluate import CVConfig
    from pinkbreast.ml.protocol import Settings
    from pinkbreast.ml.train import train as run_training

    os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")  # keep our bar alone
    settings, frame = _cases()
    config = CVConfig(repeats, folds, seed, Settings(target_sensitivity, coverage), jobs)
    with ProgressBar() as bar:
        report = run_training(
            frame,
            tracking_uri=settings.mlflow_tracking_uri,
            artifact_location=settings.instance_path / "mlartifacts",
            config=config,
            quick=quick,
            progress=bar,
        )
    _echo_report(report)


def _echo_report(report) -> None:
    click.echo(f"\n{'candidate':<26}{'ROC AUC [95% CI]':<24}{'Brier':<9}{'sens':<8}{'spec':<8}")
    for r in report.comparison.results:
        mean, low, high = r.summary["roc_auc"]
        mark = " *" if r.name == report.winner else ""
        click.echo(
            f"{r.name + mark:<26}{f'{mean:.4f} [{low:.4f}, {high:.4f}]':<24}"
            f"{r.summary['brier'][0]:<9.4f}{r.pooled['sensitivity']:<8.3f}"
            f"{r.pooled['specificity']:<8.3f}"
        )
    hard = report.comparison.hard_cases()
    click.echo(f"\nChampion: {report.winner} -> pinkbreast version {report.version}")
    click.echo(f"Known hard cases (UCI ids): {', '.join(map(str, hard)) or 'none'}")
    click.echo(f"MLflow run {report.run_id}; {report.seconds:.0f} s.")


@click.command()
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the HTML report (default: instance/reports/eda.html).",
)
def eda(output: Path | None) -> None:
    """Write the exploratory data report (self-contained HTML) for the cases table."""
    from pinkbreast.ml.eda import write_report

    settings, frame = _cases()
    ensure_instance(settings.instance_path)
    path = write_report(frame, output or settings.instance_path / "reports" / "eda.html")
    click.echo(f"Report written to {path}")

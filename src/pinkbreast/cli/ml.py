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
    help="4 candidates, 1 grid point each, 2 repeats: for demos and tests. Registers even when "
    "the promise is missed out of fold, and says so on the card and the version's tags.",
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
@click.option(
    "--benign-coverage",
    type=click.FloatRange(0.5, 0.999),
    default=None,
    help="Coverage of the benign zone alone: at most 1 - this share of malignant cases may "
    "land in it (default: --coverage).",
)
@click.option("--repeats", type=click.IntRange(1, 50), default=10, show_default=True)
@click.option("--folds", type=click.IntRange(2, 20), default=5, show_default=True)
@click.option("--seed", type=int, default=42, show_default=True)
@click.option("--jobs", type=click.IntRange(1, 64), default=2, show_default=True)
@click.option(
    "--challenger",
    is_flag=True,
    help="Train on the reference cases plus the adopted site cases and register the winner "
    "under the alias 'challenger' (the champion is not touched); compare it with the champion "
    "on the same folds. Promotion is then proposed and approved in the admin pages.",
)
@click.option(
    "--job",
    type=click.IntRange(1),
    hidden=True,
    help="The training_jobs row to report progress to (set by the admin page).",
)
def train(
    quick,
    target_sensitivity,
    coverage,
    benign_coverage,
    repeats,
    folds,
    seed,
    jobs,
    challenger,
    job,
):
    """Compare the candidate models by repeated nested CV, register the winner as champion.

    Every run is logged to MLflow (MLFLOW_TRACKING_URI; default: instance/mlflow.db, artifacts
    in instance/mlartifacts). The winner is refit on all cases and registered as
    `pinkbreast@champion`; its model card is logged with the run. Registration is refused
    when, out of fold, the sensitivity misses the target or more malignant cases than
    1 - coverage land in the benign zone.
    """
    from pinkbreast.ml.evaluate import CVConfig
    from pinkbreast.ml.protocol import TrainingProtocol
    from pinkbreast.ml.registration import ChampionRefused
    from pinkbreast.ml.train import train as run_training

    os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")  # keep our bar alone
    chosen = TrainingProtocol(target_sensitivity, coverage, benign_coverage=benign_coverage)
    config = CVConfig(repeats, folds, seed, chosen, jobs)
    if challenger:
        _train_challenger(config, quick, job)
        return
    settings, frame = _cases()
    try:
        with ProgressBar() as bar:
            report = run_training(
                frame,
                tracking_uri=settings.mlflow_tracking_uri,
                artifact_location=settings.instance_path / "mlartifacts",
                config=config,
                quick=quick,
                progress=bar,
            )
    except ChampionRefused as exc:
        raise click.ClickException(str(exc)) from exc
    _echo_report(report)


def _train_challenger(config, quick: bool, job: int | None) -> None:
    from pinkbreast.cli.training_job import JobReport

    with JobReport(load_settings(), job) as report_to:
        settings, frame = _cases()
        report = _run_challenger(settings, frame, config, quick, report_to)
        report_to.succeeded(report.training.version)
    _echo_challenger(report)


def _run_challenger(settings, frame, config, quick: bool, report_to):
    from pinkbreast.db.session import session_scope
    from pinkbreast.ml.challenger import ChallengerImpossible, train_challenger
    from pinkbreast.ml.registration import ChampionRefused
    from pinkbreast.services.site_cases import load_site_frame

    with session_scope(settings.database_url) as session:
        site = load_site_frame(session)
    try:
        with ProgressBar() as bar:
            return train_challenger(
                frame,
                site,
                tracking_uri=settings.mlflow_tracking_uri,
                artifact_location=settings.instance_path / "mlartifacts",
                config=config,
                quick=quick,
                progress=report_to.wrap(bar),
            )
    except (ChampionRefused, ChallengerImpossible) as exc:
        raise click.ClickException(f"Challenger not registered: {exc}") from exc


def _echo_challenger(report) -> None:
    _echo_report(report.training, role="Challenger")
    paired = report.comparison
    click.echo(
        f"\nPaired comparison on the same folds, champion version {paired.champion_version} "
        f"({paired.champion_candidate}'s recipe without site cases) vs challenger "
        f"(95% paired bootstrap intervals of challenger - champion):"
    )
    for part, figures in (("all cases", paired.overall), ("site cases", paired.site)):
        for name, d in figures.items():
            click.echo(
                f"  {part:<11}{name:<12}{d.champion:.4f} -> {d.challenger:.4f}  "
                f"difference {d.difference:+.4f} [{d.low:+.4f}, {d.high:+.4f}] (n={d.n})"
            )
    met = "met" if paired.rule_met else "NOT met"
    click.echo(
        f"Promotion rule (sensitivity not lowered by more than {paired.margin:g}, on site cases "
        f"and on all cases; at least 10 malignant site cases): {met}."
    )


def _echo_report(report, role: str = "Champion") -> None:
    click.echo(
        f"\n{'candidate':<32}{'ROC AUC [95% CI]':<24}{'Brier':<9}{'ECE':<8}{'sens':<8}{'spec':<8}"
    )
    comparison = report.comparison
    for r in [*comparison.results, comparison.procedure]:
        mean, low, high = r.summary["roc_auc"]
        mark = " *" if r.name == report.winner else ""
        click.echo(
            f"{r.name + mark:<32}{f'{mean:.4f} [{low:.4f}, {high:.4f}]':<24}"
            f"{r.summary['brier'][0]:<9.4f}{r.pooled['ece']:<8.4f}"
            f"{r.pooled['sensitivity']:<8.3f}{r.pooled['specificity']:<8.3f}"
        )
    promise, pooled = report.promise, comparison.procedure.pooled
    auc, brier = comparison.procedure.summary["roc_auc"], comparison.procedure.summary["brier"]
    click.echo(f"\nOut of fold, whole procedure ({comparison.procedure.name}):")
    click.echo(
        f"  sensitivity at threshold   {promise.sensitivity.text()}  "
        f"(target >= {promise.target_sensitivity:g}; Clopper-Pearson 95%)"
    )
    click.echo(
        f"  malignant in benign zone   {promise.benign_zone.text()}  "
        f"(promise <= {promise.benign_zone_limit:.4f}; Clopper-Pearson 95%)"
    )
    click.echo(f"  referred (indeterminate)   {promise.referred:.4f}")
    click.echo(f"  ROC AUC                    {auc[0]:.4f} [{auc[1]:.4f}, {auc[2]:.4f}]")
    click.echo(f"  Brier                      {brier[0]:.4f} [{brier[1]:.4f}, {brier[2]:.4f}]")
    click.echo(f"  ECE (10 bins)              {pooled['ece']:.4f}")
    for shortfall in promise.shortfalls():  # only a --quick demo registers despite one
        click.echo(f"  PROMISE NOT KEPT (demo run, registered anyway): {shortfall}")
    missed = ", ".join(map(str, comparison.missed_cases()["id"])) or "none"
    click.echo(f"\n{role}: {report.winner} -> pinkbreast version {report.version}")
    click.echo(f"Malignant cases missed out of fold (UCI ids): {missed}")
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

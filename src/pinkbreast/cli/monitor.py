"""``pinkbreast monitor``: the recall check for cron, and the drift report."""

from __future__ import annotations

import json

import click

from pinkbreast.config import load_settings
from pinkbreast.db.session import session_scope
from pinkbreast.services.monitoring import alerts, drift
from pinkbreast.services.monitoring.notify import Notifier


@click.group()
def monitor() -> None:
    """Model monitoring on confirmed outcomes."""


@monitor.command("check")
def check() -> None:
    """Check windowed recall against the threshold; raise or resolve the alert.

    Exit status: 0 when recall is fine or not yet judged, 1 while the recall alert is open.
    Meant for cron (e.g. every 15 minutes); the web app runs the same check whenever an
    outcome is recorded.
    """
    settings = load_settings()
    monitoring = settings.monitoring
    with session_scope(settings.database_url) as session:
        result = alerts.check_recall(
            session=session,
            window=monitoring.window,
            threshold=monitoring.recall_threshold,
            notifier=Notifier(monitoring.channels),
        )
    click.echo(json.dumps({"status": result.status, "change": result.change, **result.figures}))
    if result.alert is not None:
        raise SystemExit(1)


@monitor.command("drift")
def drift_command() -> None:
    """Compare recent inputs with the training cases, feature by feature."""
    settings = load_settings()
    with session_scope(settings.database_url) as session:
        n, rows = drift.drift_report(session=session, settings=settings.monitoring.drift)
    click.echo(f"{n} recent predictions compared with the training cases.")
    for row in sorted(rows, key=lambda r: -r.psi):
        mark = "DRIFT" if row.flagged else ""
        click.echo(
            f"{row.feature:<26} KS {row.ks_statistic:.3f} p {row.ks_pvalue:.2g} "
            f"PSI {row.psi:.3f} {mark}"
        )

"""Load: 50 clinicians for 60 s on gunicorn (production settings, deploy/boot.sh) and MariaDB.

Each logs in through the login form, then mixes predictions through the web form, history views
and outcome recording. Nothing may fail, and the database must hold exactly what the clients
were told: every acknowledged prediction once, with what was sent, and nothing else. The figures
go to the test's temporary folder; with PINKBREAST_RECORD_FIGURES=1 (`make reliability-figures`)
to benchmarks/results/reliability-load.json and benchmarks/reliability.md, which are committed.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
from collections import Counter
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

import pytest
import sqlalchemy as sa

from pinkbreast.config import load_settings
from pinkbreast.db.models import AuditEvent, Outcome, PredictionRecord
from pinkbreast.db.session import engine_for, session_scope
from pinkbreast.web.gunicorn_app import default_workers
from tests.reliability.clinicians import Browser, Ledger, run_all, summary, warm_up
from tests.reliability.servers import (
    create_clinicians,
    create_token,
    gunicorn,
    production_env,
    run_cli,
)

pytestmark = pytest.mark.reliability

ROOT = Path(__file__).resolve().parents[2]
RESULTS = Path("results") / "reliability-load.json"  # under benchmarks/ or the temporary folder
REPORT = Path("reliability.md")
CLINICIANS = 50
SECONDS = float(os.environ.get("RELIABILITY_LOAD_SECONDS", "60"))
THINK = (1.0, 3.0)  # seconds between two actions of one clinician (uniform)
WARM_UP = "warmup"  # the account whose API predictions warm the workers up


def stored(database_url: str) -> dict:
    """What the database holds after the run: predictions, their audit rows and outcomes."""
    with session_scope(database_url) as session:
        rows = session.scalars(sa.select(PredictionRecord).order_by(PredictionRecord.id))
        predictions = {r.id: (r.user.username, r.sample_ref) for r in rows}
        predictions = {i: row for i, row in predictions.items() if row[0] != WARM_UP}
        audit = sa.select(AuditEvent.action, AuditEvent.record_id).where(
            AuditEvent.outcome == "allowed"
        )
        events = Counter(tuple(row) for row in session.execute(audit))
        outcome_ids = Counter(session.scalars(sa.select(Outcome.prediction_id)))
    engine_for(database_url).dispose()
    return {
        "predictions": predictions,
        "refs": Counter(ref for _, ref in predictions.values()),
        "created_audited": {
            int(i) for (a, i) in events if a == "prediction.create" and int(i) in predictions
        },
        "outcomes": outcome_ids,
        "outcomes_audited": Counter(
            {int(i): n for (a, i), n in events.items() if a == "outcome.record"}
        ),
    }


def test_fifty_clinicians_for_a_minute(tmp_path, mariadb_database, champion_tracking_uri):
    env = production_env(tmp_path, mariadb_database, champion_tracking_uri)
    run_cli(env, "db", "upgrade")
    names = [f"clinician{i:02d}" for i in range(CLINICIANS)]
    create_clinicians(env, [*names, WARM_UP])
    token = create_token(env, WARM_UP)
    ledger = Ledger()
    with gunicorn(tmp_path, env) as server:
        workers = default_workers({})
        cold = warm_up(server.base, token, workers)
        clients = [Browser(server.base, name, ledger, seed=i) for i, name in enumerate(names)]
        seconds = run_all(clients, SECONDS, THINK)
    figures = summary(ledger.samples, seconds)
    db = stored(mariadb_database)
    figures["warm_up_rounds_seconds"] = [round(t, 1) for t in cold]
    if SECONDS == 60:  # a shortened run (RELIABILITY_LOAD_SECONDS) is not the recorded figure
        write_results(figures, ledger, env, workers, mariadb_database, tmp_path)

    assert ledger.anomalies == []
    server_errors = [s for s in ledger.samples if s.status is None or s.status >= 500]
    assert server_errors == [], server_errors[:5]
    unexpected = [(s.action, s.status, s.body[:300]) for s in ledger.samples if not s.expected]
    assert unexpected == [], unexpected[:5]
    assert ledger.unanswered == []
    # The load was real and no one starved: one prediction per clinician on average at least,
    # and every clinician was served beyond the login.
    assert len(ledger.acknowledged) >= CLINICIANS
    served = {s.who for s in ledger.samples if s.expected and not s.action.startswith("login")}
    assert served == set(names)
    # Every acknowledged prediction is stored once, for its clinician and sample; nothing else.
    assert db["predictions"] == ledger.acknowledged
    assert max(db["refs"].values()) == 1
    assert db["created_audited"] == set(db["predictions"])
    assert db["outcomes"] == Counter(ledger.outcomes) == db["outcomes_audited"]
    assert figures["actions"]["predict"]["count"] == len(ledger.acknowledged)


def write_results(
    figures: dict, ledger: Ledger, env: dict, workers: int, url: str, tmp_path: Path
) -> None:
    hashing = load_settings(env).password_hash
    results = {
        "test": "tests/reliability/test_load.py",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "clinicians": CLINICIANS,
        "load_seconds": SECONDS,
        "think_seconds": list(THINK),
        "gunicorn_workers": workers,
        "password_hash": {
            "algorithm": "argon2id",
            "memory_kib": hashing.memory_cost,
            "time_cost": hashing.time_cost,
            "parallelism": hashing.parallelism,
        },
        "machine": machine(),
        "versions": versions(url),
        "predictions_acknowledged": len(ledger.acknowledged),
        "outcomes_recorded": len(ledger.outcomes),
        "predictions_per_second": round(len(ledger.acknowledged) / figures["seconds"], 1),
        "statuses": dict(Counter(str(s.status) for s in ledger.samples)),
        **figures,
    }
    record = os.environ.get("PINKBREAST_RECORD_FIGURES") == "1"
    folder = ROOT / "benchmarks" if record else tmp_path / "figures"
    (folder / RESULTS).parent.mkdir(parents=True, exist_ok=True)
    (folder / RESULTS).write_text(json.dumps(results, indent=2) + "\n")
    (folder / REPORT).write_text(report(results))


def machine() -> dict:
    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in cpuinfo.splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    return {
        "cpu": model,
        "cores": len(os.sched_getaffinity(0)),
        "memory_gib": round(pages / 2**30, 1),
        "os": platform.platform(),
    }


def versions(url: str) -> dict:
    with engine_for(url).connect() as connection:
        server = connection.execute(sa.select(sa.func.version())).scalar_one()
    engine_for(url).dispose()
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
    ).stdout.strip()
    packages = ("flask", "gunicorn", "sqlalchemy", "pymysql", "scikit-learn", "argon2-cffi")
    return {
        "pinkbreast_commit": commit or "unknown",
        "python": platform.python_version(),
        "mariadb": server,
        **{name: version(name) for name in packages},
    }


def report(results: dict) -> str:
    rows = "\n".join(
        f"| {action} | {a['count']} | {a['p50_ms']} | {a['p99_ms']} | {a['max_ms']} |"
        for action, a in results["actions"].items()
    )
    m, v, h = results["machine"], results["versions"], results["password_hash"]
    statuses = ", ".join(f"{code}: {n}" for code, n in sorted(results["statuses"].items()))
    think = "–".join(f"{t:g}" for t in results["think_seconds"])
    return f"""# Reliability: load figures

Written by `make reliability-figures` (`tests/reliability/test_load.py`) on {results["date"]};
the raw figures are in `results/reliability-load.json`. That run rewrites both files (`make
test-reliability` leaves them alone).

## Set-up

* {results["clinicians"]} simulated clinicians (threads in the test process, one HTTP session
  each) for {results["load_seconds"]:g} s ({results["seconds"]} s until the last answer came
  back) against gunicorn started by `deploy/boot.sh` with the production settings:
  {results["gunicorn_workers"]} sync workers (2 × CPUs + 1), a fresh MariaDB database on the
  same machine.
* Each clinician logs in through the login form (with its CSRF token), then, with {think} s of
  thinking between actions: submits a WDBC case through the prediction form (form page, POST,
  result page with its SHAP explanation) half of the time, opens the history 30 % of the time,
  and records a confirmed outcome on one of their predictions 20 % of the time.
* Accounts were made beforehand with `pinkbreast users create`, with the production password
  hash, argon2id {h["memory_kib"] // 1024} MiB, {h["time_cost"]} passes, {h["parallelism"]}
  lanes (nothing weakened for the test): each login costs one such verification, and the 50
  logins all fall in the first seconds.
* Cold start, kept out of the figures: before the clock starts, API predictions are sent
  {results["gunicorn_workers"]} at a time until every worker has loaded the champion and built
  its explainer. The slowest answer of each round: {results["warm_up_rounds_seconds"]} s. A
  fresh worker's first explained prediction costs that much.
* Machine: {m["cpu"]}, {m["cores"]} cores, {m["memory_gib"]} GiB, {m["os"]}; the clients
  share the cores with the server.
* Versions: the working tree on commit {v["pinkbreast_commit"]}, Python {v["python"]}, MariaDB
  {v["mariadb"]}, Flask {v["flask"]}, gunicorn {v["gunicorn"]}, SQLAlchemy {v["sqlalchemy"]},
  PyMySQL {v["pymysql"]}, scikit-learn {v["scikit-learn"]}, argon2-cffi {v["argon2-cffi"]}.

## Result

{results["requests"]} requests ({results["requests_per_second"]} per second);
{results["predictions_acknowledged"]} predictions acknowledged
({results["predictions_per_second"]} per second) and {results["outcomes_recorded"]} outcomes
recorded. Statuses: {statuses}. No 5xx and no unexpected status; every acknowledged prediction
is stored exactly once, for its clinician and sample, with its audit row, and nothing else was
stored.

| Action | Requests | p50 (ms) | p99 (ms) | max (ms) |
|---|---|---|---|---|
{rows}

"login page" and "login" are the sign-in form and its POST; "form" the prediction form page;
"predict" the POST that scores and stores (answered by a redirect naming the new prediction);
"result" the result page with its explanation; "history" the clinician's list; "outcome" the
POST of a confirmed diagnosis. Latency is measured by the client, from sending the request to
the whole answer.

The other reliability tests (a database restart under load, SIGTERM during a request, a
read-only or full instance folder) pass or fail; see `tests/reliability/` and
`docs/architecture.md`.
"""

"""Explained predictions as users meet them (issue 19), against ``mlflow models serve``.

Two set-ups of our API, both with every prediction stored and audited:

* **default install** — what ``make run`` starts: ``pinkbreast serve`` (2 workers), embedded
  SQLite, default settings (only the API rate limits raised, so the load generator is not
  throttled); its default request explains (``explain`` defaults to true);
* **production** — gunicorn with ``deploy/gunicorn.conf.py``, MariaDB, production settings.

Each is loaded with the one-row request explained and unexplained (1 and 8 clients) and with
1,000-row batches explained and unexplained (2 clients); the peer is ``mlflow models serve`` of
the same fitted pipeline in its scikit-learn flavour, same machine, same wrk load. The three
servers run side by side and the loads take turns on them, round after round (``_rounds``).
Every cell records req/s, p50/p99 and the server's CPU time per request (user + system time of
the server's processes over the load, from ``/proc``), each the median of the rounds. The
result page's explanation is timed in process: the champion's ``explain`` of one case (what
the page's request computes).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import statistics
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks import loadgen
from benchmarks.common import (
    BIN,
    ROOT,
    _descendants,
    first_answer,
    free_port,
    process,
    say,
    write_result,
)
from benchmarks.instance import PASSWORD, Instance
from benchmarks.serving import WORKERS, _records, register_sklearn_peer

TICK = os.sysconf("SC_CLK_TCK")
REPEATS = 5  # rounds of every load on every server (see _rounds)
ERROR_FIELDS = ("connect_errors", "read_errors", "write_errors", "non_2xx", "timeouts")
# Loads compared with each other, run back to back in each round: ours, then the peer's.
LOAD_GROUPS = (
    ("one_row_default_c1", "one_row_c1"),
    ("one_row_default_c8", "one_row_c8"),
    ("one_row_c8_close",),  # the peer with a new connection per request (see report_explained)
    ("one_row_unexplained_c1",),
    ("one_row_unexplained_c8",),
    ("batch_1000_explained_c2", "batch_1000_c2"),
    ("batch_1000_unexplained_c2",),
)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of ``pid`` and every process below it."""
    total = 0
    for each in [pid, *_descendants(pid)]:
        try:
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (children not reaped here)
    return total / TICK


def _bodies() -> dict[str, bytes]:
    one, thousand = _records(1), _records(1000)

    def ours(records, explain=None):
        body = {"samples": [{"measurements": r} for r in records]}
        return json.dumps(body if explain is None else body | {"explain": explain}).encode()

    def theirs(records):
        return json.dumps({"dataframe_records": records}).encode()

    return {
        "one_default": ours(one),  # the default request: explained
        "one_unexplained": ours(one, explain=False),
        "batch_explained": ours(thousand, explain=True),
        "batch_unexplained": ours(thousand, explain=False),
        "peer_one": theirs(one),
        "peer_batch": theirs(thousand),
    }


def _default_install(instance: Instance, port: int) -> tuple[list[str], dict, str]:
    """``make run``'s server on a fresh SQLite instance that uses the run's champion."""
    folder = instance.folder / "default"
    shutil.rmtree(folder, ignore_errors=True)  # fresh, also when an instance is reused
    env = {k: v for k, v in instance.env.items()
           if k not in ("PINKBREAST_ENV", "DATABASE_URL", "SECRET_KEY")}  # fmt: skip
    env.update(PINKBREAST_INSTANCE=str(folder))
    instance.cli("prepare", env=env)
    secret = f"{PASSWORD}\n{PASSWORD}\n"
    instance.cli("users", "create", "loadtest", "--email", "l@example.org", input=secret, env=env)
    token = instance.cli("tokens", "create", "--user", "loadtest", "--name", "bench", env=env)
    command = [str(BIN / "pinkbreast"), "serve", "--port", str(port), "--workers", str(WORKERS)]
    return command, env, token.strip().splitlines()[-1]


def _load(url: str, body: bytes, token, connections: int, seconds: int, pid: int,
          close: bool = False) -> dict:  # fmt: skip
    before = cpu_seconds(pid)
    result = loadgen.run(url, body, token=token, connections=connections, seconds=seconds,
                         close=close)  # fmt: skip
    result["server_cpu_ms_per_request"] = 1000 * (cpu_seconds(pid) - before) / result["requests"]
    return result


@dataclass
class Server:
    """One server under test: its command, where to post, its loads (key: body, clients)."""

    name: str
    command: list[str]
    env: dict
    url: str
    token: str | None
    loads: dict[str, tuple[bytes, int]]


def _start(server: Server, stack: contextlib.ExitStack, folder: Path) -> subprocess.Popen:
    headers = {"Authorization": f"Bearer {server.token}"} if server.token else {}
    first = next(iter(server.loads.values()))[0]
    log = folder / f"explained-{server.name}.log"
    child = stack.enter_context(process(server.command, env=server.env, log=log))
    first_answer(server.url, first, headers, child)
    loadgen.run(server.url, first, token=server.token, connections=2 * WORKERS, seconds=2)  # warm
    return child


def _rounds(servers: list[Server], seconds: int, repeats: int, folder: Path) -> dict:
    """Every server started at once (each on its own port, idle until loaded), then
    ``repeats`` rounds in which each load runs on each server in turn, ours then the peer's:
    a change of the shared machine's speed during the run lands on every server alike, not
    on whichever ran then. A cell is the median of its rounds (kept in ``rounds``)."""
    runs: dict[str, dict[str, list[dict]]] = {s.name: {k: [] for k in s.loads} for s in servers}
    with contextlib.ExitStack() as stack:
        children = {s.name: _start(s, stack, folder) for s in servers}
        for round_ in range(1, repeats + 1):
            for group in LOAD_GROUPS:
                for server in servers:
                    key = next((k for k in group if k in server.loads), None)
                    if key is None:
                        continue
                    body, clients = server.loads[key]
                    pid = children[server.name].pid
                    load = _load(server.url, body, server.token, clients, seconds, pid,
                                 close=key.endswith("_close"))  # fmt: skip
                    if "batch" in key:
                        load["rows_per_s"] = load["requests_per_s"] * 1000
                    runs[server.name][key].append(load)
                    say(f"explained: round {round_} {server.name} {key}: {_brief(load)}")
    return {name: {k: _median(each) for k, each in loads.items()} for name, loads in runs.items()}


def _median(rounds: list[dict]) -> dict:
    """Each figure's median over the rounds, requests and errors summed, the rounds kept."""
    summed = ("requests", *ERROR_FIELDS)
    cell: dict = {key: sum(r[key] for r in rounds) for key in summed}
    for key, value in rounds[0].items():
        if key not in summed and isinstance(value, int | float):
            cell[key] = statistics.median(r[key] for r in rounds)
    cell["rounds"] = rounds
    return cell


def _brief(r: dict) -> str:
    return (f"{r['requests_per_s']:.0f} req/s, p50 {r['p50_ms']:.2f} ms, p99 {r['p99_ms']:.2f} "
            f"ms, CPU {r['server_cpu_ms_per_request']:.2f} ms/req, errors "
            f"{r['non_2xx'] + r['timeouts']}")  # fmt: skip


def page_explanation_ms(instance: Instance, count: int = 300) -> dict:
    """Server time of the result page's explanation: the champion explaining one case."""
    from pinkbreast.features import FEATURE_NAMES
    from pinkbreast.ml import serving
    from pinkbreast.ml.data import load_reference

    champion = serving.champion(instance.tracking_uri)
    frame = load_reference()[list(FEATURE_NAMES)].astype(float)
    rows = [frame.iloc[i % len(frame)].to_dict() for i in range(count)]
    champion.explain(rows[0])  # built on first use, as in a worker
    times = []
    for row in rows:
        start = time.perf_counter()
        explanation = champion.explain(row)
        times.append(1000 * (time.perf_counter() - start))
    times.sort()
    return {
        "median_ms": round(statistics.median(times), 3),
        "p99_ms": round(times[int(0.99 * len(times)) - 1], 3),
        "method": explanation.method,
        "candidate": champion.operating_point.get("candidate"),
    }


def run(instance: Instance, *, seconds: int = 5, repeats: int = REPEATS) -> dict:
    loadgen.require_wrk()
    b = _bodies()
    ours = {
        "one_row_default_c1": (b["one_default"], 1),
        "one_row_default_c8": (b["one_default"], 8),
        "one_row_unexplained_c1": (b["one_unexplained"], 1),
        "one_row_unexplained_c8": (b["one_unexplained"], 8),
        "batch_1000_explained_c2": (b["batch_explained"], 2),
        "batch_1000_unexplained_c2": (b["batch_unexplained"], 2),
    }
    peer_loads = {
        "one_row_c1": (b["peer_one"], 1),
        "one_row_c8": (b["peer_one"], 8),
        "one_row_c8_close": (b["peer_one"], 8),
        "batch_1000_c2": (b["peer_batch"], 2),
    }
    result = {"workers": WORKERS, "seconds_per_load": seconds, "rounds": repeats, "setups": {}}
    result["page_explanation"] = page_explanation_ms(instance)
    say(f"explained: result page explanation {result['page_explanation']}")
    port = free_port()
    command, env, token = _default_install(instance, port)
    default = Server("default_install", command, env, _api(port), token, ours)
    port = free_port()
    gunicorn = [str(BIN / "gunicorn"), "--config", str(ROOT / "deploy" / "gunicorn.conf.py"),
                "pinkbreast.wsgi:app"]  # fmt: skip
    production_env = {**instance.env, "WEB_CONCURRENCY": str(WORKERS), "PINKBREAST_PORT": str(port)}
    production = Server("production", gunicorn, production_env, _api(port), instance.token, ours)
    port = free_port()
    peer = [str(BIN / "mlflow"), "models", "serve", "-m", register_sklearn_peer(instance),
            "--env-manager", "local", "-h", "127.0.0.1", "-p", str(port),
            "-w", str(WORKERS)]  # fmt: skip
    mlflow = Server(
        "mlflow_serve_sklearn_flavor", peer, instance.env,
        f"http://127.0.0.1:{port}/invocations", None, peer_loads,
    )  # fmt: skip
    result["setups"] = _rounds([default, production, mlflow], seconds, repeats, instance.folder)
    result["targets"] = targets(result)
    write_result("explained", result)
    say(f"explained: targets {result['targets']}")
    return result


def _api(port: int) -> str:
    return f"http://127.0.0.1:{port}/api/v1/predictions"


def targets(result: dict) -> dict:
    """The issue's four targets, per set-up of ours. A ratio is the median of the rounds' own
    ratios (the two loads it compares ran back to back in that round), kept with them."""
    peer = result["setups"]["mlflow_serve_sklearn_flavor"]
    found = {}
    for name in ("default_install", "production"):
        s = result["setups"][name]
        cpu = _ratios(s["one_row_default_c8"], s["one_row_unexplained_c8"],
                      "server_cpu_ms_per_request")  # fmt: skip
        speed = _ratios(s["one_row_default_c8"], peer["one_row_c8"], "requests_per_s")
        rows = _ratios(s["batch_1000_explained_c2"], peer["batch_1000_c2"], "rows_per_s")
        closing = _ratios(s["one_row_default_c8"], peer["one_row_c8_close"], "requests_per_s")
        found[name] = {
            "explained_cpu_vs_unexplained": _target(cpu, lambda r: r <= 2.0),
            "explained_c8_vs_mlflow": _target(speed, lambda r: r >= 5.0),
            "explained_batch_rows_vs_mlflow": _target(rows, lambda r: r >= 1.0),
            # not the target: MLflow without its keep-alive stall, for context
            "explained_c8_vs_mlflow_new_connections": _target(closing, lambda r: r >= 5.0),
        }
    page = result["page_explanation"]["median_ms"]
    found["page_explanation_ms"] = {"median_ms": page, "met": page <= 2.0}
    return found


def _ratios(ours: dict, theirs: dict, field: str) -> list[float]:
    pairs = zip(ours["rounds"], theirs["rounds"], strict=True)
    return [mine[field] / other[field] for mine, other in pairs]


def _target(ratios: list[float], met) -> dict:
    ratio = statistics.median(ratios)
    return {"ratio": round(ratio, 2), "rounds": [round(r, 2) for r in ratios], "met": met(ratio)}

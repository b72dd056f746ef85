"""Explained predictions as users meet them (issue 19), against ``mlflow models serve``.

Two set-ups of our API, both with every prediction stored and audited:

* **default install** — what ``make run`` starts: ``pinkbreast serve`` (2 workers), embedded
  SQLite, default settings (only the API rate limits raised, so the load generator is not
  throttled); its default request explains (``explain`` defaults to true);
* **production** — gunicorn with ``deploy/gunicorn.conf.py``, MariaDB, production settings.

Each is loaded with the one-row request explained and unexplained (1 and 8 clients) and with
1,000-row batches explained and unexplained (2 clients); the peer is ``mlflow models serve`` of
the same fitted pipeline in its scikit-learn flavour, same machine, same wrk load. Every cell
records req/s, p50/p99 and the server's CPU time per request (user + system time of the
server's processes over the load, from ``/proc``). The result page's explanation is timed in
process: the champion's ``explain`` of one case (what the page's request computes).
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import time
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


def _load(url: str, body: bytes, token, connections: int, seconds: int, pid: int) -> dict:
    before = cpu_seconds(pid)
    result = loadgen.run(url, body, token=token, connections=connections, seconds=seconds)
    result["server_cpu_ms_per_request"] = 1000 * (cpu_seconds(pid) - before) / result["requests"]
    return result


def _measure(name, command, env, url, token, loads, seconds, folder) -> dict:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    results = {}
    first = next(iter(loads.values()))[0]
    with process(command, env=env, log=folder / f"explained-{name}.log") as child:
        first_answer(url, first, headers, child)
        loadgen.run(url, first, token=token, connections=2 * WORKERS, seconds=2)  # warm-up
        for key, (body, connections) in loads.items():
            results[key] = _load(url, body, token, connections, seconds, child.pid)
            if "batch" in key:
                results[key]["rows_per_s"] = results[key]["requests_per_s"] * 1000
            say(f"explained: {name} {key}: {_brief(results[key])}")
    return results


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


def run(instance: Instance, *, seconds: int = 10) -> dict:
    loadgen.require_wrk()
    port, b = free_port(), _bodies()
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
        "batch_1000_c2": (b["peer_batch"], 2),
    }
    url = f"http://127.0.0.1:{port}/api/v1/predictions"
    command, env, token = _default_install(instance, port)
    result = {"workers": WORKERS, "seconds_per_load": seconds, "setups": {}}
    result["page_explanation"] = page_explanation_ms(instance)
    say(f"explained: result page explanation {result['page_explanation']}")
    result["setups"]["default_install"] = _measure(
        "default_install", command, env, url, token, ours, seconds, instance.folder
    )
    gunicorn = [str(BIN / "gunicorn"), "--config", str(ROOT / "deploy" / "gunicorn.conf.py"),
                "pinkbreast.wsgi:app"]  # fmt: skip
    production_env = {**instance.env, "WEB_CONCURRENCY": str(WORKERS), "PINKBREAST_PORT": str(port)}
    result["setups"]["production"] = _measure(
        "production", gunicorn, production_env, url, instance.token, ours, seconds,
        instance.folder,
    )  # fmt: skip
    peer = [str(BIN / "mlflow"), "models", "serve", "-m", register_sklearn_peer(instance),
            "--env-manager", "local", "-h", "127.0.0.1", "-p", str(port),
            "-w", str(WORKERS)]  # fmt: skip
    result["setups"]["mlflow_serve_sklearn_flavor"] = _measure(
        "mlflow_serve_sklearn_flavor", peer, instance.env,
        f"http://127.0.0.1:{port}/invocations", None, peer_loads, seconds, instance.folder,
    )  # fmt: skip
    result["targets"] = targets(result)
    write_result("explained", result)
    say(f"explained: targets {result['targets']}")
    return result


def targets(result: dict) -> dict:
    """The issue's four targets, per set-up of ours: figure and met or not."""
    peer = result["setups"]["mlflow_serve_sklearn_flavor"]
    found = {}
    for name in ("default_install", "production"):
        s = result["setups"][name]
        cpu = (s["one_row_default_c8"]["server_cpu_ms_per_request"]
               / s["one_row_unexplained_c8"]["server_cpu_ms_per_request"])  # fmt: skip
        speed = s["one_row_default_c8"]["requests_per_s"] / peer["one_row_c8"]["requests_per_s"]
        rows = s["batch_1000_explained_c2"]["rows_per_s"] / peer["batch_1000_c2"]["rows_per_s"]
        found[name] = {
            "explained_cpu_vs_unexplained": {"ratio": round(cpu, 2), "met": cpu <= 2.0},
            "explained_c8_vs_mlflow": {"ratio": round(speed, 2), "met": speed >= 5.0},
            "explained_batch_rows_vs_mlflow": {"ratio": round(rows, 2), "met": rows >= 1.0},
        }
    page = result["page_explanation"]["median_ms"]
    found["page_explanation_ms"] = {"median_ms": page, "met": page <= 2.0}
    return found

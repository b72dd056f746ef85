"""Serving: our API (gunicorn, production settings, MariaDB, every prediction stored and audited)
against ``mlflow models serve`` of the same registered champion, same machine, same wrk load."""

from __future__ import annotations

import json
import statistics
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from benchmarks import loadgen
from benchmarks.common import BIN, ROOT, first_answer, free_port, process, say, write_result
from benchmarks.instance import Instance

WORKERS = 2  # both servers: one worker process per core
CONCURRENCY = (1, 8, 32)
COLD_STARTS = 3


@dataclass(frozen=True)
class Server:
    name: str
    command: list[str]
    env: dict
    path: str  # prediction endpoint
    token: str | None
    single: bytes  # body with one sample
    batch: bytes  # body with 1,000 samples
    explained: bytes | None = None  # one sample, explanation computed and stored

    def url(self, port: int) -> str:
        return f"http://127.0.0.1:{port}{self.path}"


def _records(count: int) -> list[dict]:
    from pinkbreast.features import FEATURE_NAMES
    from pinkbreast.ml.data import load_reference

    frame = load_reference()[list(FEATURE_NAMES)].astype(float)
    return [frame.iloc[i % len(frame)].to_dict() for i in range(count)]


PEER_MODEL = "pinkbreast-sklearn-peer"


def register_sklearn_peer(instance: Instance) -> str:
    """The champion's fitted pipeline logged as a plain ``mlflow.sklearn`` model (what a team
    gets from ``mlflow.sklearn.log_model``): MLflow serving it calls scikit-learn directly."""
    import mlflow
    import skops.io

    from pinkbreast.ml import serving

    pipeline = serving.champion(instance.tracking_uri).served.pipeline
    # MLflow saves scikit-learn models with skops, which lists the classes it may load
    trusted = skops.io.get_untrusted_types(data=skops.io.dumps(pipeline))
    mlflow.set_tracking_uri(instance.tracking_uri)
    with mlflow.start_run(run_name="benchmark sklearn peer"):
        info = mlflow.sklearn.log_model(
            pipeline,
            name="model",
            registered_model_name=PEER_MODEL,
            pyfunc_predict_fn="predict_proba",
            pip_requirements=[],
            skops_trusted_types=trusted,
        )
    return f"models:/{PEER_MODEL}/{info.registered_model_version}"


def servers(instance: Instance, port: int) -> list[Server]:
    one, thousand = _records(1), _records(1000)

    def ours(records: list[dict], explain: bool = False) -> bytes:
        samples = [{"measurements": r} for r in records]
        return json.dumps({"samples": samples, "explain": explain}).encode()

    def theirs(records: list[dict]) -> bytes:
        return json.dumps({"dataframe_records": records}).encode()

    gunicorn_env = {**instance.env, "WEB_CONCURRENCY": str(WORKERS), "PINKBREAST_PORT": str(port)}
    peer = register_sklearn_peer(instance)

    def mlflow_serve(uri: str) -> list[str]:
        return [str(BIN / "mlflow"), "models", "serve", "-m", uri, "--env-manager", "local",
                "-h", "127.0.0.1", "-p", str(port), "-w", str(WORKERS)]  # fmt: skip

    return [
        Server(
            "pinkbreast_api",
            [str(BIN / "gunicorn"), "--config", str(ROOT / "deploy" / "gunicorn.conf.py"),
             "pinkbreast.wsgi:app"],
            gunicorn_env, "/api/v1/predictions", instance.token,
            ours(one), ours(thousand), ours(one, explain=True),
        ),
        Server(
            "mlflow_models_serve",
            mlflow_serve("models:/pinkbreast@champion"),
            instance.env, "/invocations", None, theirs(one), theirs(thousand),
        ),
        Server(
            "mlflow_serve_sklearn_flavor",
            mlflow_serve(peer),
            instance.env, "/invocations", None, theirs(one), theirs(thousand),
        ),
    ]  # fmt: skip


def _stored(instance: Instance) -> int:
    engine = sa.create_engine(instance.env["DATABASE_URL"])
    with engine.connect() as connection:
        count = connection.scalar(sa.text("SELECT COUNT(*) FROM predictions"))
    engine.dispose()
    return int(count)


def measure(server: Server, instance: Instance, port: int, seconds: int) -> dict:
    headers = {"Authorization": f"Bearer {server.token}"} if server.token else {}
    logs = Path(instance.folder, f"{server.name}.log")
    cold, loads = [], {}
    for attempt in range(COLD_STARTS):
        with process(server.command, env=server.env, log=logs) as child:
            cold.append(first_answer(server.url(port), server.single, headers, child))
            say(f"serving: {server.name} cold start {cold[-1]:.2f} s")
            if attempt < COLD_STARTS - 1:
                continue
            # warm every worker (each loads its model on first use); not measured
            loadgen.run(server.url(port), server.single, token=server.token,
                        connections=2 * WORKERS, seconds=2)  # fmt: skip
            before = _stored(instance) if server.token else None
            for connections in CONCURRENCY:
                loads[f"one_row_c{connections}"] = loadgen.run(
                    server.url(port), server.single, token=server.token,
                    connections=connections, seconds=seconds,
                )  # fmt: skip
                key = f"one_row_c{connections}"
                say(f"serving: {server.name} c={connections}: {_brief(loads[key])}")
            if server.explained:
                loads["one_row_explained_c8"] = loadgen.run(
                    server.url(port), server.explained, token=server.token, connections=8,
                    seconds=seconds,
                )  # fmt: skip
            loads["batch_1000_c2"] = batch = loadgen.run(
                server.url(port), server.batch, token=server.token, connections=2,
                seconds=seconds,
            )  # fmt: skip
            batch["rows_per_s"] = batch["requests_per_s"] * 1000
            say(f"serving: {server.name} 1,000-row batches: {batch['rows_per_s']:.0f} rows/s")
            stored = None if before is None else _stored(instance) - before
    answered = sum(
        r["requests"] * (1000 if name.startswith("batch") else 1) for name, r in loads.items()
    )
    return {
        "cold_start_s": [round(c, 2) for c in cold],
        "cold_start_median_s": round(statistics.median(cold), 2),
        "loads": loads,
        "predictions_answered": answered,
        "predictions_stored": stored,
    }


def _ratios(ours: dict, theirs: dict) -> dict:
    def ratio(key: str, field: str) -> float:
        return round(ours["loads"][key][field] / theirs["loads"][key][field], 2)

    return {
        "throughput_one_row_c8": ratio("one_row_c8", "requests_per_s"),
        "throughput_one_row_c32": ratio("one_row_c32", "requests_per_s"),
        "p50_one_row_c1": ratio("one_row_c1", "p50_ms"),
        "rows_per_s_batch_1000": ratio("batch_1000_c2", "rows_per_s"),
        "cold_start": round(ours["cold_start_median_s"] / theirs["cold_start_median_s"], 2),
    }


def _brief(result: dict) -> str:
    return (
        f"{result['requests_per_s']:.0f} req/s, p50 {result['p50_ms']:.2f} ms, "
        f"p99 {result['p99_ms']:.2f} ms, errors {result['non_2xx'] + result['timeouts']}"
    )


def run(instance: Instance, *, seconds: int = 10) -> dict:
    loadgen.require_wrk()
    port = free_port()
    result = {"workers": WORKERS, "seconds_per_load": seconds, "servers": {}}
    for server in servers(instance, port):
        result["servers"][server.name] = measure(server, instance, port, seconds)
    ours = result["servers"]["pinkbreast_api"]
    result["ratios"] = {
        peer: _ratios(ours, result["servers"][peer])
        for peer in ("mlflow_models_serve", "mlflow_serve_sklearn_flavor")
    }
    write_result("serving", result)
    say(f"serving: ratios {result['ratios']}")
    return result

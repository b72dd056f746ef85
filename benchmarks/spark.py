"""Spark: ``pinkbreast predict --engine spark --master local[2]`` against the single-machine
CLI on the same generated CSV files (1 and 10 million rows), the fixed cost of a job, and the
two ways to put the model on Spark (our pandas function against ``mlflow.pyfunc.spark_udf``).

Generated rows are the 569 reference cases repeated under unique sample references, so every
row is valid and both engines parse, validate, score and write the same work. The CLI reads a
whole file into memory: it runs with its address space capped (:data:`CLI_MEMORY_CAP`) so that
a file too big for it fails alone instead of pressing on the machine, and is then reported as
not finishing. Every file and output is deleted as soon as it has been measured.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import time
from pathlib import Path

from benchmarks.common import BIN, say, write_result
from benchmarks.instance import Instance

SIZES = (1_000_000, 10_000_000)
QUICK_SIZES = (100_000, 1_000_000)
SMALL = 100  # rows: a job's fixed cost (start, model, one tiny file) is measured on this
MASTER = "local[2]"
CLI_MEMORY_CAP = 12 * 2**30  # bytes of address space for the single-machine CLI
STEP = 200_000  # rows generated per write


def write_csv(path: Path, rows: int) -> int:
    """``rows`` samples (reference cases in turn, unique references); the file's size."""
    from pinkbreast.features import FEATURE_NAMES
    from pinkbreast.ml.data import load_reference

    cases = load_reference()[list(FEATURE_NAMES)].to_csv(index=False, header=False).splitlines()
    with path.open("w") as handle:
        handle.write("sample_ref," + ",".join(FEATURE_NAMES) + "\n")
        for start in range(0, rows, STEP):
            stop = min(rows, start + STEP)
            handle.write("".join(f"S{i:08d},{cases[i % len(cases)]}\n" for i in range(start, stop)))
    return path.stat().st_size


def _capped() -> None:  # runs in the child before exec
    resource.setrlimit(resource.RLIMIT_AS, (CLI_MEMORY_CAP, CLI_MEMORY_CAP))


def timed(instance: Instance, *args: str, cap: bool = False) -> dict:
    """Wall time, peak resident memory and outcome of one ``pinkbreast`` command."""
    start = time.perf_counter()
    child = subprocess.Popen(
        [str(BIN / "pinkbreast"), *args], env=instance.env, stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, text=True, preexec_fn=_capped if cap else None,
    )  # fmt: skip
    stderr = child.stderr.read() if child.stderr else ""
    _, status, usage = os.wait4(child.pid, 0)  # this child's own peak memory
    child.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - start
    peak = usage.ru_maxrss
    ok = child.returncode == 0
    if not ok:
        say(f"spark: pinkbreast {' '.join(args)} failed: {stderr.strip().splitlines()[-1:]}")
    return {"ok": ok, "wall_s": round(wall, 2), "peak_rss_mb": round(peak / 1024)}


def _engines(instance: Instance, path: Path, out: Path, rows: int, *, repeats: int = 1) -> dict:
    """Both engines on ``path``; with ``repeats``, each run that many times and the fastest
    kept (the fixed cost, measured on a tiny file, is the most sensitive to other load)."""
    cli = spark = None
    for _ in range(repeats):
        one = timed(instance, "predict", str(path), "-o", str(out / "cli.csv"), cap=True)
        other = timed(instance, "predict", str(path), "--engine", "spark", "--master", MASTER,
                      "-o", str(out / "spark"))  # fmt: skip
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir()
        cli = one if cli is None or one["wall_s"] < cli["wall_s"] else cli
        spark = other if spark is None or other["wall_s"] < spark["wall_s"] else spark
    assert cli is not None and spark is not None
    for result in (cli, spark):
        result["rows_per_s"] = round(rows / result["wall_s"]) if result["ok"] else None
    return {"rows": rows, "file_mb": round(path.stat().st_size / 2**20), "cli": cli,
            "spark": spark}  # fmt: skip


def run(instance: Instance, *, quick: bool = False) -> dict | None:
    from pinkbreast.spark.session import unavailable

    if reason := unavailable():
        say(f"spark: skipped ({reason})")
        return None
    folder = instance.folder / "spark-bench"
    out = folder / "out"
    out.mkdir(parents=True, exist_ok=True)
    small = folder / "small.csv"
    write_csv(small, SMALL)
    say(f"spark: fixed cost of a job ({SMALL} rows), CLI and {MASTER}")
    fixed = _engines(instance, small, out, SMALL, repeats=2)
    runs = []
    for rows in QUICK_SIZES if quick else SIZES:
        path = folder / f"samples-{rows}.csv"
        started = time.perf_counter()
        write_csv(path, rows)
        say(f"spark: {rows:,} rows generated in {time.perf_counter() - started:.0f} s; scoring")
        runs.append(_engines(instance, path, out, rows))
        say(f"spark: {rows:,} rows: CLI {runs[-1]['cli']}, Spark {runs[-1]['spark']}")
        if rows == min(QUICK_SIZES if quick else SIZES):
            udfs = compare_udfs(instance, path, folder)
        path.unlink()
    shutil.rmtree(folder, ignore_errors=True)
    result = {
        "master": MASTER,
        "cli_memory_cap_gib": CLI_MEMORY_CAP / 2**30,
        "load_average_before": os.getloadavg()[0],
        "fixed": fixed,
        "runs": runs,
        "udfs": udfs,
        "crossover": crossover(fixed, runs),
    }
    write_result("spark", result)
    return result


def crossover(fixed: dict, runs: list[dict]) -> dict:
    """Each engine's rate beyond its fixed cost, on the largest file it finished, and where
    Spark would overtake the CLI."""
    found: dict = {"cli_fixed_s": fixed["cli"]["wall_s"], "spark_fixed_s": fixed["spark"]["wall_s"]}
    for name in ("cli", "spark"):
        done = [r for r in runs if r[name]["ok"]]
        if not done:
            return found
        largest = done[-1]
        rate = (largest["rows"] - SMALL) / (largest[name]["wall_s"] - found[f"{name}_fixed_s"])
        found |= {f"{name}_at_rows": largest["rows"], f"{name}_marginal_rows_per_s": round(rate)}
    cli, spark = found["cli_marginal_rows_per_s"], found["spark_marginal_rows_per_s"]
    gap = found["spark_fixed_s"] - found["cli_fixed_s"]
    found["rows"] = round(gap / (1 / cli - 1 / spark)) if spark > cli else None
    # executors like this machine's local[2] needed to match the CLI's rate, at linear scaling
    found["executors_to_match_cli"] = -(-cli // spark)
    return found


def compare_udfs(instance: Instance, csv_path: Path, folder: Path) -> dict:
    """Our pandas function against ``mlflow.pyfunc.spark_udf`` on the same Parquet rows:
    scoring only (no output written), and whether the probabilities agree to the bit."""
    import numpy as np
    import pandas as pd

    from pinkbreast.features import FEATURE_NAMES
    from pinkbreast.ml.names import MODEL_NAME
    from pinkbreast.spark import job, model, session, sources

    parquet = folder / "samples.parquet"
    pd.read_csv(csv_path, dtype={"sample_ref": str}).to_parquet(parquet, index=False)
    import mlflow

    mlflow.set_tracking_uri(instance.tracking_uri)  # spark_udf resolves models:/ through it
    with session.spark_session(MASTER) as spark:
        version = model.resolve(instance.tracking_uri)
        ours = job.scored(
            sources.read(spark, str(parquet), "parquet"),
            tracking_uri=instance.tracking_uri, version=version,
        ).select("row", "probability_malignant")  # fmt: skip
        udf = mlflow.pyfunc.spark_udf(
            spark, f"models:/{MODEL_NAME}/{version}", env_manager="local",
            result_type="probability double, label string, zone string",
        )  # fmt: skip
        table = spark.read.parquet(str(parquet))
        theirs = table.select(udf(*FEATURE_NAMES).probability.alias("probability"))
        timings = {}
        for name, frame in (("pandas_function", ours), ("pyfunc_spark_udf", theirs)):
            frame.limit(1000).write.format("noop").mode("overwrite").save()  # workers warm
            started = time.perf_counter()
            frame.write.format("noop").mode("overwrite").save()
            timings[name] = round(time.perf_counter() - started, 2)
        a = ours.orderBy("row").toPandas()["probability_malignant"].to_numpy()
        b = theirs.toPandas()["probability"].to_numpy()  # one file, read in order
    rows = len(a)
    return {
        "rows": rows,
        "wall_s": timings,
        "rows_per_s": {k: round(rows / v) for k, v in timings.items()},
        "identical_bits": bool(np.array_equal(a.view(np.int64), b.view(np.int64))),
        "max_abs_difference": float(np.max(np.abs(a - b))) if rows else 0.0,
    }

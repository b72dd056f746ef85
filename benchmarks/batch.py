"""Batch: ``pinkbreast predict`` on a 100,000-row CSV against the raw model's in-process speed."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from benchmarks.common import say, write_result
from benchmarks.instance import Instance

ROWS = 100_000
SMALL = 100  # rows: the command's fixed cost (start, imports, model load) is measured on this


def write_file(instance: Instance, rows: int) -> tuple:
    from pinkbreast.features import FEATURE_NAMES
    from pinkbreast.ml.data import load_reference

    reference = load_reference()
    picks = np.resize(np.arange(len(reference)), rows)
    frame = reference.iloc[picks][list(FEATURE_NAMES)].reset_index(drop=True)
    frame.insert(0, "sample_ref", [f"S{i:06d}" for i in range(rows)])
    path = instance.folder / f"samples-{rows}.csv"
    frame.to_csv(path, index=False)
    return path, frame


def run(instance: Instance, *, rows: int = ROWS) -> dict:
    from pinkbreast.cli.predict import usable_cpus
    from pinkbreast.features import FEATURE_NAMES
    from pinkbreast.ml import serving

    path, frame = write_file(instance, rows)
    small, _ = write_file(instance, SMALL)
    output = instance.folder / "scored.csv"
    say(f"batch: pinkbreast predict on {rows:,} rows")
    fixed = min(instance.timed("predict", str(small), "--output", str(output)) for _ in range(3))
    cli = instance.timed("predict", str(path), "--output", str(output))
    scored = pd.read_csv(output)
    one_thread = instance.timed("predict", str(path), "--output", str(output), "--threads", "1")
    assert len(scored) == rows, f"{len(scored)} result lines for {rows} rows"
    pipeline = serving.champion(instance.tracking_uri).served.pipeline
    features = frame[list(FEATURE_NAMES)].astype(float)
    start = time.perf_counter()
    pipeline.predict_proba(features)
    raw = time.perf_counter() - start
    startup = instance.timed("predict", "--help")
    marginal = (rows - SMALL) / (cli - fixed)
    result = {
        "rows": rows,
        "file_mb": round(path.stat().st_size / 2**20, 1),
        "cli_wall_s": round(cli, 2),
        "cli_rows_per_s": round(rows / cli),
        "raw_model_s": round(raw, 2),
        "raw_model_rows_per_s": round(rows / raw),
        "cli_vs_raw_model": round(raw / cli, 2),
        "cli_threads": usable_cpus(),
        "cli_one_thread_s": round(one_thread, 2),
        "cli_one_thread_rows_per_s": round(rows / one_thread),
        "cli_one_thread_vs_raw_model": round(raw / one_thread, 2),
        "cli_startup_s": round(startup, 2),
        "cli_fixed_s": round(fixed, 2),
        "cli_marginal_rows_per_s": round(marginal),
        "cli_marginal_vs_raw_model": round(marginal / (rows / raw), 2),
    }
    write_result("batch", result)
    say(
        f"batch: CLI {result['cli_rows_per_s']:,} rows/s ({cli:.1f} s wall), raw model "
        f"{result['raw_model_rows_per_s']:,} rows/s: {result['cli_vs_raw_model']:.0%} "
        f"(beyond the fixed {fixed:.1f} s: {result['cli_marginal_vs_raw_model']:.0%})"
    )
    return result

"""In-process inference: the fast path vs the scikit-learn pipeline vs ONNX Runtime, same model."""

from __future__ import annotations

import statistics
import time

import numpy as np
import pandas as pd

from benchmarks import onnx_peer
from benchmarks.common import say, write_result
from benchmarks.instance import Instance


def per_call(function, *, seconds: float = 1.0, rounds: int = 5) -> float:
    """Median over ``rounds`` of the mean seconds per call, each round lasting ~``seconds``."""
    function()
    start, calls = time.perf_counter(), 0
    while time.perf_counter() - start < 0.2:
        function()
        calls += 1
    batch = max(1, int(calls * seconds / 0.2))
    timings = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(batch):
            function()
        timings.append((time.perf_counter() - start) / batch)
    return statistics.median(timings)


def run(instance: Instance) -> dict:
    from pinkbreast.features import FEATURE_NAMES
    from pinkbreast.ml import serving
    from pinkbreast.ml.data import load_reference
    from pinkbreast.ml.inputs import matrix
    from pinkbreast.services.scoring import score

    champion = serving.champion(instance.tracking_uri)
    served = champion.served
    frame = load_reference()[list(FEATURE_NAMES)].astype(float)
    X = frame.to_numpy()
    rows = np.tile(X, (2, 1))[:1000]
    one, one_frame, thousand_frame = (
        X[:1],
        frame.iloc[:1],
        pd.DataFrame(rows, columns=frame.columns),
    )
    onnx_run, onnx_dtype, onnx_gap = onnx_peer.session(served.pipeline, X)
    fast = served.fast_path.probability
    gap = float(np.max(np.abs(fast(X) - served.pipeline.predict_proba(frame)[:, 1])))
    record = dict(zip(FEATURE_NAMES, X[0].tolist(), strict=True))
    say(f"inference: model {served.operating_point['candidate']} v{champion.version}")
    timings = {
        "one_row_us": {
            "fast_path": per_call(lambda: fast(one)) * 1e6,
            "onnxruntime": per_call(lambda: onnx_run(one)) * 1e6,
            "sklearn_pipeline": per_call(lambda: served.pipeline.predict_proba(one_frame)) * 1e6,
            # what the form and the API run: validation, then the one scoring entry point
            "served_predict": per_call(
                lambda: score(matrix([record]), tracking_uri=instance.tracking_uri)
            )
            * 1e6,
            "explanation": per_call(lambda: champion.explain(record), rounds=3) * 1e6,
        },
        "thousand_rows_us": {
            "fast_path": per_call(lambda: fast(rows)) * 1e6,
            "onnxruntime": per_call(lambda: onnx_run(rows)) * 1e6,
            "sklearn_pipeline": per_call(lambda: served.pipeline.predict_proba(thousand_frame))
            * 1e6,
        },
    }
    one_row = timings["one_row_us"]
    result = {
        "model": served.operating_point["candidate"],
        "model_version": champion.version,
        "fast_path_compiled": served.fast_path.compiled,
        "fast_path_max_abs_difference_569_rows": gap,
        "onnx_dtype": onnx_dtype,
        "onnx_max_abs_difference_569_rows": onnx_gap,
        **{k: {n: round(v, 2) for n, v in d.items()} for k, d in timings.items()},
        "fast_path_vs_onnx_one_row": round(one_row["fast_path"] / one_row["onnxruntime"], 2),
        "sklearn_vs_fast_path_one_row": round(
            one_row["sklearn_pipeline"] / one_row["fast_path"], 1
        ),
    }
    write_result("inference", result)
    say(
        f"inference: one row fast {one_row['fast_path']:.1f} us, onnx {one_row['onnxruntime']:.1f}"
        f" us ({onnx_dtype}), sklearn {one_row['sklearn_pipeline']:.0f} us"
    )
    return result

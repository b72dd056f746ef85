"""Explanations of every candidate type: exact attributions vs the permutation estimate they
replace, in the same run (no instance needed: each candidate fitted on the reference cases).

For each candidate: one-row explanation time (median and p99 over ``CASES`` cases, what a
result page or an explained API request computes), 1,000 rows explained at once (a batch), and
the largest gap between the permutation estimate (3 antithetic orderings, 7,320 model rows per
explanation, the method used before) and the exact values, in probability points. For the
forests and the tree (no calibration here) both estimate the same Shapley values of the
probability, so the gap is the permutation estimate's error; for the log-odds models (logistic
regression, LightGBM, SVM) and the soft vote the two explain different things (Shapley values of
the probability vs exact log-odds values scaled to probability points), so the gap also measures
that difference.
"""

from __future__ import annotations

import statistics
import time

import numpy as np

from benchmarks.common import say, write_result

CASES = 100
PAGE_GOAL_MS = 2.0


def _timed(function, rows) -> list[float]:
    times = []
    for row in rows:
        start = time.perf_counter()
        function(row)
        times.append(1000 * (time.perf_counter() - start))
    return sorted(times)


def _candidate(candidate, X, y, background, quick: bool) -> dict:
    from pinkbreast.features import FEATURE_NAMES
    from pinkbreast.ml import fastpath
    from pinkbreast.ml.explain import Explainer
    from pinkbreast.ml.explain_exact import ExactExplainer

    pipeline = candidate.pipeline.fit(X, y)
    plan = fastpath.lower(pipeline, FEATURE_NAMES)
    probability = fastpath.compile_plan(plan)
    exact = ExactExplainer(plan, background.to_numpy(), list(FEATURE_NAMES), probability, None)
    sampled = Explainer(probability, background)
    rows = X.to_numpy()[:: max(1, len(X) // (10 if quick else CASES))]
    exact.contributions(rows[:1])  # tables built on first use, as in a worker
    one = _timed(lambda r: exact.contributions(r[None]), rows)
    peer = _timed(sampled.contributions, rows)
    batch = np.tile(X.to_numpy(), (2, 1))[:1000]
    start = time.perf_counter()
    exact.contributions(batch)
    batch_s = time.perf_counter() - start
    gap = max(
        float(np.max(np.abs(sampled.contributions(r) - exact.contributions(r[None])[1][0])))
        for r in rows
    )
    return {
        "method": exact.method,
        "exact_ms": {"median": round(statistics.median(one), 3), "p99": round(one[-1], 3)},
        "permutation_ms": {"median": round(statistics.median(peer), 3), "p99": round(peer[-1], 3)},
        "speedup": round(statistics.median(peer) / statistics.median(one), 1),
        "exact_batch_rows_per_s": round(1000 / batch_s),
        "permutation_max_gap_points": gap,
        "page_goal_met": statistics.median(one) <= PAGE_GOAL_MS,
    }


def run(*, quick: bool = False) -> dict:
    from pinkbreast.features import FEATURE_NAMES
    from pinkbreast.ml.candidates import build_candidates
    from pinkbreast.ml.data import diagnosis_to_target, load_reference
    from pinkbreast.ml.explain import background_sample

    reference = load_reference()
    X = reference[list(FEATURE_NAMES)].astype(float)
    y = diagnosis_to_target(reference["diagnosis"])
    background = background_sample(reference, list(FEATURE_NAMES), seed=42)
    result = {"cases": 10 if quick else CASES, "background_rows": len(background), "models": {}}
    for candidate in build_candidates(42):
        found = _candidate(candidate, X, y, background, quick)
        result["models"][candidate.name] = found
        gap = found["permutation_max_gap_points"]
        say(f"attribution: {candidate.name}: exact {found['exact_ms']['median']} ms, "
            f"permutation {found['permutation_ms']['median']} ms, gap {gap:.2e}")  # fmt: skip
    write_result("attribution", result)
    return result

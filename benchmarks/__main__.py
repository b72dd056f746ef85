"""``python -m benchmarks``: run the suite, write ``benchmarks/results/*.json`` and the summary."""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from benchmarks import (
    attribution,
    audit,
    batch,
    explained,
    imaging,
    inference,
    instance,
    monitoring_page,
    report,
    reports,
    serving,
    spark,
    training,
)
from benchmarks.common import say

PARTS = (
    "training",
    "explained",
    "inference",
    "serving",
    "batch",
    "spark",
    "reports",
    "audit",
    "imaging",
    "monitoring_page",
    "attribution",
)
STANDALONE = {"imaging", "attribution"}  # parts that need no instance, model or database


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Pink Breast benchmark suite: loads on 127.0.0.1 only, bounded in time. "
        "Needs the MariaDB server (BENCH_MARIADB_URL) and wrk.",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smoke run: quick training only, 3 s loads, 10,000-row batch file, Spark on 0.1 and "
        "1 million rows",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the instance folder and database afterwards"
    )
    parser.add_argument(
        "--only",
        choices=PARTS,
        action="append",
        help="run only this part (repeatable); without --instance, training runs first anyway",
    )
    parser.add_argument(
        "--instance", type=Path, help="reuse the instance folder of a --keep run (no training)"
    )
    options = parser.parse_args()
    parts = options.only or list(PARTS)
    if set(parts) <= STANDALONE:
        if "imaging" in parts:
            imaging.run(repeats=3 if options.quick else imaging.REPEATS)
        if "attribution" in parts:
            attribution.run(quick=options.quick)
        say(f"summary written to {report.write()}")
        return
    if options.instance:
        bench = instance.reuse(options.instance)
    else:
        bench = instance.create()
        if "training" not in parts:
            parts.insert(0, "training")
    quick = options.quick
    runners = {
        "training": lambda: training.run(bench, full=not quick),
        "inference": lambda: inference.run(bench),
        "explained": lambda: explained.run(bench, seconds=2 if quick else 4),
        "serving": lambda: serving.run(bench, seconds=3 if quick else 10),
        "batch": lambda: batch.run(bench, rows=10_000 if quick else batch.ROWS),
        "spark": lambda: spark.run(bench, quick=quick),
        "reports": lambda: reports.run(bench),
        "audit": lambda: audit.run(bench),
        "monitoring_page": lambda: monitoring_page.run(bench),
        "imaging": lambda: imaging.run(repeats=3 if quick else imaging.REPEATS),
        "attribution": lambda: attribution.run(quick=quick),
    }
    try:
        for part in PARTS:  # in this order, whatever the order asked
            if part in parts:
                runners[part]()
    finally:
        if not options.keep and not options.instance:
            shutil.rmtree(bench.folder, ignore_errors=True)
            instance.drop()
    path = report.write()
    say(f"summary written to {path}")


if __name__ == "__main__":
    main()

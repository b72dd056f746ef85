"""Wall time of ``pinkbreast train --quick`` and of the full comparison (which then serves)."""

from __future__ import annotations

from benchmarks.common import say, write_result
from benchmarks.instance import Instance


def run(instance: Instance, *, full: bool) -> dict:
    scratch = {**instance.env, "MLFLOW_TRACKING_URI": f"sqlite:///{instance.folder / 'quick.db'}"}
    say("training: pinkbreast train --quick (own tracking store)")
    quick = instance.timed("train", "--quick", env=scratch if full else None)
    result = {"quick_s": round(quick, 1), "full_s": None}
    if full:
        say("training: pinkbreast train (full comparison; registers the served champion)")
        result["full_s"] = round(instance.timed("train"), 1)
    write_result("training", result)
    say(f"training: quick {result['quick_s']} s, full {result['full_s']} s")
    return result

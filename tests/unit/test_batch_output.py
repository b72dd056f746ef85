"""The results file of ``pinkbreast predict``: written as text in one pass, byte for byte what
the csv module writes, formula-looking cells defused."""

import csv
import io

import numpy as np
import pandas as pd

from pinkbreast.ml.champion import Scores
from pinkbreast.services.batch import RESULT_COLUMNS, write_results
from pinkbreast.spreadsheet import spreadsheet_safe

REFS = ["S-1", "a,b", 'say "hi"', "=HYPERLINK(1)", "  spaced ", np.nan, "-2", "tab\there", ""]


def _results(explained: bool) -> Scores:
    count = len(REFS)
    probability = [0.1 * i + 1e-17 * i for i in range(count)]
    return Scores(
        model_version="7",
        threshold=0.4123456789,
        band=(0.25, 0.75),
        probability=probability,
        zone=["benign", "indeterminate", "check_input"] * 3,
        label=["benign", "malignant", None] * 3,
        warnings=[(), ("radius_mean",), ("area_worst", "texture_se")] * 3,
        reasons=[(("radius_mean", 0.1234), ("area_se", -0.05))] * count if explained else None,
        base_values=[0.37] * count if explained else None,
    )


EVIDENCE = 'Learnt from 569 "retrospective" cases, one centre; PPV 0.91'


def _csv_module(refs, results: Scores) -> str:
    """The file as csv.writer writes it, row by row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(RESULT_COLUMNS)
    reasons = results.reasons or [()] * len(refs)
    for row, ref in enumerate(refs):
        why = "; ".join(f"{name} {value:+.3f}" for name, value in reasons[row])
        writer.writerow([
            row + 1, spreadsheet_safe(ref if isinstance(ref, str) else ""),
            results.zone[row], repr(results.probability[row]),
            results.label[row] if results.zone[row] in ("malignant", "benign") else "",
            repr(results.threshold), repr(results.band[0]), repr(results.band[1]),
            results.model_version, ";".join(results.warnings[row]), EVIDENCE,
            spreadsheet_safe(why),
        ])  # fmt: skip
    return buffer.getvalue()


def test_results_file_is_what_the_csv_module_writes():
    samples = pd.DataFrame({"sample_ref": pd.Series(REFS, dtype=object)})
    for explained in (False, True):
        results = _results(explained)
        out = io.StringIO()
        write_results(samples, results, out, EVIDENCE)
        assert out.getvalue() == _csv_module(REFS, results)
        rows = list(csv.DictReader(io.StringIO(out.getvalue())))
        assert [r["sample_ref"] for r in rows][:4] == ["S-1", "a,b", 'say "hi"', "'=HYPERLINK(1)"]
        assert [float(r["probability_malignant"]) for r in rows] == results.probability
        assert {r["evidence"] for r in rows} == {EVIDENCE}
        # only definite zones keep their side of the threshold
        assert [r["label_at_threshold"] for r in rows][:3] == ["benign", "", ""]

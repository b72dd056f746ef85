"""Batch scoring of CSV files: parse and validate the whole file, score, write results as CSV.

Used by the batch upload page and ``pinkbreast predict``. A file with any problem is rejected
whole (:class:`~pinkbreast.tables.FileRejected`), before anything is scored or stored.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import pandas as pd

from pinkbreast.features import FEATURE_NAMES
from pinkbreast.ml.names import DEFINITE_ZONES
from pinkbreast.services.scoring import Scores, score
from pinkbreast.spreadsheet import spreadsheet_safe
from pinkbreast.tables import SAMPLES, parse_table, read_table

if TYPE_CHECKING:  # a command-line run never needs the database models
    from pinkbreast.db.models import PredictionRecord

# label_at_threshold is left empty unless the zone is a definite answer: an indeterminate or
# check-the-input row has no side of the threshold a reader may act on.
RESULT_COLUMNS = (
    "row",
    "sample_ref",
    "zone",
    "probability_malignant",
    "label_at_threshold",
    "threshold",
    "band_lower",
    "band_upper",
    "model_version",
    "out_of_reference_range",
    "evidence",  # what the model was learnt from, and PPV/NPV (pinkbreast.ml.evidence)
    "top_reasons",
)


def read_samples(
    source: Path | str,
    *,
    max_rows: int | None = None,
    name: str | None = None,
    sep: str | None = None,
    decimal: str | None = None,
) -> pd.DataFrame:
    """Samples from a file path, or from CSV text when ``name`` is given; ``sep`` and
    ``decimal`` default to what the file shows (``attrs["dialect"]`` says what was read)."""
    if name is not None:
        return parse_table(
            str(source), SAMPLES, name=name, max_rows=max_rows, sep=sep, decimal=decimal
        )
    return read_table(source, SAMPLES, max_rows=max_rows, sep=sep, decimal=decimal)


def score_samples(
    samples: pd.DataFrame,
    *,
    tracking_uri: str,
    explain: bool = False,
    progress: Callable[[int], None] | None = None,
    threads: int = 1,
) -> Scores:
    X = samples[list(FEATURE_NAMES)].to_numpy(dtype=float)  # validated by the table reader
    return score(X, tracking_uri=tracking_uri, explain=explain, progress=progress, threads=threads)


def _reasons_text(reasons: Iterable[Sequence[object]]) -> str:
    return "; ".join(f"{name} {value:+.3f}" for name, value in reasons)


def _line(index: int, ref: object, result: PredictionRecord, evidence: str) -> list[object]:
    """One CSV line; text cells are protected against spreadsheet formulas."""
    band = (result.band_lower, result.band_upper)
    warnings, reasons = result.warning_list, (result.explanation_data or {}).get("top", [])
    return [
        index,
        spreadsheet_safe(ref if isinstance(ref, str) else ""),
        result.zone,
        repr(result.probability),
        result.label if result.zone in DEFINITE_ZONES else None,
        repr(result.threshold),
        repr(band[0]),
        repr(band[1]),
        result.model_version,
        ";".join(warnings),
        evidence,
        spreadsheet_safe(_reasons_text(reasons)),
    ]


def write_results(
    samples: pd.DataFrame, results: Scores, handle: TextIO, evidence: str = ""
) -> None:
    """Results of :func:`score_samples`, one line per sample, in file order: the lines
    ``csv.writer`` writes for :func:`write_record_results`' layout (a test compares them),
    built as text in one pass (a 100,000-row file in a fraction of a second)."""
    refs = samples["sample_ref"].tolist()
    if len(refs) != len(results):
        raise ValueError(f"{len(refs)} samples but {len(results)} results")
    refs = [_cell(spreadsheet_safe(ref)) if isinstance(ref, str) else "" for ref in refs]
    lower, upper = results.band
    shared = f"{results.threshold!r},{lower!r},{upper!r},{_cell(results.model_version)}"
    evidence = "," + _cell(evidence)  # the same cell on every line
    warnings = [(_cell(";".join(w)) if w else "") + evidence for w in results.warnings]
    reasons = [
        _cell(spreadsheet_safe(_reasons_text(r))) if r else ""
        for r in (results.reasons or [()] * len(refs))
    ]
    header = ",".join(RESULT_COLUMNS) + _EOL
    handle.write(
        header
        + "".join(
            [
                f"{row},{ref},{zone},{p!r},{label if zone in DEFINITE_ZONES else ''},{shared},"
                f"{flags},{why}{_EOL}"
                for row, ref, zone, p, label, flags, why in zip(
                    range(1, len(refs) + 1), refs, results.zone, results.probability,
                    results.label, warnings, reasons, strict=True,
                )
            ]
        )
    )  # fmt: skip


_EOL = "\r\n"  # csv.writer's line end
_SPECIAL = re.compile(r'[,"\r\n]')


def _cell(text: str) -> str:
    """``text`` as csv.writer writes a cell (quoted only when it must be)."""
    return '"' + text.replace('"', '""') + '"' if _SPECIAL.search(text) else text


def write_record_results(
    records: list[PredictionRecord], handle: TextIO, evidence: str = ""
) -> None:
    """Stored predictions of one batch, in the same layout as :func:`write_results`."""
    writer = csv.writer(handle)
    writer.writerow(RESULT_COLUMNS)
    for index, record in enumerate(records, start=1):
        writer.writerow(_line(index, record.sample_ref, record, evidence))

"""Batch scoring of CSV files: parse and validate the whole file, score, write results as CSV.

Used by the batch upload page and ``pinkbreast predict``. A file with any problem is rejected
whole (:class:`~pinkbreast.ml.tables.FileRejected`), before anything is scored or stored.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

import pandas as pd

from pinkbreast.db.models import PredictionRecord
from pinkbreast.features import FEATURE_NAMES
from pinkbreast.ml.tables import SAMPLES, parse_table, read_table
from pinkbreast.services.audit import spreadsheet_safe
from pinkbreast.services.scoring import Scored, score_matrix

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
    "top_reasons",
)


def read_samples(source: Path | str, *, max_rows: int | None = None, name: str | None = None):
    """Samples from a file path, or from CSV text when ``name`` is given."""
    if name is not None:
        return parse_table(str(source), SAMPLES, name=name, max_rows=max_rows)
    return read_table(source, SAMPLES, max_rows=max_rows)


def score_samples(
    samples: pd.DataFrame,
    *,
    tracking_uri: str,
    explain: bool = False,
    progress: Callable[[int], None] | None = None,
) -> list[Scored]:
    X = samples[list(FEATURE_NAMES)].to_numpy(dtype=float)  # validated by the table reader
    return score_matrix(X, tracking_uri=tracking_uri, explain=explain, progress=progress)


def _reasons_text(reasons) -> str:
    return "; ".join(f"{name} {value:+.3f}" for name, value in reasons)


def _line(index: int, ref: object, result: Scored | PredictionRecord) -> list:
    """One CSV line; text cells are protected against spreadsheet formulas."""
    if isinstance(result, PredictionRecord):
        band = (result.band_lower, result.band_upper)
        warnings, reasons = result.warning_list, (result.explanation_data or {}).get("top", [])
    else:
        band, warnings, reasons = result.band, result.warnings, result.reasons
    return [
        index,
        spreadsheet_safe(ref if isinstance(ref, str) else ""),
        result.zone,
        repr(result.probability),
        result.label,
        repr(result.threshold),
        repr(band[0]),
        repr(band[1]),
        result.model_version,
        ";".join(warnings),
        spreadsheet_safe(_reasons_text(reasons)),
    ]


def write_results(samples: pd.DataFrame, results: list[Scored], handle: TextIO) -> None:
    """Results of :func:`score_samples`, one line per sample, in file order (the same lines
    as :func:`_line`, built column by column: a 100,000-row file is written in a blink)."""
    writer = csv.writer(handle)
    writer.writerow(RESULT_COLUMNS)
    refs = samples["sample_ref"].tolist()
    if len(refs) != len(results):
        raise ValueError(f"{len(refs)} samples but {len(results)} results")
    columns = [
        range(1, len(results) + 1),
        [spreadsheet_safe(ref if isinstance(ref, str) else "") for ref in refs],
        [r.zone for r in results],
        [repr(r.probability) for r in results],
        [r.label for r in results],
        _repeated_texts([r.threshold for r in results]),
        _repeated_texts([r.band[0] for r in results]),
        _repeated_texts([r.band[1] for r in results]),
        [r.model_version for r in results],
        [";".join(r.warnings) for r in results],
        [spreadsheet_safe(_reasons_text(r.reasons)) if r.reasons else "" for r in results],
    ]
    writer.writerows(zip(*columns, strict=True))


def _repeated_texts(values: list[float]) -> list[str]:
    """``repr`` of each value, worked out once per distinct value (a file's rows share the
    model's threshold and band)."""
    texts: dict[float, str] = {}
    for value in set(values):
        texts[value] = repr(value)
    return [texts[value] for value in values]


def write_record_results(records: list[PredictionRecord], handle: TextIO) -> None:
    """Stored predictions of one batch, in the same layout as :func:`write_results`."""
    writer = csv.writer(handle)
    writer.writerow(RESULT_COLUMNS)
    for index, record in enumerate(records, start=1):
        writer.writerow(_line(index, record.sample_ref, record))

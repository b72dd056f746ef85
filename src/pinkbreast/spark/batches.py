"""One batch of input rows in, one batch of results out: what every Spark task runs.

Validation is the CLI's: a batch of CSV lines goes through the CLI's column-at-once reader
(:func:`pinkbreast.tables.columns.read_plain`, the same doubles as Python's ``float()``) and,
when anything in it is irregular, line by line through the CLI's cell-by-cell rule
(:func:`pinkbreast.tables.reader.parse_row`), which words each problem; Parquet columns go through
the same two functions. Valid rows are scored by the version's
:meth:`~pinkbreast.ml.champion.Champion.score` in blocks of rows, exactly as
``pinkbreast predict`` scores them; invalid rows become rejects with their line (or row) and
every reason. Sample references that repeat across batches are found later, by the job.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from pinkbreast.features import FEATURE_NAMES
from pinkbreast.ml.champion import Champion
from pinkbreast.ml.names import DEFINITE_ZONES
from pinkbreast.spark.sources import BLANK, FilePlan, Kind
from pinkbreast.tables import SAMPLES, Problem
from pinkbreast.tables import columns as table_columns
from pinkbreast.tables.reader import frame_from_records, parse_row

# One output row per input row: a scored row (the CLI's result columns) or a reject.
RESULTS = (
    ("outcome", "string"),  # "scored" | "rejected"
    ("file", "string"),
    ("line", "long"),  # CSV only
    ("row", "long"),  # data row of the input, from 1, as the CLI numbers its results
    ("sample_ref", "string"),
    ("zone", "string"),
    ("probability_malignant", "double"),
    ("label_at_threshold", "string"),
    ("threshold", "double"),
    ("band_lower", "double"),
    ("band_upper", "double"),
    ("model_version", "string"),
    ("out_of_reference_range", "string"),
    ("reason", "string"),  # rejects: every problem, "; "-separated
)
RESULTS_SCHEMA = ", ".join(f"`{name}` {kind}" for name, kind in RESULTS)
_BLANK = re.compile(BLANK)


@dataclass
class Parsed:
    """A batch's valid rows (the CLI's sample frame plus where each came from) and rejects."""

    valid: pd.DataFrame  # sample_ref, diagnosis, the 30 features, file, line, row
    rejects: list[dict[str, object]] = field(default_factory=list)


def reason(problems: list[Problem]) -> str:
    """A row's problems as the CLI words them, without the file and line it gives apart."""
    return "; ".join(f"column {p.column}: {p.message}" if p.column else p.message for p in problems)


def run(
    batches: Iterator[pd.DataFrame], *, kind: Kind, files: dict[str, FilePlan], model: Champion
) -> Iterator[pd.DataFrame]:
    """The results of a task's batches, in order (a task reads its blocks in order)."""
    reader = CsvLines(files) if kind == "csv" else ParquetRows(files)
    for batch in batches:
        yield results(reader.parse(batch), model)


class CsvLines:
    """Numbers the lines of each block as they arrive, then parses the data lines."""

    def __init__(self, files: dict[str, FilePlan]):
        self.files = files
        self.seen: dict[tuple[str, int], tuple[int, int]] = {}  # (lines, data rows) so far

    def parse(self, batch: pd.DataFrame) -> Parsed:
        parts = []
        runs = (batch["file"] != batch["file"].shift()) | (batch["block"] != batch["block"].shift())
        for _, part in batch.groupby(runs.cumsum(), sort=False):
            parts.append(self._part(part))
        valid = pd.concat([p.valid for p in parts], ignore_index=True) if parts else _empty()
        return Parsed(valid, [r for p in parts for r in p.rejects])

    def _part(self, part: pd.DataFrame) -> Parsed:
        path, start = part["file"].iat[0], int(part["block"].iat[0])
        plan = self.files[path]
        block = plan.blocks[start]
        texts = part["text"].tolist()
        lines_seen, rows_seen = self.seen.get((path, start), (0, 0))
        lines = block.lines_before + lines_seen + np.arange(1, len(texts) + 1)
        data = np.array([not _BLANK.match(text) for text in texts], dtype=bool)
        if plan.header is not None and lines[0] == 1:
            data[0] = False
        rows = block.rows_before + rows_seen + np.cumsum(data)
        self.seen[(path, start)] = (lines_seen + len(texts), rows_seen + int(data.sum()))
        keep = np.flatnonzero(data)
        return parse_lines(
            [texts[i] for i in keep], lines[keep].tolist(), rows[keep].tolist(), path, plan
        )


def parse_lines(
    texts: list[str], lines: list[int], rows: list[int], path: str, plan: FilePlan
) -> Parsed:
    """Data lines of one file: all at once when the batch is plainly valid, else one by one."""
    if not texts:
        return Parsed(_empty())
    head = [] if plan.header is None else [plan.header]
    frame = table_columns.read_plain("\n".join([*head, *texts]) + "\n", SAMPLES, None)
    if frame is not None:
        return Parsed(_located(frame, path, lines, rows))
    cells: list[list[str] | csv.Error] = []
    for text in texts:
        try:
            cells.append(next(csv.reader([text])))
        except csv.Error as exc:
            cells.append(exc)
    return _row_by_row(cells, lines, rows, path, plan)


def _row_by_row(
    cells: Sequence[list[str] | csv.Error],
    lines: Sequence[int | None],
    rows: list[int],
    path: str,
    plan: FilePlan,
) -> Parsed:
    """The CLI's rule on each row; ``cells`` may hold a ``csv.Error`` for a line it cannot split."""
    records: list[dict[str, object]] = []
    rejects: list[dict[str, object]] = []
    kept: list[int] = []
    for index, row_cells in enumerate(cells):
        problems: list[Problem] = []
        if isinstance(row_cells, csv.Error):
            problems.append(Problem(plan.name, lines[index], None, f"not valid CSV: {row_cells}"))
            record = None
        else:
            record = parse_row(row_cells, list(plan.columns), plan.name, lines[index], problems)
        if record is None:
            ref = _raw_ref(row_cells, plan)
            rejects.append({"file": path, "line": lines[index], "row": rows[index],
                            "sample_ref": ref, "reason": reason(problems)})  # fmt: skip
        else:
            records.append(record)
            kept.append(index)
    valid = frame_from_records(records, SAMPLES) if records else _empty()
    picked = [lines[i] for i in kept]
    return Parsed(_located(valid, path, picked, [rows[i] for i in kept]), rejects)


def _raw_ref(cells: object, plan: FilePlan) -> str | None:
    if not isinstance(cells, list) or len(cells) != len(plan.columns):
        return None
    for column in ("sample_ref", "id"):
        if column in plan.columns:
            return cells[plan.columns.index(column)].strip() or None
    return None


class ParquetRows:
    """Parquet rows through the same two readers; a row is referenced by its index in its file."""

    def __init__(self, files: dict[str, FilePlan]):
        self.files = files

    def parse(self, batch: pd.DataFrame) -> Parsed:
        parts = [self._file(path, rows) for path, rows in batch.groupby("file", sort=False)]
        valid = pd.concat([p.valid for p in parts], ignore_index=True) if parts else _empty()
        return Parsed(valid, [r for p in parts for r in p.rejects])

    def _file(self, path: str, part: pd.DataFrame) -> Parsed:
        plan = self.files[path]
        rows = (plan.blocks[0].rows_before + part["row_index"] + 1).tolist()
        columns = [name for name in plan.columns if name]  # Parquet columns all have names
        by_column = [_column_cells(name, part[name]) for name in columns]
        clean = table_columns.clean_columns(columns, by_column, SAMPLES)
        if clean is not None:
            frame = table_columns.frame_from_columns(clean, SAMPLES)
            return Parsed(_located(frame, path, [None] * len(part), rows))
        texts = [[_text(v) for v in values] for values in zip(*by_column, strict=True)]
        return _row_by_row(texts, [None] * len(part), rows, path, plan)


def _column_cells(name: str, values: pd.Series) -> pd.Series | list[str]:
    """A feature column of numbers as float64 (what pandas' CSV parser hands the CLI's
    column check); anything else as the text a CSV cell would hold."""
    if name in FEATURE_NAMES and pd.api.types.is_numeric_dtype(values.dtype):
        return values.astype("float64")
    return [_text(v) for v in values.tolist()]


def _text(value: object) -> str:
    """A cell's text: a float as its shortest exact spelling (read back as the same double)."""
    if value is None or value is pd.NA:
        return ""
    if isinstance(value, float | np.floating):
        return repr(float(value))  # NaN: "nan", which the rule refuses by name
    return value if isinstance(value, str) else str(value)


def _located(
    frame: pd.DataFrame, path: str, lines: Sequence[int | None], rows: list[int]
) -> pd.DataFrame:
    return frame.assign(file=path, line=pd.array(lines, dtype="Int64"), row=rows)


def _empty() -> pd.DataFrame:
    return frame_from_records([], SAMPLES).assign(file=[], line=[], row=[])


def results(parsed: Parsed, model: Champion) -> pd.DataFrame:
    """The batch's output rows: its valid rows scored, then its rejects."""
    valid = parsed.valid
    X = valid[list(FEATURE_NAMES)].to_numpy(dtype=float)
    scores = model.score(X)  # the CLI's blocks (the same bits whatever the size)
    probability, label, zone = scores.probability, scores.label, scores.zone
    flags = [";".join(warning) for warning in scores.warnings]
    point = model.operating_point
    scored = pd.DataFrame(
        {
            "outcome": "scored",
            "file": valid["file"].astype(object),
            "line": valid["line"],
            "row": valid["row"].astype("int64"),
            "sample_ref": [ref if isinstance(ref, str) else None for ref in valid["sample_ref"]],
            "zone": zone,
            "probability_malignant": np.asarray(probability, dtype=float),
            "label_at_threshold": [
                side if area in DEFINITE_ZONES else None
                for side, area in zip(label, zone, strict=True)
            ],
            "threshold": float(point["threshold"]),
            "band_lower": float(point["lower"]),
            "band_upper": float(point["upper"]),
            "model_version": model.version,
            "out_of_reference_range": flags,
            "reason": None,
        }
    )
    if parsed.rejects:
        rejected = pd.DataFrame(parsed.rejects).assign(outcome="rejected")
        scored = pd.concat([scored, rejected], ignore_index=True)[[name for name, _ in RESULTS]]
    return scored.astype(_TEXT)  # plain objects: pandas 3's Arrow strings do not cross to Spark


_TEXT = {name: object for name, kind in RESULTS if kind == "string"}

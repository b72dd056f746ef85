"""Files in the formats users bring, made from the bundled reference data."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pinkbreast.features import FEATURES
from pinkbreast.ml.data import load_reference


def reference(n: int | None = None) -> pd.DataFrame:
    frame = load_reference()
    return frame if n is None else frame.head(n).copy()


def uci_text(frame: pd.DataFrame) -> str:
    """``wdbc.data`` layout: no header; id, diagnosis, 30 values in UCI order."""
    lines = [
        ",".join([str(row["id"]), row["diagnosis"], *(repr(row[f.name]) for f in FEATURES)])
        for _, row in frame.iterrows()
    ]
    return "\n".join(lines) + "\n"


def kaggle_text(frame: pd.DataFrame, *, trailing_empty_column: bool = True) -> str:
    """Kaggle CSV layout: header with ``concave points_mean`` spellings, often a trailing comma."""
    header = ["id", "diagnosis", *(f.kaggle_name for f in FEATURES)]
    tail = "," if trailing_empty_column else ""
    lines = [",".join(header) + tail]
    for _, row in frame.iterrows():
        values = [str(row["id"]), row["diagnosis"], *(repr(row[f.name]) for f in FEATURES)]
        lines.append(",".join(values) + tail)
    return "\n".join(lines) + "\n"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def replace_cell(text: str, line: int, column: int, value: str) -> str:
    """Replace the cell at 1-based ``line`` and ``column`` of CSV ``text``."""
    lines = text.splitlines()
    cells = lines[line - 1].split(",")
    cells[column - 1] = value
    lines[line - 1] = ",".join(cells)
    return "\n".join(lines) + "\n"

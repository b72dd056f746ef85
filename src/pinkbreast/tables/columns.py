"""Reading a valid table column by column: the reader's fast path, for large files (``pinkbreast
predict``, batch uploads; timed in ``benchmarks/``).

Only for files the cell-by-cell reader (:mod:`.reader`) would read the same way; anything
irregular or invalid returns None and goes there, to have each problem named by line and
column. It holds no cell rule of its own: every column goes through
:func:`.cells.parse_column`.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd

from pinkbreast.features import BY_NAME, FEATURE_NAMES
from pinkbreast.tables.cells import TableKind, layout, parse_column
from pinkbreast.tables.problems import Problem


def read_plain(text: str, kind: TableKind, max_rows: int | None) -> pd.DataFrame | None:
    """The common file read by pandas' C parser, or None when the file is not plainly valid.

    Only for text the csv module would split the same way: no quotes, no lone carriage
    returns, no byte-order mark, the same number of cells on every line and no line of empty
    cells. Anything else, and any file with a problem, goes through the reader that names
    each problem by line and column.

    Feature columns are parsed as numbers by the C parser itself, which rounds every decimal
    exactly as Python's ``float()`` does (a test compares the two on hundreds of thousands of
    values); a cell it does not read as a number sends the whole file to the other reader.
    """
    if not text or '"' in text or text.startswith("\ufeff"):
        return None
    if "\r" in text and text.count("\r") != text.count("\r\n"):
        return None  # a lone carriage return
    problems: list[Problem] = []
    header = text.split("\n", 1)[0].removesuffix("\r").split(",")
    columns, data = layout([(1, header)], kind, "-", problems)
    if problems:
        return None
    skipped = 0 if data else 1
    types = {i: "float64" if c in BY_NAME else object for i, c in enumerate(columns)}
    try:
        table = pd.read_csv(
            io.StringIO(text),
            header=None,
            skiprows=skipped,
            dtype=types,  # object: plain Python strings (pandas 3 would build Arrow strings)
            na_filter=False,
            engine="c",
        )
    except (ValueError, pd.errors.ParserError):
        return None
    lines = len(table) + skipped
    if table.shape[1] != len(columns) or _content_lines(text) != lines:
        return None  # pandas skipped a line of blanks
    if text.count(",") != (len(columns) - 1) * lines:
        return None  # pandas padded a short line
    # (a line of empty cells, which the csv reader skips, fails the number check below)
    if table.empty or (max_rows is not None and len(table) > max_rows):
        return None
    cells = [table[i] if types[i] == "float64" else table[i].tolist() for i in table.columns]
    clean = clean_columns(columns, cells, kind)
    return None if clean is None else frame_from_columns(clean, kind)


def _content_lines(text: str) -> int:
    """Lines that are not empty (those the csv reader yields a row for)."""
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    if "\n\n" in text:
        return sum(1 for line in text.split("\n") if line)
    return text.count("\n") + (not text.endswith("\n")) - text.startswith("\n")


def clean_rows(data_rows, columns, kind: TableKind) -> dict[str, list] | None:
    """:func:`clean_columns` for rows of cells."""
    if any(len(cells) != len(columns) for _, cells in data_rows):
        return None
    return clean_columns(columns, zip(*(cells for _, cells in data_rows), strict=True), kind)


def clean_columns(columns, cells_by_column, kind: TableKind) -> dict[str, list] | None:
    """Every column parsed at once when the whole file is valid, else None (no messages: the
    cell-by-cell reader then finds and words each problem)."""
    parsed: dict[str, list] = {}
    for column, cells in zip(columns, cells_by_column, strict=True):
        values = parse_column(column, cells)
        if values is None:
            return None
        if column is not None:
            parsed[column] = values
    if kind.unique in parsed:
        keys = [key for key in parsed[kind.unique] if key is not None]
        if len(set(keys)) != len(keys):
            return None
    return parsed


def frame_from_columns(parsed: dict[str, list], kind: TableKind) -> pd.DataFrame:
    """The same frame :func:`.reader.frame_from_records` builds from records."""
    rows = len(next(iter(parsed.values())))
    if "sample_ref" not in kind.optional:
        return pd.DataFrame({column: parsed[column] for column in kind.required})
    if "sample_ref" in parsed:
        refs = [np.nan if ref is None else ref for ref in parsed["sample_ref"]]
    elif "id" in parsed:
        refs = [str(value) for value in parsed["id"]]
    else:
        refs = [np.nan] * rows  # what the record reader gives a missing column
    return pd.DataFrame(
        {
            "sample_ref": pd.Series(refs, dtype="object"),
            "diagnosis": pd.Series(parsed.get("diagnosis", [np.nan] * rows), dtype="object"),
            **{name: parsed[name] for name in FEATURE_NAMES},
        }
    )

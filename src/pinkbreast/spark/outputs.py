"""Writing a job's results: ``OUTPUT/scored`` (the CLI's result columns) and ``OUTPUT/rejects``.

Parquet keeps every number as the double it is. CSV is written from the text the CLI writes
(the shortest spelling that reads back as the same double, ``repr``; text cells protected
against spreadsheet formulas), quoted as Python's csv module quotes, with its CRLF line ends:
each part file's lines are the CLI's lines for the same rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Literal

import pandas as pd

from pinkbreast.services.batch import RESULT_COLUMNS
from pinkbreast.spreadsheet import spreadsheet_safe

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

Format = Literal["csv", "parquet"]
REJECT_COLUMNS = ("file", "line", "row", "sample_ref", "reason")
# Spark's CSV writer set to write what csv.writer writes (see the module docstring).
CSV_OPTIONS = {
    "header": "true",
    "sep": ",",
    "quote": '"',
    "escape": '"',
    "escapeQuotes": "true",
    "quoteAll": "false",
    "lineSep": "\r\n",
    "emptyValue": "",
    "nullValue": "",
    "ignoreLeadingWhiteSpace": "false",
    "ignoreTrailingWhiteSpace": "false",
}
_FLOATS = ("probability_malignant", "threshold", "band_lower", "band_upper")
_REFS = ("sample_ref", "reason", "file")


class OutputExists(FileExistsError):
    """The output folder is already there: a job never writes over earlier results."""


def refuse_existing(spark: SparkSession, uri: str) -> None:
    """Raise :class:`OutputExists` when ``uri`` exists (on any file system Spark reaches)."""
    jvm = spark.sparkContext._jvm
    assert jvm is not None  # a live session's gateway
    path = jvm.org.apache.hadoop.fs.Path(uri)
    if path.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration()).exists(path):
        raise OutputExists(f"{uri} already exists: give a new output folder.")


def write(results: DataFrame, uri: str, fmt: Format, evidence: str = "") -> dict[str, str]:
    """Write the scored rows and the rejects under ``uri``; their URIs by name."""
    from pyspark.sql import functions as F

    outcome = F.col("outcome")
    scored = results.filter(outcome == "scored").select(
        *[F.lit(evidence).alias(c) if c == "evidence" else F.col(c)
          for c in RESULT_COLUMNS if c != "top_reasons"],
        F.lit("").alias("top_reasons"),
    )  # fmt: skip
    rejects = results.filter(outcome == "rejected").select(*REJECT_COLUMNS)
    where = {"scored": f"{uri.rstrip('/')}/scored", "rejects": f"{uri.rstrip('/')}/rejects"}
    for name, frame in (("scored", scored), ("rejects", rejects)):
        if fmt == "parquet":
            frame.write.parquet(where[name])
        else:
            as_text(frame).write.options(**CSV_OPTIONS).csv(where[name])
    return where


def as_text(frame: DataFrame) -> DataFrame:
    """Every cell as the text the CLI writes for it."""
    schema = ", ".join(f"`{name}` string" for name in frame.columns)
    return frame.mapInPandas(_texts, schema)


def _texts(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
    for batch in batches:
        yield pd.DataFrame({name: _column_text(name, batch[name]) for name in batch.columns})


def _column_text(name: str, values: pd.Series) -> list[str]:
    if name in _FLOATS:
        return [repr(v) for v in values.astype(float).tolist()]
    if name in ("row", "line"):
        return ["" if pd.isna(v) else str(int(v)) for v in values.tolist()]
    cells = ["" if v is None or v is pd.NA or v != v else str(v) for v in values.tolist()]
    return [spreadsheet_safe(cell) for cell in cells] if name in _REFS else cells

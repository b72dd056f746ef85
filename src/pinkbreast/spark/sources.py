"""Where the rows come from, seen by the driver before any row is scored.

* **CSV** (any file, folder or glob Spark reads): read as lines of text, so each row keeps the
  line number the CLI would give it. A first pass, in the JVM only, counts the lines of every
  block (the byte range one task reads) and reads each file's first line; from those counts
  every task knows the line number of the first line it reads. Each file's header is mapped
  by the CLI's own rule (:func:`pinkbreast.tables.cells.layout`), any spelling it accepts;
  a file whose header that rule refuses stops the job, as the CLI refuses it.
* **Parquet**: columns mapped by name with the same rule; rows referenced by their index in
  their file (Spark's ``_metadata.row_index``).

Rows are numbered across the whole input (files in path order), like the CLI's ``row``.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from pinkbreast.tables import SAMPLES, FileRejected, Problem
from pinkbreast.tables.cells import layout

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame, Row, SparkSession

# A line the csv module reads as empty cells only: skipped, as the CLI skips it. The same
# pattern is applied by the JVM (to count rows) and by Python (to number them).
BLANK = r'^(?:"")?(?:,(?:"")?)*$'
Kind = Literal["csv", "parquet"]


@dataclass(frozen=True)
class Block:
    """Where a block of a file starts, in lines of its file and in rows of the input."""

    lines_before: int
    rows_before: int


@dataclass(frozen=True)
class FilePlan:
    name: str  # how messages name the file
    columns: tuple[str | None, ...]  # canonical column by position (None: an empty column)
    header: str | None  # the header line; None when the file has none (UCI layouts)
    blocks: dict[int, Block]  # by the block's first byte (Parquet: one block, 0)


@dataclass(frozen=True)
class Source:
    kind: Kind
    frame: DataFrame  # csv: file, block, text; parquet: file, row_index, the mapped columns
    files: dict[str, FilePlan]  # by path as Spark reports it


def input_kind(uri: str, requested: str) -> Kind:
    """``csv`` or ``parquet``: as asked, or from the name (``.parquet``/``.pq``: Parquet)."""
    if requested in ("csv", "parquet"):
        return "csv" if requested == "csv" else "parquet"
    return "parquet" if uri.rstrip("/").lower().endswith((".parquet", ".pq")) else "csv"


def read(spark: SparkSession, uri: str, kind: Kind) -> Source:
    return _csv(spark, uri) if kind == "csv" else _parquet(spark, uri)


def _name(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[-1]


def _csv(spark: SparkSession, uri: str) -> Source:
    from pyspark.sql import functions as F

    lines = spark.read.text(uri).select(
        F.col("_metadata.file_path").alias("file"),
        F.col("_metadata.file_block_start").alias("block"),
        F.col("value").alias("text"),
    )
    counted = (
        lines.withColumn("order", F.monotonically_increasing_id())
        .groupBy("file", "block")
        .agg(
            F.count("*").alias("lines"),
            F.sum(_blank(F.col("text")).cast("long")).alias("blank"),
            F.min_by("text", "order").alias("first"),
        )
        .collect()
    )
    if not counted:
        raise FileRejected([Problem(_name(uri), None, None, "the input holds no rows")])
    by_file: dict[str, list[Row]] = {}
    for row in counted:
        by_file.setdefault(row["file"], []).append(row)
    files: dict[str, FilePlan] = {}
    rows_before, problems = 0, list[Problem]()
    for path in sorted(by_file):
        plan, rows_before = _csv_plan(path, sorted(by_file[path], key=lambda r: r["block"]),
                                      rows_before, problems)  # fmt: skip
        files[path] = plan
    if problems:
        raise FileRejected(problems)
    if rows_before == 0:
        raise FileRejected(
            [Problem(_name(uri), None, None, "the input holds a header but no rows")]
        )
    return Source("csv", lines, files)


def _blank(text: Column) -> Column:
    """:data:`BLANK` in the JVM, the pattern only tried on lines that can match it (it is
    the first pass's main cost otherwise)."""
    from pyspark.sql import functions as F

    return F.when(F.substring(text, 1, 1).isin("", ",", '"'), text.rlike(BLANK)).otherwise(False)


def _csv_plan(
    path: str, blocks: list[Row], rows_before: int, problems: list[Problem]
) -> tuple[FilePlan, int]:
    """The file's plan, and the rows of the input up to its end."""
    name = _name(path)
    first = blocks[0]["first"].removeprefix("\ufeff")  # the CLI reads files as utf-8-sig
    cells = next(csv.reader([first]), [])
    if not any(cells):
        problems.append(Problem(name, 1, None, "the first line is empty: the header goes there"))
        return FilePlan(name, (), None, {}), rows_before
    columns, data = layout([(1, cells)], SAMPLES, name, problems)
    header = None if data else first
    plan_blocks, lines_before = {}, 0
    for block in blocks:
        plan_blocks[block["block"]] = Block(lines_before, rows_before)
        lines_before += block["lines"]
        rows_before += block["lines"] - block["blank"] - (header is not None and block is blocks[0])
    return FilePlan(name, tuple(columns), header, plan_blocks), rows_before


def _parquet(spark: SparkSession, uri: str) -> Source:
    from pyspark.sql import functions as F

    table = spark.read.parquet(uri)
    names = [field.name for field in table.schema.fields]
    problems: list[Problem] = []
    columns, _ = layout([(1, names)], SAMPLES, _name(uri), problems)
    if problems:
        raise FileRejected(problems)
    frame = table.select(
        F.col("_metadata.file_path").alias("file"),
        F.col("_metadata.row_index").alias("row_index"),
        *[F.col(f"`{name}`").alias(c) for name, c in zip(names, columns, strict=True) if c],
    )
    counts = {r["file"]: r["count"] for r in frame.groupBy("file").count().collect()}
    if not counts:
        raise FileRejected([Problem(_name(uri), None, None, "the input holds no rows")])
    files, rows_before = {}, 0
    kept = tuple(c for c in columns if c)
    for path in sorted(counts):
        files[path] = FilePlan(_name(path), kept, None, {0: Block(0, rows_before)})
        rows_before += counts[path]
    return Source("parquet", frame, files)

"""A scoring job on Spark: resolve the champion once, read, validate and score every row,
reject repeated sample references as the CLI does, write the results, count them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from pinkbreast.ml.evidence import from_operating_point
from pinkbreast.spark import batches, model, outputs, sources

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

REPEATS_BROADCAST = 100_000  # repeated references sent to every task with the job (else joined)


@dataclass(frozen=True)
class Summary:
    model_version: str
    scored: int
    rejected: int
    flagged: int  # scored rows with a value outside the WDBC reference range
    zones: dict[str, int]  # scored rows by zone
    outputs: dict[str, str]  # "scored", "rejects" -> where they were written


def run(
    spark: SparkSession,
    *,
    source: str,
    output: str,
    output_format: outputs.Format,
    tracking_uri: str,
    input_format: str = "auto",
    local_prevalence: float | None = None,
) -> Summary:
    """Score ``source`` into ``output`` (``scored/`` and ``rejects/``) with the champion.

    Raises :class:`~pinkbreast.services.scoring.ModelUnavailable`,
    :class:`~pinkbreast.spark.outputs.OutputExists` or, when a file's header is refused,
    :class:`~pinkbreast.tables.FileRejected`, before any row is scored.
    """
    from pyspark import StorageLevel

    version = model.resolve(tracking_uri)
    evidence = from_operating_point(model.load(tracking_uri, version).operating_point)
    outputs.refuse_existing(spark, output)
    read = sources.read(spark, source, sources.input_kind(source, input_format))
    results = scored(read, tracking_uri=tracking_uri, version=version)
    results = results.persist(StorageLevel.MEMORY_AND_DISK)  # scored once, written twice
    try:
        final = mark_repeats(spark, results)
        written = outputs.write(final, output, output_format, evidence.line(local_prevalence))
        return summarise(final, version, written)
    finally:
        results.unpersist()


def scored(read: sources.Source, *, tracking_uri: str, version: str) -> DataFrame:
    """One output row per input row; the model (``version``) is loaded by each worker."""
    kind, files = read.kind, read.files

    def task(frames: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        champion = model.load(tracking_uri, version)
        yield from batches.run(frames, kind=kind, files=files, model=champion)

    return read.frame.mapInPandas(task, batches.RESULTS_SCHEMA)


def mark_repeats(spark: SparkSession, results: DataFrame) -> DataFrame:
    """A valid row whose sample reference an earlier valid row has: rejected, as the CLI
    words it ("duplicate sample_ref S1 (first on line 5)")."""
    from pyspark.sql import functions as F

    valid = results.filter((F.col("outcome") == "scored") & F.col("sample_ref").isNotNull())
    repeats = (
        valid.groupBy("sample_ref")
        .agg(
            F.count("*").alias("n"),
            F.min("row").alias("first_row"),
            F.min_by("line", "row").alias("first_line"),
            F.min_by("file", "row").alias("first_file"),
        )
        .filter("n > 1")
        .drop("n")
    )
    found = repeats.limit(REPEATS_BROADCAST + 1).collect()
    if not found:
        return results
    if len(found) <= REPEATS_BROADCAST:
        repeats = F.broadcast(spark.createDataFrame(found, repeats.schema))
    joined = results.join(repeats, "sample_ref", "left")
    repeat = (F.col("outcome") == "scored") & (F.col("row") > F.col("first_row"))
    first = F.when(
        F.col("first_line").isNotNull(), F.concat(F.lit("first on line "), F.col("first_line"))
    ).otherwise(F.concat(F.lit("first in row "), F.col("first_row")))
    elsewhere = F.when(F.col("first_file") != F.col("file"), F.concat(F.lit(" of "), "first_file"))
    message = F.concat(
        F.lit("column sample_ref: duplicate sample_ref "), F.col("sample_ref"), F.lit(" ("),
        first, F.coalesce(elsewhere, F.lit("")), F.lit(")"),
    )  # fmt: skip
    columns = [name for name, _ in batches.RESULTS]
    changed = {
        "outcome": F.when(repeat, F.lit("rejected")).otherwise(F.col("outcome")),
        "reason": F.when(repeat, message).otherwise(F.col("reason")),
    }
    return joined.select(*[changed.get(c, F.col(c)).alias(c) for c in columns])


def summarise(final: DataFrame, version: str, written: dict[str, str]) -> Summary:
    from pyspark.sql import functions as F

    flagged = (F.coalesce(F.col("out_of_reference_range"), F.lit("")) != "").alias("flagged")
    counts = final.groupBy("outcome", "zone", flagged).count().collect()
    zones: dict[str, int] = {}
    totals = {"scored": 0, "rejected": 0, "flagged": 0}
    for row in counts:
        totals[row["outcome"]] += row["count"]
        if row["outcome"] == "scored":
            zones[row["zone"]] = zones.get(row["zone"], 0) + row["count"]
            totals["flagged"] += row["count"] if row["flagged"] else 0
    return Summary(version, totals["scored"], totals["rejected"], totals["flagged"], zones, written)

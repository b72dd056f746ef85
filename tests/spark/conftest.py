"""Spark tests: one local Spark session (local[2], bound to 127.0.0.1, UI off) for the whole
test run. Without pyspark or Java they are skipped with a message; with ``CI=true`` that is a
failure. Run them alone with ``pytest -m spark``."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from pinkbreast.features import FEATURE_NAMES


@pytest.fixture(scope="session")
def spark() -> Iterator[object]:
    from pinkbreast.spark import session

    if reason := session.unavailable():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason}; CI=true requires Spark", pytrace=False)
        pytest.skip(f"{reason}; Spark tests skipped")
    with session.spark_session("local[2]", {"spark.sql.shuffle.partitions": "4"}) as active:
        yield active


@pytest.fixture
def small_blocks(spark) -> Iterator[int]:
    """Files split into blocks of 4 KiB (many tasks, lines numbered across blocks), as a file
    of gigabytes is split into blocks of 128 MiB."""
    key = "spark.sql.files.maxPartitionBytes"
    before = spark.conf.get(key)
    spark.conf.set(key, "4096")
    yield 4096
    spark.conf.set(key, before)


@pytest.fixture
def scoring_env(trained_champion, tmp_path, monkeypatch) -> str:
    """The CLI's environment pointed at the session's trained champion; its tracking URI."""
    monkeypatch.setenv("PINKBREAST_INSTANCE", str(tmp_path / "instance"))
    monkeypatch.setenv("MLFLOW_TRACKING_URI", trained_champion[0])
    return trained_champion[0]


@pytest.fixture(scope="session")
def reference_samples():
    """The 569 reference cases as samples: sample_ref then the 30 features."""
    from pinkbreast.ml.data import load_reference

    frame = load_reference()
    samples = frame[["id", *FEATURE_NAMES]].rename(columns={"id": "sample_ref"})
    return samples.astype({"sample_ref": str})

"""The Spark session a job runs in: a local one bound to 127.0.0.1 with its UI off (nothing
listens beyond this machine, nothing is downloaded), or the cluster a master URL names."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

APP_NAME = "pinkbreast-predict"
JAVA_MINIMUM = 17  # what Spark 4 runs on
# Local masters: the driver and its block manager listen on the loopback only, no web UI, no
# console progress bar (the command reports its own), and the driver sized for the cached
# results of a big file. Spark's own jars ship in the pyspark wheel: no Ivy or Maven at all.
LOCAL_CONF = {
    "spark.driver.host": "127.0.0.1",
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.driver.memory": "2g",
}


def unavailable() -> str | None:
    """Why Spark cannot run here (pyspark or Java 17+ missing), or None when it can."""
    if importlib.util.find_spec("pyspark") is None:
        return "pyspark is not installed: pip install 'pinkbreast[spark]'"
    home = os.environ.get("JAVA_HOME")
    java = os.path.join(home, "bin", "java") if home else shutil.which("java")
    if not java or not os.access(java, os.X_OK):
        return f"Java {JAVA_MINIMUM} or later is not installed (apt-get install openjdk-17-jre)"
    version = _java_major(java)
    if version is not None and version < JAVA_MINIMUM:
        return f"Spark needs Java {JAVA_MINIMUM} or later; {java} is Java {version}"
    return None


def _java_major(java: str) -> int | None:
    done = subprocess.run([java, "-version"], capture_output=True, text=True, check=False)
    found = re.search(r'version "(\d+)(?:\.(\d+))?', done.stderr)
    if not found:
        return None
    major = int(found.group(1))
    return int(found.group(2) or 0) if major == 1 else major  # "1.8" is Java 8


def is_local(master: str) -> bool:
    return master == "local" or master.startswith("local[")


def settings(master: str, conf: Mapping[str, str]) -> dict[str, str]:
    """The configuration a session gets: ours for a local master, then the caller's."""
    return {**(LOCAL_CONF if is_local(master) else {}), **conf}


@contextmanager
def spark_session(master: str, conf: Mapping[str, str] | None = None) -> Iterator[SparkSession]:
    """The active session if there is one (a notebook's, a test's), else a new one for
    ``master``, stopped on exit."""
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        yield active
        return
    if is_local(master):
        # Python workers run this interpreter (with pinkbreast installed), on the loopback.
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    builder = SparkSession.builder.master(master).appName(APP_NAME)
    for key, value in settings(master, conf or {}).items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    try:
        yield session
    finally:
        session.stop()

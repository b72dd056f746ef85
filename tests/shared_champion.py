"""One quick training run per test session, shared by the pytest-xdist workers.

The first worker to need the champion trains it (the real ``train(..., quick=True)``, into a
real MLflow SQLite store) under a file lock in the folder the workers of this run share; the
others wait on the lock, then each gets its own copy, so a test that writes to the store
(aliases, tags, runs) sees only its own worker's changes, as when each worker trained its own.

MLflow keeps absolute artifact paths in its tables (experiment, runs, registered versions) and
in each model's ``MLmodel``, so a copy has the trained folder's path replaced by its own in every
text column and text file: the copy never reads or writes the original's artifacts.
"""

from __future__ import annotations

import fcntl
import shutil
import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

import cloudpickle

STORE = "mlflow.db"
ARTIFACTS = "mlartifacts"
REPORT = "report.pickle"
TEXT = (".yaml", ".yml", ".json", ".txt", ".md")


def tracking_uri(folder: Path) -> str:
    return f"sqlite:///{folder / STORE}"


def train_into(folder: Path) -> Any:
    """Train the quick champion into ``folder`` (``mlflow.db`` + ``mlartifacts``)."""
    from pinkbreast.ml.data import load_reference
    from pinkbreast.ml.train import train

    return train(
        load_reference(),
        tracking_uri=tracking_uri(folder),
        artifact_location=folder / ARTIFACTS,
        quick=True,
    )


def shared_training(shared: Path, own: Path, trainer: Callable[[Path], Any] = train_into) -> Any:
    """The report of the run trained once into ``shared/run`` (by whichever worker comes
    first), with the store and its artifacts copied to ``own``."""
    shared.mkdir(parents=True, exist_ok=True)
    run = shared / "run"
    with open(shared / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
        if not (run / REPORT).exists():
            shutil.rmtree(run, ignore_errors=True)  # a worker that failed half-way
            run.mkdir()
            report = trainer(run)
            (run / REPORT).write_bytes(cloudpickle.dumps(report))
    copy_store(run, own)
    return cloudpickle.loads((run / REPORT).read_bytes())


def copy_store(source: Path, target: Path) -> None:
    """Copy the MLflow store and artifacts of ``source`` into ``target``, pointing the copy's
    tables at ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copytree(source / ARTIFACTS, target / ARTIFACTS)
    _repoint_files(target / ARTIFACTS, str(source), str(target))
    with closing(sqlite3.connect(source / STORE)) as original:
        with closing(sqlite3.connect(target / STORE)) as copy:
            original.backup(copy)
            _repoint(copy, str(source), str(target))
    (target / STORE).chmod((source / STORE).stat().st_mode & 0o777)


def _repoint_files(folder: Path, old: str, new: str) -> None:
    """Replace ``old`` by ``new`` in the text files naming it (``MLmodel`` keeps its own
    absolute ``artifact_path``)."""
    needle = old.encode()
    for path in folder.rglob("*"):
        if path.is_file() and path.stat().st_size < 1_000_000:
            data = path.read_bytes()
            if needle in data:
                assert path.name == "MLmodel" or path.suffix in TEXT, f"{path} names {old}"
                path.write_bytes(data.replace(needle, new.encode()))


def _repoint(connection: sqlite3.Connection, old: str, new: str) -> None:
    tables = [
        name
        for (name,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    for table in tables:
        columns = [
            row[1]
            for row in connection.execute(f'PRAGMA table_info("{table}")')
            if "CHAR" in row[2].upper() or "TEXT" in row[2].upper() or "CLOB" in row[2].upper()
        ]
        for column in columns:
            connection.execute(
                f'UPDATE "{table}" SET "{column}" = replace("{column}", ?, ?)'
                f' WHERE instr("{column}", ?) > 0',
                (old, new, old),
            )
    connection.commit()
    leftover = [
        (table, column)
        for table in tables
        for column in [row[1] for row in connection.execute(f'PRAGMA table_info("{table}")')]
        if connection.execute(
            f'SELECT 1 FROM "{table}" WHERE instr(CAST("{column}" AS TEXT), ?) > 0 LIMIT 1',
            (old,),
        ).fetchone()
    ]
    assert leftover == [], f"the copied store still names {old} in {leftover}"

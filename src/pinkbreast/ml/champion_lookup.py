"""Which version is the champion and where its artifacts are, read without importing MLflow.

Importing MLflow's client, scikit-learn and SciPy takes a worker about two seconds, most of its
cold start. When the tracking store is a SQL database (SQLite, MySQL/MariaDB, PostgreSQL) and
the model's artifacts are on this machine's disk, the application reads the alias from MLflow's
own registry tables (one indexed query: what ``MlflowClient.get_model_version_by_alias`` reads)
and serves the numpy-only plan stored with the model. Any other store, a version not READY, or
anything unexpected in those tables gives ``None``, and the caller loads through MLflow.
"""

from __future__ import annotations

import logging
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse
from urllib.request import pathname2url

from pinkbreast.ml.names import ALIAS, MODEL_NAME

log = logging.getLogger("pinkbreast.model")
SQL_SCHEMES = ("sqlite", "mysql", "mariadb", "postgresql")

_QUERY = (
    "SELECT v.version, v.storage_location, v.status "
    "FROM registered_model_aliases a JOIN model_versions v "
    "ON v.name = a.name AND v.version = a.version "
    "WHERE a.name = :name AND a.alias = :alias"
)
# one row of _QUERY, as the database driver returns it (version, storage_location, status)
AliasRow = tuple[Any, ...]


@dataclass(frozen=True)
class Located:
    version: str
    folder: Path  # the registered model's folder (``MLmodel``, ``requirements.txt``, …)


def _local_folder(storage_location: str | None) -> Path | None:
    if not storage_location:
        return None
    parsed = urlparse(storage_location)
    if parsed.scheme == "file" and parsed.netloc in ("", "localhost"):
        return Path(unquote(parsed.path))
    if parsed.scheme == "" and storage_location.startswith("/"):
        return Path(storage_location)
    return None  # s3://, mlflow-artifacts:, dbfs:, … : MLflow knows how to fetch those


def locate(tracking_uri: str, *, name: str = MODEL_NAME, alias: str = ALIAS) -> Located | None:
    """The champion's version and local folder, or None when MLflow must be asked."""
    rows = _alias_rows(tracking_uri, name, alias) if is_sql(tracking_uri) else None
    if not rows or len(rows) != 1 or rows[0][2] != "READY":
        return None
    version, storage_location, _status = rows[0]
    folder = _local_folder(storage_location)
    if folder is None or not (folder / "MLmodel").is_file():
        return None
    return Located(str(version), folder)


def alias_version(tracking_uri: str, *, name: str = MODEL_NAME, alias: str = ALIAS) -> str | None:
    """The version the alias names now, read from the registry tables; None when the store is
    not a SQL database (only MLflow can tell). Raises LookupError when the tables cannot be
    read or the alias is not set."""
    if not is_sql(tracking_uri):
        return None
    rows = _alias_rows(tracking_uri, name, alias)
    if not rows:
        raise LookupError(f"the registry tables are unreadable or hold no {alias!r} alias")
    return str(rows[0][0])


def is_sql(tracking_uri: str) -> bool:
    return urlparse(tracking_uri).scheme.split("+")[0] in SQL_SCHEMES


def _alias_rows(tracking_uri: str, name: str, alias: str) -> list[AliasRow] | None:
    """``(version, storage_location, status)`` rows of the alias, or None when unreadable."""
    read = _sqlite_rows if tracking_uri.startswith("sqlite") else _rows
    return read(tracking_uri, {"name": name, "alias": alias})


def _sqlite_rows(tracking_uri: str, parameters: dict[str, str]) -> list[AliasRow] | None:
    """The query on a SQLite store, opened read-only with the standard library (a command such
    as ``pinkbreast predict`` then never imports SQLAlchemy)."""
    database = tracking_uri.partition(":///")[2].partition("?")[0]
    if not database or not Path(database).is_file():
        return None  # in memory, or nothing registered yet (and must not be created)
    read_only = f"file:{pathname2url(database)}?mode=ro"
    try:
        with closing(sqlite3.connect(read_only, uri=True)) as connection:
            return connection.execute(_QUERY, parameters).fetchall()
    except sqlite3.Error as exc:
        log.info("MLflow's registry tables not readable (%s)", exc)
        return None


def _rows(tracking_uri: str, parameters: dict[str, str]) -> list[AliasRow] | None:
    import sqlalchemy as sa

    engine = sa.create_engine(tracking_uri, poolclass=sa.pool.NullPool, hide_parameters=True)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(sa.text(_QUERY), parameters)]
    except sa.exc.SQLAlchemyError as exc:
        log.info("MLflow's registry tables not readable (%s)", exc)
        return None
    finally:
        engine.dispose()

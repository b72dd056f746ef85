"""Many rows into one table with one ``executemany`` of the driver; one row without
``connection.execute``'s per-execution work (:func:`insert_one`).

``connection.execute(insert, rows)`` spends more CPU in SQLAlchemy's per-row parameter
bookkeeping (a dictionary of bind values built and type-processed for each row) than the
database spends storing a 1,000-row batch. :func:`insert_many` keeps what matters of it: the
statement is SQLAlchemy's own INSERT compiled for the connection's dialect, and every value
still goes through its column type's bind processor (SQLite's date and time strings, booleans,
floats), so the stored values are those ``connection.execute`` would store; the values are
processed column by column instead of row by row, and handed to the driver in the form its
parameter style takes. For PyMySQL, which writes every value into the statement's text in
Python, the text is built column by column too (:mod:`pinkbreast.db.mysql_rows`).
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import repeat
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.compiler import SQLCompiler

from pinkbreast.db import mysql_rows


@dataclass(frozen=True)
class _Plan:
    sql: str
    keys: tuple[str, ...]  # the parameters in the statement's order (positional styles)
    processors: tuple[Callable[[Any], Any] | None, ...]  # one per key: the type's processor
    positional: bool


@lru_cache(maxsize=32)
def _plan(dialect: sa.Dialect, table: sa.Table, keys: tuple[str, ...]) -> _Plan:
    compiled = sa.insert(table).compile(dialect=dialect, column_keys=list(keys))
    if not isinstance(compiled, SQLCompiler):
        raise TypeError(f"{type(compiled).__name__} is not a SQL compiler")
    order = tuple(compiled.positiontup or ()) if dialect.positional else keys
    # Exactly one parameter per given key, under its own name: a column left out whose
    # default SQLAlchemy computes, or a name the dialect escapes, is not for this path.
    if set(compiled.binds) != set(keys) or set(order) != set(keys) or compiled.escaped_bind_names:
        raise ValueError(f"cannot insert {sorted(keys)} into {table.name} in one executemany")
    processors = []
    for key in order:
        process = compiled._bind_processors.get(key)  # the processor execute() applies
        if process is not None and not callable(process):  # a tuple type's, per element
            raise ValueError(f"{table.name}.{key}: no single bind processor")
        processors.append(process)
    return _Plan(compiled.string, order, tuple(processors), dialect.positional)


def insert_many(
    connection: sa.Connection, table: sa.Table, rows: Sequence[Mapping[str, object]]
) -> None:
    """INSERT ``rows`` (mappings with the same keys, every column value given) into ``table``,
    in list order, inside the connection's open transaction."""
    if not rows:
        return
    plan = _plan(connection.dialect, table, tuple(rows[0]))
    columns = []
    for key, process in zip(plan.keys, plan.processors, strict=True):
        values = [row[key] for row in rows]
        if process is None:
            columns.append(values)
        elif all(map(operator.is_, values, repeat(values[0]))):  # one object: a batch's moment
            columns.append([process(values[0])] * len(values))
        else:
            columns.append(list(map(process, values)))
    if connection.dialect.driver == "pymysql":  # its rows' SQL text, built column by column
        driver = connection.connection.driver_connection
        sent = mysql_rows.statements(driver, plan.sql, plan.keys, columns)
        if sent is not None:
            _send(connection, sent, plan.sql)
            return
    parameters: list = list(zip(*columns, strict=True))
    if not plan.positional:
        parameters = [dict(zip(plan.keys, values, strict=True)) for values in parameters]
    connection.exec_driver_sql(plan.sql, parameters)


def _send(connection: sa.Connection, statements: list[str], template: str) -> None:
    """Run statements whose text holds the rows' values, as is (no parameter formatting).

    An error names the parameterised ``template`` instead: with ``hide_parameters`` no
    statement's values reach an error message or the logs, and these hold them in their text.
    """
    try:
        for statement in statements:
            connection.exec_driver_sql(statement, execution_options={"no_parameters": True})
    except sa.exc.StatementError as error:
        error.statement = template
        raise


@dataclass(frozen=True)
class _One:
    sql: str
    values_of: Callable[[Mapping[str, object]], tuple[Any, ...]]  # in the statement's order
    processed: tuple[tuple[int, Callable[[Any], Any]], ...]  # (position, bind processor)
    keys: tuple[str, ...]
    positional: bool
    lastrowid: bool  # the driver's last row id is the new key (else the INSERT returns it)


@lru_cache(maxsize=32)
def _one(dialect: sa.Dialect, table: sa.Table, keys: tuple[str, ...]) -> _One:
    plan = _plan(dialect, table, keys)
    # Where the driver has no last row id (PostgreSQL), the compiled INSERT returns the key.
    compiled = sa.insert(table).compile(dialect=dialect, column_keys=list(keys))
    lastrowid = bool(getattr(dialect, "postfetch_lastrowid", False))  # DefaultDialect's flag
    if not lastrowid and not getattr(compiled, "effective_returning", None):
        raise ValueError(f"{table.name}: no way to read the new row's primary key")
    processed = tuple((i, p) for i, p in enumerate(plan.processors) if p is not None)
    order = plan.keys
    values_of = operator.itemgetter(*order) if len(order) > 1 else lambda row: (row[order[0]],)
    return _One(plan.sql, values_of, processed, order, plan.positional, lastrowid)


def insert_one(connection: sa.Connection, table: sa.Table, row: Mapping[str, object]) -> Any:
    """INSERT ``row`` (every column value given but the primary key) into ``table``, inside the
    connection's open transaction; its new primary key.

    The statement and every value's bind processing are :func:`insert_many`'s, run by
    ``exec_driver_sql``, so SQLAlchemy's errors (an ``IntegrityError`` stays one), events and
    transaction are kept; what is left out is ``connection.execute``'s per-execution work (the
    compiled-statement cache lookup, a parameter dictionary built and processed key by key),
    which cost a prediction's row twice sqlite3's own time (benchmarks/serving.md; an API
    request makes two: the prediction and its audit row).
    """
    one = _one(connection.dialect, table, tuple(row))
    values = list(one.values_of(row))
    for position, process in one.processed:
        values[position] = process(values[position])
    if one.positional:
        result = connection.exec_driver_sql(one.sql, tuple(values))
    else:
        result = connection.exec_driver_sql(one.sql, dict(zip(one.keys, values, strict=True)))
    if one.lastrowid:
        return result.lastrowid
    return result.scalar_one()

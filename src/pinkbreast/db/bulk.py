"""Many rows into one table with one ``executemany`` of the driver.

``connection.execute(insert, rows)`` spends more CPU in SQLAlchemy's per-row parameter
bookkeeping (a dictionary of bind values built and type-processed for each row) than the
database spends storing a 1,000-row batch. :func:`insert_many` keeps what matters of it: the
statement is SQLAlchemy's own INSERT compiled for the connection's dialect, and every value
still goes through its column type's bind processor (SQLite's date and time strings, booleans,
floats), so the stored values are those ``connection.execute`` would store; the values are
processed column by column instead of row by row, and handed to the driver in the form its
parameter style takes.
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
    parameters: list = list(zip(*columns, strict=True))
    if not plan.positional:
        parameters = [dict(zip(plan.keys, values, strict=True)) for values in parameters]
    connection.exec_driver_sql(plan.sql, parameters)

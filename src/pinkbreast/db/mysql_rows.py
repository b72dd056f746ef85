"""PyMySQL's multi-row INSERT, rendered column by column.

PyMySQL sends an ``executemany`` of an INSERT as ``INSERT … VALUES (…),(…),…`` statements of at
most ``Cursor.max_stmt_length`` bytes, each value turned into SQL text in Python: for every
value of every row, ``Connection.escape`` looks its type up and calls the type's encoder. A
1,000-row batch of predictions is 47,000 such calls, a third of the request's CPU on MariaDB.

:func:`statements` builds the same statements, byte for byte (a test compares them with what
PyMySQL sends), from the columns instead of the rows: a column whose values are all floats (or
all integers), with PyMySQL's own encoder for that type, is rendered by one ``map`` of
``repr`` (``str``) with PyMySQL's rule for floats; a column holding one object in every row (the
batch's moment) is rendered once; any other column goes value by value through
``Connection.escape``, PyMySQL's own path (text, with the connection's quoting rules; dates;
NULLs).
"""

from __future__ import annotations

import operator
import re
from collections.abc import Sequence
from itertools import repeat
from typing import Any

from pymysql import converters
from pymysql.cursors import RE_INSERT_VALUES, Cursor

_NAMED = re.compile(r"%\((\w+)\)s")  # a pyformat placeholder: %(name)s
_NOT_FINITE = frozenset(("inf", "-inf", "nan"))


class NotFinite(ValueError):
    """A float MySQL cannot store (PyMySQL refuses it too)."""


def statements(
    dbapi_connection: Any,
    sql: str,
    keys: Sequence[str],
    columns: Sequence[Sequence[object]],
    *,
    max_length: int = Cursor.max_stmt_length,
) -> list[str] | None:
    """The statements PyMySQL's ``executemany(sql, rows)`` would send for the rows whose values
    are ``columns`` (``columns[i]``: every row's value of parameter ``keys[i]``, after its bind
    processor), in order; None when ``sql`` is not a plain multi-row INSERT or a row cannot be
    encoded (the driver's own path then runs, and raises what it raises)."""
    match = RE_INSERT_VALUES.match(sql)
    if match is None or match.group(3):
        return None
    prefix, template = match.group(1) % (), match.group(2).rstrip()
    names = _NAMED.findall(template)
    if names:  # named parameters: the template's order, each column by its key
        by_key = dict(zip(keys, columns, strict=True))
        ordered = [by_key[name] for name in names]
        template = _NAMED.sub("%s", template)
    else:
        ordered = list(columns)
    encoding = dbapi_connection.encoding
    named = names or keys
    texts = [
        _literals(dbapi_connection, key, values) for key, values in zip(named, ordered, strict=True)
    ]
    try:
        rows = [template % row for row in zip(*texts, strict=True)]
        sizes = [len(row.encode(encoding)) for row in rows]
    except UnicodeEncodeError:
        return None
    return _chunks(prefix, rows, sizes, len(prefix.encode(encoding)), max_length)


def _literals(connection: Any, key: str, values: Sequence[object]) -> list[str]:
    """One column's values as SQL text, as ``connection.escape`` writes each."""
    first = values[0]
    if all(map(operator.is_, values, repeat(first))):  # one object: rendered once
        return [connection.escape(first)] * len(values)
    kind = type(first)
    if kind in (float, int) and set(map(type, values)) == {kind}:  # bool is not int here
        encoder = connection.encoders.get(kind)
        if kind is float and encoder is converters.escape_float:
            texts = list(map(repr, values))
            if not _NOT_FINITE.isdisjoint(texts):
                raise NotFinite(f"{key}: inf and nan cannot be stored in MySQL")
            return [text if "e" in text else text + "e0" for text in texts]
        if kind is int and encoder is converters.escape_int:
            return list(map(str, values))
    return list(map(connection.escape, values))


def _chunks(
    prefix: str, rows: list[str], sizes: list[int], prefix_size: int, max_length: int
) -> list[str]:
    """``prefix`` + rows joined by commas, a new statement whenever the next row would take
    one past ``max_length`` bytes: PyMySQL's ``_do_execute_many`` rule."""
    found, start, size = [], 0, prefix_size + sizes[0]
    for i in range(1, len(rows)):
        if size + sizes[i] + 1 > max_length:
            found.append(prefix + ",".join(rows[start:i]))
            start, size = i, prefix_size + sizes[i]
        else:
            size += sizes[i] + 1
    found.append(prefix + ",".join(rows[start:]))
    return found

"""PyMySQL's multi-row INSERT, rendered column by column.

PyMySQL sends an ``executemany`` of an INSERT as ``INSERT … VALUES (…),(…),…`` statements of at
most ``Cursor.max_stmt_length`` bytes, each value turned into SQL text in Python: for every
value of every row, ``Connection.escape`` looks its type up and calls the type's encoder. A
1,000-row batch of predictions is 47,000 such calls, a third of the request's CPU on MariaDB.

:func:`statements` builds the same statements, byte for byte (a test compares them with what
PyMySQL sends), from the columns instead of the rows: a column whose values are all floats (or
all integers), with PyMySQL's own encoder for that type, is rendered by one ``map`` of
``repr`` (``str``) with PyMySQL's rule for floats; a column of text (and NULLs) is escaped in one
piece, by the connection's quoting rules; a column holding one object in every row (the batch's
moment) is rendered once; any other column goes value by value through ``Connection.escape``,
PyMySQL's own path (dates, mixed types, subclasses). What that saves on a batch of explained
predictions, and what is left (mostly ``repr`` of its floats, which the text protocol needs),
is measured in benchmarks/serving.md.
"""

from __future__ import annotations

import codecs
import operator
import re
from collections.abc import Sequence
from itertools import repeat
from types import NoneType
from typing import Any, cast

from pymysql import converters
from pymysql.constants import SERVER_STATUS
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
    if template == "(" + ", ".join(["%s"] * len(texts)) + ")":  # SQLAlchemy's: the same, joined
        rows = ["(" + ", ".join(row) + ")" for row in zip(*texts, strict=True)]
    else:
        rows = [template % row for row in zip(*texts, strict=True)]
    try:
        if _ascii_compatible(encoding) and all(map(str.isascii, rows)):  # a flag: no encoding
            sizes = list(map(len, rows))
        else:
            sizes = [len(row.encode(encoding)) for row in rows]
    except UnicodeEncodeError:
        return None
    return _chunks(prefix, rows, sizes, len(prefix.encode(encoding)), max_length)


def _literals(connection: Any, key: str, values: Sequence[object]) -> list[str]:
    """One column's values as SQL text, as ``connection.escape`` writes each."""
    first = values[0]
    if all(map(operator.is_, values, repeat(first))):  # one object: rendered once
        return [connection.escape(first)] * len(values)
    kinds = set(map(type, values))  # exact types: bool is not int here, a str subclass not str
    encoders = connection.encoders
    if kinds == {float} and encoders.get(float) is converters.escape_float:
        return _floats(key, values)
    if kinds == {int} and encoders.get(int) is converters.escape_int:
        return list(map(str, values))
    if kinds <= {str, NoneType} and encoders.get(NoneType) is converters.escape_None:
        texts = _texts(connection, values)
        if texts is not None:
            return texts
    return list(map(connection.escape, values))


def _floats(key: str, values: Sequence[object]) -> list[str]:
    """PyMySQL's ``escape_float`` of each: ``repr``, with ``e0`` appended when it has no
    exponent; inf and nan refused. One join, one replace and one split when no value is
    written with an exponent (a float's repr holds no comma)."""
    texts = list(map(repr, values))
    joined = ",".join(texts)
    if "n" in joined and not _NOT_FINITE.isdisjoint(texts):  # inf, nan: the only reprs with n
        raise NotFinite(f"{key}: inf and nan cannot be stored in MySQL")
    if "e" not in joined:
        return (joined.replace(",", "e0,") + "e0").split(",")
    return [text if "e" in text else text + "e0" for text in texts]


def _texts(connection: Any, values: Sequence[object]) -> list[str] | None:
    """``connection.escape`` of each of ``values`` (text or None), escaped all at once: the
    strings joined by a separator the escaping leaves alone, escaped, quoted and split again.
    None when a string holds the separator itself (then value by value)."""
    strings = [v for v in values if v is not None]
    joined = _SEPARATOR.join(cast("list[str]", strings))
    if joined.count(_SEPARATOR) != len(strings) - 1:
        return None
    if connection.server_status & SERVER_STATUS.SERVER_STATUS_NO_BACKSLASH_ESCAPES:
        escaped = joined.replace("'", "''")  # Connection._escape_string's rule
    elif _ESCAPE_BY_REPLACING:
        escaped = _escape_string(joined)
    else:
        return None
    quoted = ("'" + escaped.replace(_SEPARATOR, _QUOTED_SEPARATOR) + "'").split(_SEPARATOR)
    if len(quoted) == len(values):
        return quoted
    each = iter(quoted)
    return ["NULL" if v is None else next(each) for v in values]


_SEPARATOR = "\x1f"  # ASCII unit separator: not in PyMySQL's escape table
_QUOTED_SEPARATOR = "'" + _SEPARATOR + "'"
# PyMySQL's escape_string maps characters through a table, a slow path of str.translate (one
# lookup per character of every explanation: benchmarks/serving.md). The same mapping as
# chained replaces, the backslash first so that no added backslash is doubled:
_REPLACEMENTS = (("\\", "\\\\"), ("\0", "\\0"), ("\n", "\\n"), ("\r", "\\r"),
                 ("\032", "\\Z"), ('"', '\\"'), ("'", "\\'"))  # fmt: skip


def _escape_string(text: str) -> str:
    for old, new in _REPLACEMENTS:
        if old in text:
            text = text.replace(old, new)
    return text


# used only while it gives what PyMySQL's own table gives, for every ASCII character
_PROBE = "".join(map(chr, range(128))) + "é\\'\"中"
_ESCAPE_BY_REPLACING = _escape_string(_PROBE) == converters.escape_string(_PROBE)


def _ascii_compatible(encoding: str) -> bool:
    return codecs.lookup(encoding).name in ("utf-8", "iso8859-1", "cp1252", "ascii")


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

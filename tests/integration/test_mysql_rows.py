"""The multi-row INSERT built column by column is, byte for byte, what PyMySQL's own
``executemany`` sends (a real MariaDB connection: its quoting rules), and a batch stored through
it reads back as ``connection.execute`` stores it (``test_bulk_insert``, on every backend)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pymysql.cursors
import pytest

from pinkbreast.db import mysql_rows
from pinkbreast.db.session import engine_for

NAMES = "abcdefghij"
SQL = f"INSERT INTO t ({', '.join(NAMES)}) VALUES ({', '.join(f'%({n})s' for n in NAMES)})"
KEYS = tuple(reversed(NAMES))  # not the statement's order: columns go by their key
MOMENT = datetime(2026, 12, 4, 16, 30, 1, 123456, tzinfo=UTC)
FLOATS = [0.1, 1 / 3, 1e-300, 5e-324, 1.7976931348623157e308, -0.0, 2.0, -12345.678, 1e16, 7.0]
TEXTS = [
    "O'Brien",
    "back\\slash",
    "50% %s %(a)s",
    "é ü 中文 🙂",
    "",
    "a\nb\x00c",
    '"q"',
    "x",
    "y",
    "z",
]


class _Recording(pymysql.cursors.Cursor):
    """Records the statements PyMySQL would send for an ``executemany`` instead of sending."""

    sent: list[bytes] = []

    def execute(self, query, args=None):
        if args is None:  # a statement _do_execute_many has rendered
            self.sent.append(bytes(query))
            return 0
        return super().execute(query, args)


def _columns() -> dict[str, list]:
    return {
        "a": FLOATS,
        "b": TEXTS,
        "c": [None, 3, -7, 2**40, 0, None, 1, 2, 3, 4],  # mixed: value by value
        "d": [MOMENT] * 10,  # one object: rendered once
        "e": [True, False] * 5,
        "f": [date(2026, 1, i + 1) if i % 2 else None for i in range(10)],
        "g": [None if i % 3 else t for i, t in enumerate(TEXTS)],  # text and NULLs
        "h": ["unit\x1fseparator", *TEXTS[1:]],  # the text path's own separator inside a value
        "i": [17.99, 0.1184, 1001.0, -3.5, 0.0, 2.0, 25.38, 0.2654, 0.4601, 1e15],  # no exponent
        "j": [_Text("sub'class"), *TEXTS[1:]],  # a str subclass: value by value
    }


class _Text(str):
    """A str subclass: PyMySQL escapes it as text, the fast path leaves it to PyMySQL."""


@pytest.fixture
def driver(empty_database_url):
    engine = engine_for(empty_database_url)
    connection = engine.raw_connection()
    try:
        yield connection.driver_connection
    finally:
        connection.close()


@pytest.mark.parametrize("empty_database_url", ["mariadb"], indirect=True)
@pytest.mark.parametrize("max_length", [pymysql.cursors.Cursor.max_stmt_length, 400])
@pytest.mark.parametrize("named", [True, False])  # SQLAlchemy's pyformat, or plain %s
def test_the_statements_are_pymysqls_byte_for_byte(driver, max_length, named):
    columns = _columns()
    if named:
        sql, keys = SQL, KEYS
        rows: list = [{key: columns[key][i] for key in NAMES} for i in range(10)]
    else:
        sql, keys = "INSERT INTO t (a, b) VALUES (%s, %s)", ("a", "b")
        rows = [(columns["a"][i], columns["b"][i]) for i in range(10)]
    _Recording.sent = []
    cursor = driver.cursor(_Recording)
    cursor.max_stmt_length = max_length
    cursor.executemany(sql, rows)
    ours = mysql_rows.statements(
        driver, sql, keys, [columns[key] for key in keys], max_length=max_length
    )
    assert ours is not None
    assert [s.encode(driver.encoding) for s in ours] == _Recording.sent
    if max_length == 400 and named:
        assert len(ours) > 2  # chunked as PyMySQL chunks
    assert all(len(s.encode(driver.encoding)) <= max_length for s in ours)


@pytest.mark.parametrize("empty_database_url", ["mariadb"], indirect=True)
@pytest.mark.parametrize("bad", [float("inf"), float("-inf"), float("nan")])
def test_a_float_mysql_cannot_store_is_refused_naming_its_column(driver, bad):
    with pytest.raises(mysql_rows.NotFinite, match="^a: inf and nan"):
        mysql_rows.statements(driver, SQL, KEYS, [[v] * 2 for v in range(9)] + [[0.5, bad]])


@pytest.mark.parametrize("empty_database_url", ["mariadb"], indirect=True)
def test_what_is_not_a_plain_multi_row_insert_is_left_to_the_driver(driver):
    upsert = SQL + " ON DUPLICATE KEY UPDATE a = 1"
    assert mysql_rows.statements(driver, upsert, KEYS, [[1]] * len(KEYS)) is None
    assert mysql_rows.statements(driver, "UPDATE t SET a = %(a)s", ("a",), [[1]]) is None


@pytest.mark.parametrize("empty_database_url", ["mariadb"], indirect=True)
def test_text_is_quoted_by_the_connections_rules(driver, empty_database_url):
    """With NO_BACKSLASH_ESCAPES a quote is doubled and a backslash kept, as PyMySQL does."""
    with engine_for(empty_database_url).connect() as connection:
        connection.exec_driver_sql("SET SESSION sql_mode = 'NO_BACKSLASH_ESCAPES'")
        raw = connection.connection.driver_connection
        rendered = mysql_rows.statements(
            raw, "INSERT INTO t (b) VALUES (%(b)s)", ("b",), [["it's", None, "a\\b"]]
        )
        assert rendered == ["INSERT INTO t (b) VALUES ('it''s'),(NULL),('a\\b')"]
        connection.exec_driver_sql("SET SESSION sql_mode = DEFAULT")


def test_text_is_escaped_all_at_once_while_that_gives_pymysqls_escaping():
    """The replacing escape is checked against PyMySQL's own table when imported: a PyMySQL
    that escaped differently would send every value through PyMySQL (and this would fail)."""
    assert mysql_rows._ESCAPE_BY_REPLACING

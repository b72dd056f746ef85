"""A rejected file's problems in the reader's language.

The table readers (:mod:`pinkbreast.tables`) describe each problem in English, for the CLI
and the API. A page shows them translated: the location ("line 3, column radius_mean") and
each known message, matched by its pattern; a message not listed here is shown as written.
"""

from __future__ import annotations

import re

from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from pinkbreast import sample_refs
from pinkbreast.tables import FileRejected, Problem

_GOT = r"(?:, got (?P<got>.+))?"
_MESSAGES = [
    (r"cannot read the file: (?P<reason>.+)", _l("cannot read the file: %(reason)s")),
    (r"not a valid CSV file: (?P<reason>.+)", _l("not a valid CSV file: %(reason)s")),
    (r"the file holds no rows", _l("the file holds no rows")),
    (r"the file holds a header but no rows", _l("the file holds a header but no rows")),
    (r"(?P<n>\d+) rows; at most (?P<max>\d+)", _l("%(n)s rows; at most %(max)s")),
    (r"(?P<n>\d+) cells; at most (?P<max>\d+)", _l("%(n)s cells; at most %(max)s")),
    (
        r"duplicate (?P<column>\S+) (?P<key>.+) \(first on line (?P<line>\d+)\)",
        _l("%(column)s %(key)s appears twice (first on line %(line)s)"),
    ),
    (r"expected (?P<n>\d+) cells, found (?P<m>\d+)", _l("expected %(n)s cells, found %(m)s")),
    (r"missing column", _l("missing column")),
    (r"column appears more than once", _l("column appears more than once")),
    (r"unknown column", _l("unknown column")),
    (r"unexpected value in an empty column", _l("unexpected value in an empty column")),
    (
        r"expected a whole number below (?P<limit>\S+)" + _GOT,
        _l("expected a whole number below %(limit)s"),
    ),
    (r"expected a whole number" + _GOT, _l("expected a whole number")),
    (r"diagnosis must be M or B" + _GOT, _l("the diagnosis must be M or B")),
    (
        re.escape(sample_refs.RULE) + _GOT,
        _l(
            "expected a pseudonymous reference: at most 64 letters, digits, spaces and . _ / - "
            "(no patient names)"
        ),
    ),  # fmt: skip
    (r"expected a number" + _GOT, _l("expected a number")),
    (
        r"expected a finite number \(not NaN or infinity\)" + _GOT,
        _l("expected a finite number (not NaN or infinity)"),
    ),
    (r"expected a value >= 0" + _GOT, _l("expected a value of 0 or more")),
    (
        r"expected a value > 0 \(a nucleus has a size\)" + _GOT,
        _l("expected a value above 0 (a nucleus has a size)"),
    ),
    (r"expected a value <= (?P<max>\S+)" + _GOT, _l("expected a value of at most %(max)s")),
]
_COMPILED = [(re.compile(pattern + r"\Z"), text) for pattern, text in _MESSAGES]


def message(text: str) -> str:
    """``text`` (one problem's English message) in the reader's language."""
    for pattern, template in _COMPILED:
        if match := pattern.match(text):
            found = {k: v for k, v in match.groupdict().items() if v is not None}
            got = found.pop("got", None)
            said = str(template) % found if found else str(template)
            return _("%(problem)s, got %(value)s", problem=said, value=got) if got else said
    return text


def problem_line(problem: Problem) -> str:
    where = [problem.file]
    if problem.line is not None:
        where.append(_("line %(n)s", n=problem.line))
    if problem.column is not None:
        where.append(_("column %(name)s", name=problem.column))
    return _("%(where)s: %(problem)s", where=", ".join(where), problem=message(problem.message))


def problem_lines(rejected: FileRejected) -> list[str]:
    """:meth:`FileRejected.lines`, translated (in English: exactly as the CLI says them)."""
    if str(get_locale() or "en") == "en":
        return rejected.lines()
    more = [_("and %(n)s more problems", n=rejected.omitted)] if rejected.omitted else []
    return [problem_line(problem) for problem in rejected.problems] + more

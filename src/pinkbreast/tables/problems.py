"""Why a table file is refused: each problem located (file, line, column) for a person to fix,
and the rejection of the file as a whole. Shared by every reader of files: the table readers
here, the backup import and the Spark sources."""

from __future__ import annotations

from dataclasses import dataclass

MAX_PROBLEMS = 200  # problems listed; the rest are counted ("and N more")
SHOWN_CELL = 40  # characters of a cell quoted in a problem


def shown(cell: str, *, quoted: bool = True) -> str:
    """A cell as quoted in a problem: at most ``SHOWN_CELL`` characters, so that the list of
    problems stays small whatever the file holds."""
    cell = cell if len(cell) <= SHOWN_CELL else cell[:SHOWN_CELL] + "…"
    return repr(cell) if quoted else cell


@dataclass(frozen=True)
class Problem:
    """One reason a file is rejected, located for a person to fix it."""

    file: str
    line: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = [self.file]
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.column is not None:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.message}"


class FileRejected(ValueError):
    """A file that cannot be used as a whole; ``problems`` lists the reasons found (at most
    ``MAX_PROBLEMS``), ``omitted`` counts the others."""

    def __init__(self, problems: list[Problem], omitted: int = 0):
        self.problems = problems[:MAX_PROBLEMS]
        self.omitted = omitted + max(0, len(problems) - MAX_PROBLEMS)
        rest = len(self.problems) - 1 + self.omitted
        more = f" (and {rest} more)" if rest else ""
        super().__init__(f"{problems[0]}{more}")

    def lines(self) -> list[str]:
        """The problems as text, then "and N more problems" when some were not listed."""
        more = [f"and {self.omitted} more problems"] if self.omitted else []
        return [str(problem) for problem in self.problems] + more

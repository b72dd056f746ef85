"""Export and import predictions with their confirmed outcomes (format: ``backup_format.py``).

A portable, database-neutral copy of the clinical record: from SQLite to MariaDB, between
servers, or to archive. The database dump (docs/backup.md) remains the full backup; this file
holds no accounts, tokens or audit trail, and names people by username.

Import is all-or-nothing, in one transaction: every line is validated first (JSON, the schema,
the 30 measurements within their limits, known usernames, ids unique in the file, no clash with
the database), and any problem rejects the whole file, each problem located by line and field.
It is idempotent: rows keep their ids, and a prediction or outcome whose id is already stored
with the same content is skipped, so importing a file twice, or a later export of the same
database, adds only what is new. The same id with different content is a conflict: rejected.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TextIO, TypeVar, cast

import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy.orm import Session

from pinkbreast.db.models import ImageProvenance, Outcome, PredictionRecord, User
from pinkbreast.db.session import transaction
from pinkbreast.services import audit
from pinkbreast.services.backup_format import (
    HEADER,
    WARNINGS_MAX,
    PredictionLine,
    columns,
    new_image,
    new_outcome,
    new_prediction,
    prediction_line,
)
from pinkbreast.tables import MAX_PROBLEMS, FileRejected, Problem

Row = TypeVar("Row", PredictionRecord, Outcome)

_CHUNK = 500


@dataclass(frozen=True)
class ImportReport:
    predictions_new: int
    predictions_unchanged: int
    outcomes_new: int
    outcomes_unchanged: int


def export_predictions(*, session: Session, output: TextIO) -> int:
    """Write the header and every prediction, in id order; audited. Returns the count."""
    output.write(json.dumps(HEADER) + "\n")
    query = sa.select(PredictionRecord).order_by(PredictionRecord.id)
    images = {row.prediction_id: row for row in session.scalars(sa.select(ImageProvenance))}
    count = 0
    for record in session.scalars(query.execution_options(yield_per=_CHUNK)):
        output.write(prediction_line(record, images.get(record.id)) + "\n")
        count += 1
    with transaction(session):
        audit.record(
            session=session,
            action="predictions.export",
            actor_name="cli",
            record_type="predictions",
            detail=f"{count} predictions",
        )
    return count


def import_predictions(*, session: Session, name: str, lines: Iterable[str]) -> ImportReport:
    """Validate the whole file, then store what is new in one transaction; audited.

    Raises :class:`FileRejected` (nothing written) with every problem found.
    """
    parsed, problems = parse(name, lines)
    if problems:
        raise FileRejected(problems)
    with transaction(session):
        plan = _Plan(session, name, parsed)
        if plan.problems:
            raise FileRejected(plan.problems[:MAX_PROBLEMS])
        session.add_all(plan.predictions)
        session.flush()
        session.add_all(plan.images)
        session.add_all(plan.outcomes)
        session.flush()
        _advance_sequences(session)
        report = plan.report()
        audit.record(
            session=session,
            action="predictions.import",
            actor_name="cli",
            record_type="predictions",
            detail=f"{name}: {report.predictions_new} new predictions, "
            f"{report.outcomes_new} new outcomes",
        )
    return report


def parse(
    name: str, lines: Iterable[str]
) -> tuple[list[tuple[int, PredictionLine]], list[Problem]]:
    """``(line number, prediction)`` for every line, and the problems found on the way."""
    parsed, problems = [], []
    numbered = enumerate(lines, start=1)
    problems.extend(_header_problems(name, next(numbered, (1, ""))[1]))
    for number, text in numbered:
        if len(problems) >= MAX_PROBLEMS:
            break
        if not text.strip():
            continue
        try:
            parsed.append((number, PredictionLine.model_validate(json.loads(text))))
        except json.JSONDecodeError as exc:
            problems.append(Problem(name, number, None, f"not JSON ({exc.msg}, char {exc.pos})"))
        except ValidationError as exc:
            problems.extend(_schema_problems(name, number, exc))
    problems.extend(_duplicates(name, parsed))
    return parsed, problems[:MAX_PROBLEMS]


def _header_problems(name: str, text: str) -> list[Problem]:
    try:
        header = json.loads(text)
    except json.JSONDecodeError:
        header = None
    if header == HEADER:
        return []
    expected = json.dumps(HEADER)
    return [Problem(name, 1, None, f"expected the header {expected} (a predictions export)")]


def _schema_problems(name: str, number: int, error: ValidationError) -> Iterator[Problem]:
    for problem in error.errors():
        yield Problem(name, number, field_path(problem["loc"]) or None, problem["msg"])


def field_path(location: tuple[int | str, ...]) -> str:
    """``("outcomes", 0, "diagnosis")`` -> ``outcomes[0].diagnosis``."""
    path = ""
    for part in location:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def _duplicates(name: str, parsed: list[tuple[int, PredictionLine]]) -> Iterator[Problem]:
    """Ids (of predictions, of outcomes) and idempotency keys may appear once in a file."""
    seen: dict[tuple[str, object], int] = {}
    for number, line in parsed:
        keys: list[tuple[str, object, str]] = [("id", line.id, "prediction id")]
        if line.idempotency_key:
            keys.append(("idempotency_key", (line.user, line.idempotency_key), "idempotency key"))
        keys += [(f"outcomes[{i}].id", o.id, "outcome id") for i, o in enumerate(line.outcomes)]
        for field, value, what in keys:
            if (what, value) in seen:
                first = seen[(what, value)]
                yield Problem(name, number, field, f"{what} already on line {first}")
            seen.setdefault((what, value), number)
        if len(",".join(line.warnings)) > WARNINGS_MAX:
            yield Problem(name, number, "warnings", f"at most {WARNINGS_MAX} characters joined")


class _Plan:
    """What importing the parsed lines into this database would do, and what prevents it."""

    def __init__(self, session: Session, name: str, parsed: list[tuple[int, PredictionLine]]):
        self.session, self.name = session, name
        self.problems: list[Problem] = []
        self.predictions: list[PredictionRecord] = []
        self.outcomes: list[Outcome] = []
        self.images: list[ImageProvenance] = []  # of new predictions measured on an image
        self.counts: Counter[str] = Counter()
        self.users = self._users(parsed)
        for start in range(0, len(parsed), _CHUNK):
            self._chunk(parsed[start : start + _CHUNK])

    def report(self) -> ImportReport:
        return ImportReport(
            len(self.predictions),
            self.counts["prediction unchanged"],
            len(self.outcomes),
            self.counts["outcome unchanged"],
        )

    def _users(self, parsed: list[tuple[int, PredictionLine]]) -> dict[str, int]:
        names = {line.user for _, line in parsed}
        names |= {o.recorded_by for _, line in parsed for o in line.outcomes}
        found = self.session.execute(
            sa.select(User.username, User.id).where(User.username.in_(names))
        )
        return {username: user_id for username, user_id in found}

    def _user(self, number: int, field: str, username: str) -> int | None:
        if username not in self.users:
            self._problem(number, field, f"no account named {username!r}: create it first")
        return self.users.get(username)

    def _problem(self, number: int, field: str | None, message: str) -> None:
        self.problems.append(Problem(self.name, number, field, message))

    def _chunk(self, chunk: list[tuple[int, PredictionLine]]) -> None:
        stored = _by_id(self.session, PredictionRecord, [line.id for _, line in chunk])
        outcome_ids = [o.id for _, line in chunk for o in line.outcomes]
        stored_outcomes = _by_id(self.session, Outcome, outcome_ids)
        for number, line in chunk:
            user_id = self._user(number, "user", line.user)
            record = new_prediction(line, user_id) if user_id is not None else None
            if record is not None:
                self._prediction(number, record, stored.get(line.id))
                if stored.get(line.id) is None and (image := new_image(line)) is not None:
                    self.images.append(image)
            for index, outcome in enumerate(line.outcomes):
                field = f"outcomes[{index}]"
                by = self._user(number, f"{field}.recorded_by", outcome.recorded_by)
                if by is not None:
                    row = new_outcome(outcome, line.id, by)
                    self._outcome(number, field, row, stored_outcomes.get(outcome.id))

    def _prediction(
        self, number: int, record: PredictionRecord, existing: PredictionRecord | None
    ) -> None:
        if existing is None:
            if record.idempotency_key and self._key_taken(record):
                self._problem(number, "idempotency_key", "already used by another prediction")
            self.predictions.append(record)
        elif _same(existing, record):
            self.counts["prediction unchanged"] += 1
        else:
            self._problem(number, "id", f"prediction {record.id} exists with different content")

    def _outcome(self, number: int, field: str, row: Outcome, existing: Outcome | None) -> None:
        if existing is None:
            self.outcomes.append(row)
        elif _same(existing, row):
            self.counts["outcome unchanged"] += 1
        else:
            self._problem(number, f"{field}.id", f"outcome {row.id} exists with different content")

    def _key_taken(self, record: PredictionRecord) -> bool:
        query = sa.select(PredictionRecord.id).where(
            PredictionRecord.user_id == record.user_id,
            PredictionRecord.idempotency_key == record.idempotency_key,
        )
        return self.session.scalar(query) is not None


def _by_id(session: Session, model: type[Row], ids: list[int]) -> dict[int, Row]:
    if not ids:
        return {}
    return {row.id: row for row in session.scalars(sa.select(model).where(model.id.in_(ids)))}


def _same(stored: PredictionRecord | Outcome, new: PredictionRecord | Outcome) -> bool:
    return columns(stored) == columns(new)


def _advance_sequences(session: Session) -> None:
    """PostgreSQL hands out ids from sequences that explicit ids do not move: catch them up."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for mapped in (PredictionRecord, Outcome):
        table = cast(sa.Table, mapped.__table__)  # a mapped class's table (typed FromClause)
        sequence = sa.func.pg_get_serial_sequence(table.name, "id")
        highest = sa.select(sa.func.max(table.c.id)).scalar_subquery()
        session.execute(sa.select(sa.func.setval(sequence, highest)))

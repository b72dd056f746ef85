"""The lists' queries read through an index, on the migrated schema (SQLite's query plans).

``predictions`` keeps only the indexes a query uses (migration ``i19_01``): every index is one
more B-tree written per stored prediction. These plans are what would change if one of those
it keeps were dropped, or if a list's query stopped matching them.
"""

from datetime import date
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from alembic import command

from pinkbreast.cli.db import alembic_config
from pinkbreast.db.models import PredictionRecord
from pinkbreast.db.session import engine_for
from pinkbreast.services.history import HistoryFilter
from pinkbreast.services.predictions import visible_to
from pinkbreast.vocabulary import CLINICIAN


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('plans') / 'pinkbreast.db'}"
    command.upgrade(alembic_config(url), "head")
    return engine_for(url)


def _plan(engine: sa.Engine, query: sa.Select) -> list[str]:
    sql = str(query.compile(engine, compile_kwargs={"literal_binds": True}))
    with engine.connect() as connection:
        return [row[-1] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}")]


def test_a_clinicians_list_reads_their_index_newest_first_whatever_the_zone(engine):
    clinician = SimpleNamespace(id=7, role=CLINICIAN)
    for filters in (HistoryFilter(), HistoryFilter(zone="benign")):
        query = visible_to(clinician, filters.apply(sa.select(PredictionRecord)))
        plan = _plan(engine, query.order_by(PredictionRecord.id.desc()).limit(25))
        assert plan[0] == "SEARCH predictions USING INDEX ix_predictions_user_id (user_id=?)"
        assert not any("TEMP B-TREE" in step for step in plan), plan  # no sort of all of them


def test_a_date_range_and_a_batch_read_their_indexes(engine):
    since = HistoryFilter(since=date(2026, 1, 1))
    plan = _plan(engine, since.apply(sa.select(sa.func.count(PredictionRecord.id))))
    assert any("ix_predictions_created_at" in step for step in plan), plan
    batch = sa.select(PredictionRecord.id).where(PredictionRecord.batch_id == "b")
    assert any("ix_predictions_batch_id" in step for step in _plan(engine, batch))


def test_an_idempotency_key_is_found_through_its_unique_index(engine):
    query = sa.select(PredictionRecord.id).where(
        PredictionRecord.user_id == 7, PredictionRecord.idempotency_key == "k"
    )
    assert _plan(engine, query) == [
        "SEARCH predictions USING COVERING INDEX sqlite_autoindex_predictions_1 "
        "(user_id=? AND idempotency_key=?)"
    ]

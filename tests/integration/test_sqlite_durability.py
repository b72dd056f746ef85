"""The embedded SQLite file: write-ahead log, every commit synced (a prediction a clinician has
seen survives a power cut), foreign keys enforced."""

import sqlalchemy as sa

from pinkbreast.db.session import make_engine


def test_a_sqlite_file_logs_ahead_and_syncs_every_commit(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'pinkbreast.db'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()


def test_an_in_memory_database_keeps_foreign_keys(tmp_path):
    engine = make_engine("sqlite://")
    with engine.connect() as connection:
        assert connection.execute(sa.text("PRAGMA foreign_keys")).scalar() == 1
    engine.dispose()

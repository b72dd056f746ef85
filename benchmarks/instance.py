"""A throwaway production-like instance: its own folder, MariaDB database, user and API token."""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from benchmarks.common import BIN, say

MARIADB = os.environ.get("BENCH_MARIADB_URL", "mysql+pymysql://root@127.0.0.1:3306/test")
DATABASE = "pbbench"
PASSWORD = "Load-test passphrase 2026!"


@dataclass
class Instance:
    folder: Path
    env: dict
    token: str

    @property
    def tracking_uri(self) -> str:
        return self.env["MLFLOW_TRACKING_URI"]

    def cli(self, *args: str, input: str | None = None, env: dict | None = None) -> str:
        completed = subprocess.run(
            [str(BIN / "pinkbreast"), *args],
            env=env or self.env, input=input, capture_output=True, text=True,
        )  # fmt: skip
        if completed.returncode != 0:
            raise RuntimeError(f"pinkbreast {' '.join(args)} failed:\n{completed.stderr}")
        return completed.stdout

    def timed(self, *args: str, env: dict | None = None) -> float:
        start = time.perf_counter()
        self.cli(*args, env=env)
        return time.perf_counter() - start


def _environment(folder: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PINKBREAST_", "MLFLOW_"))}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    secret = folder / "secret_key"
    if not secret.exists():
        secret.write_text(os.urandom(32).hex())
    env.update(
        PINKBREAST_ENV="production",
        SECRET_KEY=secret.read_text(),
        DATABASE_URL=sa.make_url(MARIADB)
        .set(database=DATABASE)
        .render_as_string(hide_password=False),
        MLFLOW_TRACKING_URI=f"sqlite:///{folder / 'mlflow.db'}",
        PINKBREAST_INSTANCE=str(folder),
        API_RATE_PER_MINUTE="100000",
        API_USER_RATE_PER_MINUTE="100000",
        PATH=f"{BIN}:{os.environ.get('PATH', '/usr/bin:/bin')}",
    )
    return env


def _token(instance: Instance) -> str:
    output = instance.cli("tokens", "create", "--user", "loadtest", "--name", "benchmark")
    return output.strip().splitlines()[-1]


def reuse(folder: Path) -> Instance:
    """The instance of an earlier ``--keep`` run (its database must still exist)."""
    instance = Instance(folder.resolve(), _environment(folder.resolve()), "")
    instance.token = _token(instance)
    return instance


def create(root: Path | None = None) -> Instance:
    """Fresh MariaDB database ``pbbench``, migrated, reference data loaded, a clinician's token.

    Production settings, except per-token and per-account API rate limits high enough not to
    throttle the load generator (``API_RATE_PER_MINUTE``, ``API_USER_RATE_PER_MINUTE``).
    """
    folder = Path(root or tempfile.mkdtemp(prefix="pinkbreast-bench-"))
    url = sa.make_url(MARIADB)
    admin = sa.create_engine(url.set(database=""), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f"DROP DATABASE IF EXISTS {DATABASE}"))
        connection.execute(sa.text(f"CREATE DATABASE {DATABASE}"))
    admin.dispose()
    instance = Instance(folder, _environment(folder), "")
    say(f"instance {folder}, database {DATABASE} on {url.host}:{url.port}")
    instance.cli("db", "upgrade")
    instance.cli("data", "load-reference")
    secret = f"{PASSWORD}\n{PASSWORD}\n"
    instance.cli("users", "create", "loadtest", "--email", "loadtest@example.org", input=secret)
    instance.token = _token(instance)
    return instance


def drop() -> None:
    admin = sa.create_engine(sa.make_url(MARIADB).set(database=""), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f"DROP DATABASE IF EXISTS {DATABASE}"))
    admin.dispose()

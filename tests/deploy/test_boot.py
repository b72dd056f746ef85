"""``deploy/boot.sh``: check, migrate, then serve with ``deploy/gunicorn.conf.py``."""

from __future__ import annotations

import os
import runpy
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from pinkbreast.cli.db import alembic_config
from tests.conftest import scratch_mariadb

ROOT = Path(__file__).resolve().parents[2]
BOOT = ROOT / "deploy" / "boot.sh"
CONF = ROOT / "deploy" / "gunicorn.conf.py"


def test_gunicorn_conf_reads_web_concurrency_and_logs_no_query_string(monkeypatch):
    """Workers come from WEB_CONCURRENCY; the access log has neither query string nor referrer."""
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    conf = runpy.run_path(str(CONF))
    assert conf["workers"] == 3
    for atom in ("%(r)s", "%(q)s", "%(f)s"):
        assert atom not in conf["access_log_format"]
    assert conf["preload_app"] is False
    assert callable(conf["child_exit"]) and callable(conf["on_starting"])


@pytest.fixture
def boot_database():
    """A fresh database of its own (``pbboot_<pid>``) on the MariaDB server, dropped after."""
    with scratch_mariadb(f"pbboot_{os.getpid()}") as url:
        yield url


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def boot_environment(tmp_path: Path, database_url: str, tracking_uri: str, port: int) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PINKBREAST_", "MLFLOW_"))}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    env.update(
        PINKBREAST_ENV="production",
        SECRET_KEY="b" * 64,
        DATABASE_URL=database_url,
        MLFLOW_TRACKING_URI=tracking_uri,
        PINKBREAST_INSTANCE=str(tmp_path / "instance"),
        PINKBREAST_METRICS_TOKEN="m" * 32,
        PINKBREAST_TRUST_PROXY="1",
        PINKBREAST_PORT=str(port),
        PINKBREAST_BIN_DIR=str(Path(sys.executable).parent),
        WEB_CONCURRENCY="1",
    )
    return env


def wait_ready(url: str, process: subprocess.Popen, timeout: float = 60) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            if exc.code != 503:
                return exc.code
        except OSError:
            pass
        time.sleep(0.2)
    return 0


@pytest.mark.subprocess
def test_boot_migrates_a_fresh_mariadb_database_and_serves_readyz(
    tmp_path, boot_database, champion_tracking_uri
):
    """From an empty database: schema at head, /readyz 200, query strings kept out of the log."""
    port = free_port()
    env = boot_environment(tmp_path, boot_database, champion_tracking_uri, port)
    log = tmp_path / "boot.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [str(BOOT)], env=env, cwd=tmp_path, stdout=output, stderr=subprocess.STDOUT
        )
        try:
            status = wait_ready(f"http://127.0.0.1:{port}/readyz?probe=secret-value", process)
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=40)
    text = log.read_text()
    assert status == 200, text
    assert "error " not in text and "Traceback" not in text
    assert "GET /readyz HTTP/1.1" in text and "secret-value" not in text
    engine = sa.create_engine(boot_database)
    with engine.connect() as connection:
        current = set(MigrationContext.configure(connection).get_current_heads())
    engine.dispose()
    assert current == set(ScriptDirectory.from_config(alembic_config(boot_database)).get_heads())


def test_boot_refuses_an_unusable_instance_folder_without_a_traceback(tmp_path):
    """The instance folder cannot be made: one clear line, exit 1, gunicorn never starts."""
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    env = boot_environment(
        tmp_path, f"sqlite:///{tmp_path / 'x.db'}", f"sqlite:///{tmp_path / 'm.db'}", free_port()
    )
    env["PINKBREAST_INSTANCE"] = str(blocker / "instance")
    result = subprocess.run(
        [str(BOOT)], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 1
    assert "not writable: Not a directory." in result.stdout
    assert "boot: the environment is not ready" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr

"""Processes the reliability tests start: gunicorn through ``deploy/boot.sh``, a private MariaDB
server, and the ``pinkbreast`` command line. Each is stopped by its own process id."""

from __future__ import annotations

import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner

from pinkbreast.cli import cli
from tests.deploy.test_boot import BOOT, boot_environment, free_port, wait_ready
from tests.reliability.clinicians import PASSWORD


def run_cli(env: dict[str, str], *args: str, input: str | None = None) -> str:
    """``pinkbreast ARGS`` in this process (Click's runner) with ``env``; its output."""
    result = CliRunner().invoke(cli, list(args), env=env, input=input, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def create_clinicians(env: dict[str, str], names: list[str]) -> None:
    """The accounts, made the way an administrator would: ``pinkbreast users create``."""
    for name in names:
        run_cli(
            env,
            *("users", "create", name, "--email", f"{name}@hospital.test"),
            input=f"{PASSWORD}\n{PASSWORD}\n",
        )


def create_token(env: dict[str, str], username: str) -> str:
    output = run_cli(env, "tokens", "create", "--user", username, "--name", "reliability")
    return output.strip().splitlines()[-1]


@dataclass
class Server:
    base: str
    process: subprocess.Popen
    log: Path

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")

    def terminate(self, timeout: float = 45) -> int:
        """SIGTERM to the gunicorn master; its exit status once it has stopped."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait(timeout=10)


def production_env(tmp_path: Path, database_url: str, tracking_uri: str, **extra: str) -> dict:
    """The environment ``deploy/boot.sh`` gets in production (see tests/deploy/test_boot.py)."""
    env = boot_environment(tmp_path, database_url, tracking_uri, free_port())
    env.pop("WEB_CONCURRENCY")  # the production default: 2 x CPUs + 1 workers
    env.update(extra)
    return env


@contextmanager
def gunicorn(tmp_path: Path, env: dict[str, str]) -> Iterator[Server]:
    """gunicorn started by ``deploy/boot.sh`` (check, migrate, exec), ready; stopped after."""
    log = tmp_path / f"gunicorn-{env['PINKBREAST_PORT']}.log"
    base = f"http://127.0.0.1:{env['PINKBREAST_PORT']}"
    with log.open("w") as output:
        process = subprocess.Popen(
            [str(BOOT)], env=env, cwd=tmp_path, stdout=output, stderr=subprocess.STDOUT
        )
    server = Server(base, process, log)
    try:
        status = wait_ready(f"{base}/readyz", process, timeout=90)
        assert status == 200, server.log_text()[-3000:]
        yield server
    finally:
        server.terminate()


class PrivateMariaDB:
    """A MariaDB server of the test's own: its datadir in a temporary folder, its own port.

    Stopping and starting the machine's shared server would break every other test run on it
    (and a developer's work); this one can be stopped mid-load without harming anyone.
    """

    def __init__(self, folder: Path):
        self.folder, self.port = folder, free_port()
        self.process: subprocess.Popen | None = None
        data = folder / "data"
        install = subprocess.run(
            [
                "mariadb-install-db",
                "--no-defaults",
                f"--datadir={data}",
                "--user=root",
                "--skip-test-db",
                "--auth-root-authentication-method=normal",
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert install.returncode == 0, install.stdout + install.stderr

    @property
    def url(self) -> str:
        return f"mysql+pymysql://root@127.0.0.1:{self.port}/pinkbreast"

    def start(self, timeout: float = 60) -> None:
        log = (self.folder / "mariadbd.log").open("a")
        self.process = subprocess.Popen(
            [
                "/usr/sbin/mariadbd",
                "--no-defaults",
                f"--datadir={self.folder / 'data'}",
                f"--port={self.port}",
                "--bind-address=127.0.0.1",
                f"--socket={self.folder / 'mariadbd.sock'}",
                f"--pid-file={self.folder / 'mariadbd.pid'}",
                "--user=root",
                "--skip-log-bin",
                "--innodb-buffer-pool-size=64M",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while not _listening(self.port):
            assert self.process.poll() is None, (self.folder / "mariadbd.log").read_text()
            assert time.monotonic() < deadline, "the private MariaDB server did not start"
            time.sleep(0.1)

    def stop(self, timeout: float = 60) -> None:
        """A clean shutdown (SIGTERM), waited for."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None

    def create_database(self) -> None:
        subprocess.run(
            [
                "mariadb",
                "--protocol=tcp",
                "-h127.0.0.1",
                f"-P{self.port}",
                "-uroot",
                "-e",
                "CREATE DATABASE pinkbreast CHARACTER SET utf8mb4",
            ],
            check=True,
            timeout=30,
        )


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0

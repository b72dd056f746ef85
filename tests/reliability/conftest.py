"""Fixtures of the reliability tests (``make test-reliability``; ``-m reliability``).

They start real processes — gunicorn through ``deploy/boot.sh``, a MariaDB server of their own —
and take minutes, so plain ``pytest`` / ``make test`` deselects them (``-m "not reliability"``
in pyproject.toml).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest

from tests.conftest import IN_CI, scratch_mariadb
from tests.reliability.servers import PrivateMariaDB


@pytest.fixture
def mariadb_database(request) -> Iterator[str]:
    """A fresh, empty database of this test's own on the shared MariaDB server, dropped after."""
    name = f"pbrel_{os.getpid()}_{request.node.name.split('[')[0][-20:]}".replace("-", "_")
    with scratch_mariadb(name, charset="utf8mb4") as url:
        yield url


@pytest.fixture
def private_mariadb(tmp_path_factory) -> Iterator[PrivateMariaDB]:
    """A running private MariaDB server with an empty ``pinkbreast`` database; always stopped
    and its datadir removed at the end, whatever the test did to it."""
    if not (shutil.which("mariadb-install-db") and os.path.exists("/usr/sbin/mariadbd")):
        message = "mariadb-install-db and /usr/sbin/mariadbd are needed for a private server"
        if IN_CI:
            pytest.fail(f"{message}; CI=true requires them", pytrace=False)
        pytest.skip(message)
    folder = tmp_path_factory.mktemp("mariadb")
    server = PrivateMariaDB(folder)
    try:
        server.start()
        server.create_database()
        yield server
    finally:
        server.stop()
        shutil.rmtree(folder / "data", ignore_errors=True)

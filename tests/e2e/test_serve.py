"""``pinkbreast prepare`` + ``pinkbreast serve``: gunicorn really serves the app (``make run``)."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, response.read().decode()


@pytest.fixture
def served(tmp_path):
    environ = {**os.environ, "PINKBREAST_INSTANCE": str(tmp_path / "instance")}
    for name in ("DATABASE_URL", "SECRET_KEY", "PINKBREAST_ENV", "MLFLOW_TRACKING_URI"):
        environ.pop(name, None)
    prepared = subprocess.run(
        [BIN / "pinkbreast", "prepare"], env=environ, capture_output=True, text=True, timeout=300
    )
    assert prepared.returncode == 0, prepared.stderr
    port = _free_port()
    server = subprocess.Popen(
        [BIN / "pinkbreast", "serve", "--port", str(port), "--workers", "2"],
        env=environ,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            _get(f"{base}/healthz")
            break
        except OSError:
            if server.poll() is not None:
                pytest.fail(f"server exited: {server.stdout.read()}")
            time.sleep(0.2)
    yield base, prepared.stdout
    server.terminate()
    server.wait(timeout=30)


def test_prepare_then_serve_gives_a_ready_app_with_the_reference_data(served):
    base, prepare_output = served
    assert "Loaded 569 reference cases." in prepare_output
    assert "Registered a champion model" in prepare_output  # trained on first start
    assert "First administrator created:  username: admin   password: " in prepare_output
    status, body = _get(f"{base}/readyz")
    assert status == 200 and '"status":"ready"' in body and '"model":"ok"' in body
    status, page = _get(f"{base}/")
    assert status == 200 and "Not a diagnosis" in page

"""``schemathesis run`` with every check against the app's own OpenAPI document."""

import dataclasses
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.workflow import make_token

SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"


CONFIG = Path(__file__).with_name("schemathesis.toml")


@pytest.fixture
def served(app, users, clinic_settings):
    fast = dataclasses.replace(app.config["PINKBREAST_SETTINGS"], api_rate_per_minute=100_000)
    app.config["PINKBREAST_SETTINGS"] = fast  # fuzzing is fast
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", make_token(clinic_settings, "alice")
    server.shutdown()
    thread.join(timeout=10)


@pytest.mark.contract
def test_schemathesis_all_checks_pass(served, settings, tmp_path):
    if settings.database_url.startswith("postgresql"):
        pytest.skip("the contract run covers SQLite and MariaDB; PostgreSQL shares their code")
    base, token = served
    result = subprocess.run(
        [
            SCHEMATHESIS,
            "--config-file",
            CONFIG,
            "run",
            f"{base}/api/v1/openapi.json",
            "--checks",
            "all",
            "--header",
            f"Authorization: Bearer {token}",
            "--max-examples",
            "25",
            "--phases",
            "examples,coverage,fuzzing",
            "--output-sanitize",
            "false",
            "--workers",
            "1",
            "--seed",
            "7",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]

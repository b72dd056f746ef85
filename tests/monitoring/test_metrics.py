"""``/metrics`` under gunicorn with two workers equals what the database says."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.monitoring.test_recall_alert import _confirmed, _user

BIN = os.path.dirname(sys.executable)
TOKEN = "metrics-" + "k" * 32


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str, token: str | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""


@pytest.fixture
def gunicorn(database_url, tmp_path):
    port = _free_port()
    environ = {
        **os.environ,
        "DATABASE_URL": database_url,
        "PINKBREAST_INSTANCE": str(tmp_path / "instance"),
        "PINKBREAST_METRICS_TOKEN": TOKEN,
        "PINKBREAST_METRICS_ALLOW": "",
    }
    environ.pop("PROMETHEUS_MULTIPROC_DIR", None)
    server = subprocess.Popen(
        [os.path.join(BIN, "pinkbreast"), "serve", "--port", str(port), "--workers", "2"],
        env=environ,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while _ready(base) is False:
        if server.poll() is not None or time.monotonic() > deadline:
            server.kill()
            pytest.fail(f"gunicorn did not start: {server.stdout.read()[-3000:]}")
        time.sleep(0.2)
    yield base
    server.terminate()
    server.wait(timeout=30)


def _ready(base: str) -> bool:
    try:
        return _get(base + "/healthz")[0] == 200
    except OSError:
        return False


def _samples(text: str) -> dict[tuple, float]:
    values = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            values[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return values


@pytest.mark.subprocess
def test_metrics_equal_the_database_across_two_workers(gunicorn, session):
    user = _user(session)
    session.commit()
    for zone, diagnosis in [("malignant", "M")] * 3 + [("benign", "B")] * 2:
        _confirmed(session, user, zone, diagnosis)
    assert _get(gunicorn + "/metrics")[0] == 403  # not public
    key = (
        "pinkbreast_http_requests_total",
        (("endpoint", "main.healthz"), ("method", "GET"), ("status", "200")),
    )
    before = _samples(_get(gunicorn + "/metrics", TOKEN)[1]).get(key, 0)
    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(lambda _: _get(gunicorn + "/healthz")[0], range(40)))
    assert statuses == [200] * 40
    status, text = _get(gunicorn + "/metrics", TOKEN)
    assert status == 200
    values = _samples(text)
    assert values[key] - before == 40  # every worker's requests, summed
    assert values[("pinkbreast_predictions", (("model_version", "1"), ("zone", "malignant")))] == 3
    assert values[("pinkbreast_predictions", (("model_version", "1"), ("zone", "benign")))] == 2
    assert values[("pinkbreast_confirmed_malignant", ())] == 3
    assert values[("pinkbreast_open_alerts", ())] == 0

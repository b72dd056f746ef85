"""SIGTERM to gunicorn while a request is in flight: the request completes, then gunicorn exits.

The request is made slow on purpose, by its client: the headers and half the body are sent, the
server is told to stop, and the rest of the body follows a second later. Whatever the speed of
the model, the request is certainly in flight when the signal arrives.
"""

from __future__ import annotations

import json
import signal
import socket
import time

import pytest
import sqlalchemy as sa

from pinkbreast.db.models import PredictionRecord
from pinkbreast.db.session import engine_for, session_scope
from pinkbreast.web.gunicorn_app import options
from tests.reliability.clinicians import cases
from tests.reliability.servers import (
    create_clinicians,
    create_token,
    gunicorn,
    production_env,
    run_cli,
)

pytestmark = pytest.mark.reliability

GRACEFUL_TIMEOUT = options(bind="127.0.0.1:0", workers=1)["graceful_timeout"]  # the config's
SAMPLES = 25  # more than the API explains at once: no SHAP, so no explainer to build


def slow_request(port: int, token: str, body: bytes) -> socket.socket:
    """Send the headers and the first half of the body; the caller sends the rest."""
    head = (
        "POST /api/v1/predictions HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{port}\r\n"
        f"Authorization: Bearer {token}\r\n"
        "Content-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n"
        "Idempotency-Key: sigterm-in-flight\r\n"
        "Connection: close\r\n\r\n"
    ).encode()
    connection = socket.create_connection(("127.0.0.1", port), timeout=60)
    connection.sendall(head + body[: len(body) // 2])
    return connection


def read_answer(connection: socket.socket) -> tuple[int, dict]:
    data = b""
    while chunk := connection.recv(65536):
        data += chunk
    connection.close()
    head, _, payload = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), json.loads(payload)


def test_sigterm_lets_the_request_in_flight_finish(
    tmp_path, mariadb_database, champion_tracking_uri
):
    env = production_env(tmp_path, mariadb_database, champion_tracking_uri, WEB_CONCURRENCY="1")
    run_cli(env, "db", "upgrade")
    create_clinicians(env, ["lab"])
    token = create_token(env, "lab")
    samples = [{"sample_ref": f"TERM-{i}", "measurements": cases()[i]} for i in range(SAMPLES)]
    body = json.dumps({"samples": samples}).encode()
    port = int(env["PINKBREAST_PORT"])
    with gunicorn(tmp_path, env) as server:
        connection = slow_request(port, token, body)
        time.sleep(0.5)  # the worker has parsed the headers and waits for the body
        server.process.send_signal(signal.SIGTERM)
        signalled = time.monotonic()
        time.sleep(1.0)
        assert server.process.poll() is None, "gunicorn did not wait for the request"
        connection.sendall(body[len(body) // 2 :])
        status, answer = read_answer(connection)
        exit_code = server.process.wait(timeout=GRACEFUL_TIMEOUT + 15)
        stopped_after = time.monotonic() - signalled
    log = server.log_text()

    assert status == 201, answer
    assert [p["sample_ref"] for p in answer["predictions"]] == [s["sample_ref"] for s in samples]
    assert exit_code == 0
    assert stopped_after < GRACEFUL_TIMEOUT  # it finished, it was not killed at the deadline
    assert "Handling signal: term" in log and "Shutting down: Master" in log
    assert "WORKER TIMEOUT" not in log and "Traceback" not in log
    assert '"POST /api/v1/predictions HTTP/1.1" 201' in log
    with session_scope(mariadb_database) as session:
        refs = list(session.scalars(sa.select(PredictionRecord.sample_ref)))
    engine_for(mariadb_database).dispose()
    assert sorted(refs) == sorted(s["sample_ref"] for s in samples)

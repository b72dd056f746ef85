"""How fast the administrators' monitoring page opens (issue 16): in a fresh process, as a
gunicorn worker meets it after its start-up hook (``gunicorn_app._warm``, timed too), then
warm; against the home page in the same process (the peer).

The instance holds predictions with confirmed outcomes, so every chart and table is drawn. A
child process creates the application, signs an administrator in through the login form and
times each page through Flask's test client (no network): the page's own server time.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date

from benchmarks.common import say, write_result
from benchmarks.instance import PASSWORD, Instance

STORED = 300  # predictions, every third with a confirmed outcome
WARM = 20  # warm openings timed after the first

_CHILD = r"""
import json, re, statistics, sys, time
from pinkbreast.web import create_app
from pinkbreast.web.gunicorn_app import _warm

app = create_app()
client = app.test_client()
class Worker:  # what gunicorn hands its post_worker_init hook
    wsgi, pid = app, 0
started = time.perf_counter()
_warm(Worker())  # as a gunicorn worker does before its first request
warm_ms = (time.perf_counter() - started) * 1000
token = lambda page: re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
page = client.get("/login", base_url="https://localhost").get_data(as_text=True)
client.post("/login", base_url="https://localhost",
            headers={"Referer": "https://localhost/login"},
            data={"username": "benchadmin", "password": sys.argv[1], "csrf_token": token(page)})

def timed(path):
    started = time.perf_counter()
    response = client.get(path, base_url="https://localhost")
    assert response.status_code == 200, (path, response.status_code)
    return (time.perf_counter() - started) * 1000

result = {"worker_warm_up_ms": warm_ms}
for name, path in (("monitoring", "/admin/monitoring"), ("home", "/")):
    first = timed(path)
    warm = [timed(path) for _ in range(int(sys.argv[2]))]
    result[name] = {"first_ms": first, "warm_median_ms": statistics.median(warm)}
print(json.dumps(result))
"""


def run(instance: Instance) -> dict:
    _prepare(instance)
    say("monitoring page: first and warm openings in a fresh process, home page as the peer")
    child = subprocess.run(
        [sys.executable, "-c", _CHILD, PASSWORD, str(WARM)],
        env=instance.env,
        capture_output=True,
        text=True,
    )
    if child.returncode:
        raise RuntimeError(f"monitoring page bench failed:\n{child.stderr[-3000:]}")
    times = json.loads(child.stdout.strip().splitlines()[-1])
    warm_up = times.pop("worker_warm_up_ms")
    result = {
        "worker_warm_up_ms": warm_up,
        "stored": STORED,
        "warm_openings": WARM,
        **times,
        "first_over_home_first": times["monitoring"]["first_ms"] / times["home"]["first_ms"],
        "goal_first_ms": 1000,
        "goal_met": times["monitoring"]["first_ms"] < 1000,
    }
    path = write_result("monitoring_page", result)
    say(f"monitoring page: first {times['monitoring']['first_ms']:.0f} ms, warm "
        f"{times['monitoring']['warm_median_ms']:.0f} ms; {path}")  # fmt: skip
    return result


def _prepare(instance: Instance) -> None:
    from benchmarks.reports import _predictions
    from pinkbreast.db.models import User
    from pinkbreast.db.session import session_scope
    from pinkbreast.services import outcomes

    with session_scope(instance.env["DATABASE_URL"]) as session:
        if session.query(User).filter_by(username="benchadmin").one_or_none():
            return  # a kept instance (--instance): already prepared
    secret = f"{PASSWORD}\n{PASSWORD}\n"
    instance.cli(
        "users", "create", "benchadmin", "--email", "benchadmin@example.org", "--role", "admin",
        input=secret,
    )  # fmt: skip
    with session_scope(instance.env["DATABASE_URL"]) as session:
        ids, _ = _predictions(session, instance, STORED)
        admin = session.query(User).filter_by(username="benchadmin").one()
        for number, prediction_id in enumerate(ids[::3]):
            outcomes.record_outcome(
                session=session,
                user=admin,
                prediction_id=prediction_id,
                diagnosis="M" if number % 2 else "B",
                confirmed_on=date.today(),
            )

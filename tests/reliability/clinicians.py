"""Simulated clinicians: a browser session (login form with its CSRF token, the prediction form,
history, outcomes) or an API integration (bearer token, Idempotency-Key), each recording every
request it makes: what, when, how long, which status.

Both resubmit a prediction that got no answer or a 503 with the *same* idempotency token, as a
browser's resubmit or a careful API client would, so a prediction is acknowledged at most once
and stored at most once.
"""

from __future__ import annotations

import random
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import date
from functools import cache

import requests

from pinkbreast.features import FEATURE_NAMES
from pinkbreast.ml.data import load_reference

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
FORM_TOKEN = re.compile(r'name="token"[^>]*value="([^"]+)"')
RESULT = re.compile(r"/predictions/(\d+)$")
TIMEOUT = (5, 90)  # connect, read (seconds)
RETRY_PAUSE = 0.5  # seconds between resubmissions (Retry-After is 5 s; tests are impatient)
PASSWORD = "reliability test passphrase 2026"  # accounts are made with the production hash


@dataclass(frozen=True)
class Sample:
    """One request: the action, when it started (monotonic), its duration and its answer."""

    who: str
    action: str
    started: float
    seconds: float
    status: int | None  # None: no HTTP answer (connection refused, reset, time-out)
    expected: bool  # the status the action should get when all is well
    content_type: str = ""
    retry_after: str | None = None
    body: str = ""  # kept for answers that were not the expected one


@dataclass
class Ledger:
    """Everything the clients saw, shared by their threads."""

    samples: list[Sample] = field(default_factory=list)
    acknowledged: dict[int, tuple[str, str]] = field(default_factory=dict)  # id -> (user, ref)
    outcomes: list[int] = field(default_factory=list)  # prediction ids with an outcome
    unanswered: list[tuple[str, str]] = field(default_factory=list)  # (user, ref) given up on
    anomalies: list[str] = field(default_factory=list)  # an id acknowledged twice, a crash
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, sample: Sample) -> None:
        with self.lock:
            self.samples.append(sample)


@cache
def cases() -> list[dict[str, float]]:
    """The 569 WDBC cases' measurements: what the simulated clinicians submit."""
    frame = load_reference()
    return [{name: float(row[name]) for name in FEATURE_NAMES} for _, row in frame.iterrows()]


class Client:
    def __init__(self, base: str, username: str, ledger: Ledger, seed: int):
        self.base, self.username, self.ledger = base, username, ledger
        self.http = requests.Session()
        self.random = random.Random(seed)
        self.mine: list[int] = []  # acknowledged predictions without an outcome yet
        self.count = 0

    def call(self, action: str, method: str, path: str, expect: int | tuple[int, ...], **kwargs):
        started = time.monotonic()
        try:
            response = self.http.request(
                method, self.base + path, timeout=TIMEOUT, allow_redirects=False, **kwargs
            )
        except requests.RequestException:
            self._record(action, started, None, expect)
            return None
        self._record(action, started, response, expect)
        return response

    def settle_outcome(self, prediction_id: int, response, stored: int) -> None:
        """Count an outcome the server answered ``stored`` to; else keep the case to retry."""
        if response is not None and response.status_code == stored:
            with self.ledger.lock:
                self.ledger.outcomes.append(prediction_id)
        else:
            self.mine.append(prediction_id)

    def _record(self, action: str, started: float, response, expect) -> None:
        seconds = time.monotonic() - started
        status = response.status_code if response is not None else None
        expected = status in (expect if isinstance(expect, tuple) else (expect,))
        self.ledger.add(
            Sample(
                self.username,
                action,
                started,
                seconds,
                status,
                expected,
                response.headers.get("Content-Type", "") if response is not None else "",
                response.headers.get("Retry-After") if response is not None else None,
                "" if expected or response is None else response.text[:4000],
            )
        )

    def next_ref(self) -> str:
        self.count += 1
        return f"{self.username}-{self.count:04d}"

    def run(self, deadline: float, think: tuple[float, float]) -> None:
        """Act until ``deadline`` (monotonic), pausing ``think`` seconds (uniform) in between."""
        try:
            while time.monotonic() < deadline:
                self.step(deadline)
                time.sleep(self.random.uniform(*think))
        except Exception as exc:  # a page without its form, say: reported, and the test fails
            with self.ledger.lock:
                self.ledger.anomalies.append(f"{self.username} stopped: {exc!r}")

    def step(self, deadline: float) -> None:
        roll = self.random.random()
        if roll < 0.2 and self.mine:
            self.record_outcome(self.mine.pop(self.random.randrange(len(self.mine))))
        elif roll < 0.5:
            self.history()
        else:
            self.predict(deadline)

    def acknowledge(self, prediction_id: int, ref: str) -> None:
        with self.ledger.lock:
            if prediction_id in self.ledger.acknowledged:
                self.ledger.anomalies.append(f"prediction {prediction_id} acknowledged twice")
            self.ledger.acknowledged[prediction_id] = (self.username, ref)
        self.mine.append(prediction_id)

    def resubmit(self, deadline: float, send) -> object | None:
        """Send until answered with something other than a 503, or until ``deadline``."""
        while True:
            response = send()
            if response is not None and response.status_code != 503:
                return response
            if time.monotonic() >= deadline:
                return None
            time.sleep(RETRY_PAUSE)


class Browser(Client):
    """A clinician in a browser: every form carries its CSRF token."""

    signed_in = False
    ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"  # as Chromium

    def __init__(self, base: str, username: str, ledger: Ledger, seed: int):
        super().__init__(base, username, ledger, seed)
        self.http.headers["Accept"] = self.ACCEPT

    def step(self, deadline: float) -> None:
        if not self.signed_in:
            self.login()
        else:
            super().step(deadline)

    def login(self) -> None:
        page = self.call("login page", "GET", "/login", 200)
        if page is None or page.status_code != 200:
            return
        form = {"csrf_token": CSRF.search(page.text).group(1), "username": self.username}
        response = self.call("login", "POST", "/login", 302, data={**form, "password": PASSWORD})
        self.signed_in = response is not None and response.status_code == 302

    def predict(self, deadline: float) -> None:
        page = self.call("form", "GET", "/predict", 200)
        if page is None or page.status_code != 200:
            return
        ref = self.next_ref()
        values = self.random.choice(cases())
        data = {name: repr(value) for name, value in values.items()}
        data.update(
            csrf_token=CSRF.search(page.text).group(1),
            token=FORM_TOKEN.search(page.text).group(1),  # the form's idempotency token
            sample_ref=ref,
        )
        answer = self.resubmit(
            deadline, lambda: self.call("predict", "POST", "/predict", 303, data=data)
        )
        location = answer.headers.get("Location", "") if answer is not None else ""
        if not (found := RESULT.search(location)):
            with self.ledger.lock:
                self.ledger.unanswered.append((self.username, ref))
            return
        self.acknowledge(int(found.group(1)), ref)
        self.call("result", "GET", location.removeprefix(self.base), 200)

    def history(self) -> None:
        self.call("history", "GET", "/predictions", 200)

    def record_outcome(self, prediction_id: int) -> None:
        page = self.call("result", "GET", f"/predictions/{prediction_id}", 200)
        if page is None or page.status_code != 200:
            self.mine.append(prediction_id)
            return
        data = {
            "csrf_token": CSRF.search(page.text).group(1),
            "diagnosis": self.random.choice("MB"),
            "confirmed_on": date.today().isoformat(),
        }
        path = f"/predictions/{prediction_id}/outcome"
        response = self.call("outcome", "POST", path, 303, data=data)
        self.settle_outcome(prediction_id, response, 303)


class ApiUser(Client):
    """An integration (a lab system) using the JSON API with its bearer token."""

    def __init__(self, base: str, username: str, token: str, ledger: Ledger, seed: int):
        super().__init__(base, username, ledger, seed)
        self.http.headers["Authorization"] = f"Bearer {token}"

    def predict(self, deadline: float) -> None:
        ref = self.next_ref()
        body = {"samples": [{"sample_ref": ref, "measurements": self.random.choice(cases())}]}
        headers = {"Idempotency-Key": uuid.uuid4().hex}

        # 200 answers a resubmission whose first try was stored although its answer was lost
        # or was a 503 (the database went away while acknowledging the COMMIT): the stored
        # prediction, not a second one. That is what the idempotency key is for.
        def send():
            return self.call(
                "api predict", "POST", "/api/v1/predictions", (201, 200), json=body,
                headers=headers,
            )  # fmt: skip

        answer = self.resubmit(deadline, send)
        if answer is None or answer.status_code not in (200, 201):  # 200: a replay
            with self.ledger.lock:
                self.ledger.unanswered.append((self.username, ref))
            return
        self.acknowledge(answer.json()["predictions"][0]["id"], ref)

    def history(self) -> None:
        self.call("api history", "GET", "/api/v1/predictions", 200)

    def record_outcome(self, prediction_id: int) -> None:
        outcome = {"diagnosis": self.random.choice("MB"), "confirmed_on": date.today().isoformat()}
        path = f"/api/v1/predictions/{prediction_id}/outcome"
        response = self.call("api outcome", "PUT", path, 200, json=outcome)
        self.settle_outcome(prediction_id, response, 200)


def run_all(clients: list[Client], seconds: float, think: tuple[float, float]) -> float:
    """Run every client in its own thread for ``seconds``; the wall time until all stopped."""
    started = time.monotonic()
    deadline = started + seconds
    threads = [threading.Thread(target=c.run, args=(deadline, think)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 300)
    assert not any(thread.is_alive() for thread in threads), "a client never stopped"
    return time.monotonic() - started


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (``share`` in 0..1) of a non-empty list."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))]


def summary(samples: list[Sample], seconds: float) -> dict:
    """Per action: count, p50/p99/max latency (ms), and the throughput over ``seconds``."""
    actions: dict[str, list[float]] = {}
    for sample in samples:
        actions.setdefault(sample.action, []).append(sample.seconds * 1000)
    return {
        "requests": len(samples),
        "seconds": round(seconds, 1),
        "requests_per_second": round(len(samples) / seconds, 1),
        "actions": {
            action: {
                "count": len(times),
                "p50_ms": round(percentile(times, 0.50)),
                "p99_ms": round(percentile(times, 0.99)),
                "max_ms": round(max(times)),
            }
            for action, times in sorted(actions.items())
        },
    }


def warm_up(base: str, token: str, workers: int) -> list[float]:
    """Predictions through the API, ``workers`` at a time, until no worker is cold any more.

    A worker loads the champion on its first /readyz, but builds the explainer on its first
    explained prediction (tens of seconds on this machine): that cold start is measured here,
    and reported, rather than mixed into the steady-state figures. Returns each round's slowest.
    """
    rounds: list[float] = []
    while len(rounds) < 4 and (not rounds or rounds[-1] >= 5):
        answers = concurrent_predictions(base, token, workers)
        assert all(status == 201 for status, _ in answers), answers
        rounds.append(max(seconds for _, seconds in answers))
    return rounds


def concurrent_predictions(base: str, token: str, count: int) -> list[tuple[int, float]]:
    answers: list[tuple[int, float]] = []
    sample = {"sample_ref": "WARM-UP", "measurements": cases()[0]}

    def predict() -> None:
        started = time.monotonic()
        response = requests.post(
            f"{base}/api/v1/predictions",
            json={"samples": [sample]},
            headers={"Authorization": f"Bearer {token}"},
            timeout=120,
        )
        answers.append((response.status_code, time.monotonic() - started))

    threads = [threading.Thread(target=predict) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers

"""Prometheus ``/metrics``: request counts and latencies, plus figures read from the database.

Under gunicorn, counters and histograms use prometheus_client's multiprocess mode
(``PROMETHEUS_MULTIPROC_DIR``, set by ``pinkbreast serve``) so every worker's requests are
counted. Clinical figures (predictions by zone and model version, windowed recall, open alerts,
drift flags) are read from the database at scrape time, so they always equal what it says,
whichever worker answers. The endpoint is not public: a bearer token
(``PINKBREAST_METRICS_TOKEN``) or a client address in ``PINKBREAST_METRICS_ALLOW``.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import time
from typing import NamedTuple

from flask import Blueprint, Flask, Response, abort, current_app, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
    values,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import REGISTRY

from pinkbreast.db.session import session_factory
from pinkbreast.services.monitoring import volume
from pinkbreast.services.monitoring.alerts import open_alert
from pinkbreast.services.monitoring.performance import performance
from pinkbreast.web.access import public


class _Instruments(NamedTuple):
    requests: Counter
    latency: Histogram


_INSTRUMENTS: list[_Instruments] = []  # made once per process (see _instruments)


def _instruments() -> _Instruments:
    """The request counter and histogram, made once per process.

    They are made on first use, not at import: prometheus_client picks its storage when a
    metric is created, and a library imported earlier (gunicorn imports prometheus_client in
    the master) may have loaded it before ``PROMETHEUS_MULTIPROC_DIR`` was set.
    """
    if not _INSTRUMENTS:
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            values.ValueClass = values.get_value_class()
        requests = Counter(
            "pinkbreast_http_requests_total", "HTTP requests", ["endpoint", "method", "status"]
        )
        latency = Histogram(
            "pinkbreast_http_request_duration_seconds",
            "HTTP request latency",
            ["endpoint"],
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
        )
        _INSTRUMENTS.append(_Instruments(requests, latency))
    return _INSTRUMENTS[0]


class DatabaseCollector:
    """Gauges computed from the database at each scrape."""

    def __init__(self, app: Flask):
        self.app = app

    def collect(self):
        settings = self.app.config["PINKBREAST_SETTINGS"]
        session = session_factory(settings.database_url)()
        try:
            yield from self._predictions(session)
            yield from self._performance(session, settings.monitoring)
            yield from self._drift(session, settings.monitoring)
        finally:
            session.close()

    @staticmethod
    def _predictions(session):
        family = GaugeMetricFamily(
            "pinkbreast_predictions", "Stored predictions", labels=["zone", "model_version"]
        )
        for (zone, version), count in volume.zone_counts(session).items():
            family.add_metric([zone, version], count)
        yield family

    @staticmethod
    def _performance(session, monitoring):
        perf = performance(session, monitoring.window)["all"]
        for name, value, text in (
            ("recall", perf.recall, "Windowed recall (sensitivity) on confirmed decided cases"),
            ("specificity", perf.specificity, "Windowed specificity on confirmed decided cases"),
        ):
            family = GaugeMetricFamily(f"pinkbreast_confirmed_{name}", text)
            family.add_metric([], float("nan") if value is None else value)
            yield family
        confirmed = GaugeMetricFamily(
            "pinkbreast_confirmed_malignant", "Confirmed malignant decided cases in the window"
        )
        confirmed.add_metric([], perf.malignant)
        yield confirmed
        alerts = GaugeMetricFamily("pinkbreast_open_alerts", "Open monitoring alerts")
        alerts.add_metric([], 1 if open_alert(session) else 0)
        yield alerts

    @staticmethod
    def _drift(session, monitoring):
        from pinkbreast.services.monitoring.drift import drift_report  # pandas: at first scrape

        _, features = drift_report(session=session, settings=monitoring.drift)
        family = GaugeMetricFamily("pinkbreast_drift_flagged_features", "Features flagged")
        family.add_metric([], sum(f.flagged for f in features))
        yield family


def register(app: Flask) -> None:
    _instruments()
    app.before_request(_start_timer)
    app.after_request(_record)
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = _ProcessRegistry(REGISTRY)
    registry.register(DatabaseCollector(app))
    app.extensions["pinkbreast.metrics"] = registry


class _ProcessRegistry(CollectorRegistry):
    """The default registry plus our collectors, without touching the global one."""

    def __init__(self, base: CollectorRegistry):
        super().__init__()
        self.base = base

    def collect(self):
        yield from self.base.collect()
        yield from super().collect()


def _start_timer() -> None:
    g.metrics_started = time.perf_counter()


def _record(response: Response) -> Response:
    endpoint = request.endpoint or "unmatched"
    if endpoint != "metrics.scrape" and "metrics_started" in g:
        instruments = _instruments()
        instruments.latency.labels(endpoint).observe(time.perf_counter() - g.metrics_started)
        instruments.requests.labels(endpoint, request.method, str(response.status_code)).inc()
    return response


def allowed(settings) -> bool:
    token = settings.metrics_token
    header = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(header.encode(), f"Bearer {token}".encode()):
        return True
    address = request.remote_addr or ""
    try:
        client = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(client in ipaddress.ip_network(net, strict=False) for net in settings.metrics_allow)


bp = Blueprint("metrics", __name__)


@bp.get("/metrics")
@public  # not public in fact: a bearer token or an allowed address (``allowed``)
def scrape() -> Response:
    """The Prometheus exposition of this process (or of every worker, in multiprocess mode)."""
    settings = current_app.config["PINKBREAST_SETTINGS"]
    if not allowed(settings):
        abort(403)
    body = generate_latest(current_app.extensions["pinkbreast.metrics"])
    return Response(body, mimetype=CONTENT_TYPE_LATEST)

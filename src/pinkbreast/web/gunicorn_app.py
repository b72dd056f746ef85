"""Gunicorn settings shared by ``pinkbreast serve`` and ``deploy/gunicorn.conf.py``.

``options()`` is the one place the production server settings are decided; ``run()`` starts
gunicorn from Python with them (``pinkbreast serve``), and ``deploy/gunicorn.conf.py`` hands the
same dictionary to the ``gunicorn`` command.
"""

from __future__ import annotations

import gc
import os
import shutil
from collections.abc import Mapping
from pathlib import Path

from gunicorn.app.base import BaseApplication
from gunicorn.config import KNOWN_SETTINGS
from gunicorn.glogging import Logger

# Method, path without the query string, protocol: no clinical value, token or search term from a
# query string reaches the logs, and the Referer (a URL with its own query string) is left out.
ACCESS_LOG_FORMAT = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms pid=%(p)s'
MAX_DEFAULT_WORKERS = 8  # each worker holds its own copy of the champion model (docs/deploy-*.md)
# gunicorn >= 26 opens a control socket in $XDG_RUNTIME_DIR or ~/.gunicorn by default: one path
# per user, so two servers of one user collide, and a container's home may not be writable.
_CONTROL_SOCKET = any(setting.name == "control_socket_disable" for setting in KNOWN_SETTINGS)


class AccessLogger(Logger):
    """gunicorn's logger, building only the atoms of :data:`ACCESS_LOG_FORMAT`.

    gunicorn's own ``atoms`` makes an entry for every request header, response header and
    environ variable of every request (about 60, each then escaped), for a line that uses 9 of
    them: measured, 7% of a worker's CPU per stored API prediction (cProfile inside gunicorn).
    The line is the same (a test compares it with gunicorn's); with another format, set
    through ``GUNICORN_CMD_ARGS``, gunicorn's own atoms are used.
    """

    def atoms(self, resp, req, environ, request_time) -> dict:
        if self.cfg.access_log_format != ACCESS_LOG_FORMAT:
            return super().atoms(resp, req, environ, request_time)
        status = resp.status
        if isinstance(status, str):
            status = status.split(None, 1)[0]
        sent = getattr(resp, "sent", None)
        return {
            "h": environ.get("REMOTE_ADDR", "-"),
            "t": self.now(),
            "m": environ.get("REQUEST_METHOD"),
            "U": environ.get("PATH_INFO"),
            "H": environ.get("SERVER_PROTOCOL"),
            "s": status,
            "b": sent is not None and str(sent) or "-",
            "M": (request_time.seconds * 1000) + int(request_time.microseconds / 1000),
            "p": f"<{os.getpid()}>",
        }


def _child_exit(_server, worker) -> None:
    """Drop a dead worker's live gauges from the shared Prometheus files."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def _warm(worker) -> None:
    """Load the champion, its model card and the libraries they need before the worker takes
    requests, so that no clinician or administrator waits for them on a first page
    (benchmarks/README.md, "Monitoring page"). A failure is only logged: the pages say
    themselves when no model can be loaded."""
    import logging

    from pinkbreast.services import scoring

    app = worker.wsgi
    try:
        with app.app_context():
            settings = app.config["PINKBREAST_SETTINGS"]
            for lang in ("en", "fr"):
                scoring.model_summary(tracking_uri=settings.mlflow_tracking_uri, lang=lang)
    except Exception:  # noqa: BLE001 - never keep a worker from serving
        logging.getLogger(__name__).warning("worker %s: champion not preloaded", worker.pid)
    _settle_heap()


def _settle_heap() -> None:
    """Collect the start-up garbage, then leave what is left (the app, its libraries, the
    champion) out of later garbage collections.

    A request that builds many objects (a 1,000-row batch: dicts, lists and response items)
    sets off full collections, and each one walked every object the worker had held since its
    start, at every such request (benchmarks/serving.md). Frozen objects are
    still freed when nothing refers to them; only a reference cycle among them (a champion
    replaced after a promotion, say) is kept until the worker ends.
    """
    gc.collect()
    gc.freeze()


def default_workers(environ: Mapping[str, str] = os.environ) -> int:
    """``WEB_CONCURRENCY`` if set, else 2 × usable CPUs + 1, at most ``MAX_DEFAULT_WORKERS``."""
    raw = environ.get("WEB_CONCURRENCY", "").strip()
    if raw:
        return int(raw)
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return min(2 * (cpus or 1) + 1, MAX_DEFAULT_WORKERS)


def options(*, bind: str, workers: int) -> dict:
    """The gunicorn settings for serving Pink Breast (see docs/deploy-linux.md)."""
    return {
        "bind": bind,
        "workers": workers,
        "worker_class": "sync",
        "timeout": 60,  # a worker silent this long is killed and replaced
        "graceful_timeout": 30,  # on SIGTERM, requests in flight get this long to finish
        "keepalive": 5,  # sync workers close after each response; used if switched to gthread
        "preload_app": False,  # measured: docs/deploy-linux.md, "Workers and memory"
        "max_requests": 0,
        "accesslog": "-",
        "errorlog": "-",
        "access_log_format": ACCESS_LOG_FORMAT,
        "logger_class": AccessLogger,
        "child_exit": _child_exit,
        "post_worker_init": _warm,
    } | ({"control_socket_disable": True} if _CONTROL_SOCKET else {})


class _Application(BaseApplication):
    def __init__(self, options: dict):
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from pinkbreast.web import create_app, logs

        logs.configure()
        return create_app()


def prepare_metrics_dir(instance: Path) -> None:
    """A fresh folder for prometheus_client's multiprocess files (one per server start).

    A ``PROMETHEUS_MULTIPROC_DIR`` set by the operator is used as given (created if missing);
    otherwise ``<instance>/prometheus`` is emptied and used.
    """
    given = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if given:
        Path(given).mkdir(parents=True, exist_ok=True)
        return
    folder = instance / "prometheus"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(folder)


def run(*, host: str, port: int, workers: int, instance: Path) -> None:
    prepare_metrics_dir(instance)
    _Application(options(bind=f"{host}:{port}", workers=workers)).run()

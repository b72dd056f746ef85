"""Production gunicorn settings: ``gunicorn -c deploy/gunicorn.conf.py pinkbreast.wsgi:app``.

The settings themselves live in ``pinkbreast.web.gunicorn_app.options()``, shared with
``pinkbreast serve``, so both servers behave the same. Environment:

* ``PINKBREAST_HOST`` / ``PINKBREAST_PORT`` (default ``127.0.0.1:8000``; ``0.0.0.0`` in a
  container or on Azure App Service);
* ``WEB_CONCURRENCY``: number of workers (default 2 x usable CPUs + 1, at most 8; each worker
  loads its own copy of the champion model on its first ``/readyz`` or prediction);
* ``PROMETHEUS_MULTIPROC_DIR``: folder for the workers' shared metric files (default
  ``<instance>/prometheus``, emptied at each start);
* ``FORWARDED_ALLOW_IPS``: read by gunicorn itself (default ``127.0.0.1,::1``). It only decides
  whether gunicorn believes ``X-Forwarded-Proto`` from the peer; client addresses and the
  scheme the app sees are decided by ``PINKBREAST_TRUST_PROXY`` (werkzeug's ProxyFix). Behind
  a proxy on another host (Azure's front ends, a load balancer), set it to that proxy's
  address or network, never ``*`` when clients can reach gunicorn directly.

Any gunicorn setting can still be overridden with ``GUNICORN_CMD_ARGS``.
"""

import os
from pathlib import Path

from pinkbreast.web.gunicorn_app import default_workers, options, prepare_metrics_dir

_host = os.environ.get("PINKBREAST_HOST", "127.0.0.1")
_port = os.environ.get("PINKBREAST_PORT", "8000")

globals().update(options(bind=f"{_host}:{_port}", workers=default_workers()))


def on_starting(_server) -> None:
    """Before any worker exists: a fresh Prometheus multiprocess folder the workers inherit."""
    prepare_metrics_dir(Path(os.environ.get("PINKBREAST_INSTANCE", "instance")).resolve())

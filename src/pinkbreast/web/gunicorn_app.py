"""Run the app under gunicorn from Python (``pinkbreast serve``)."""

from __future__ import annotations

from gunicorn.app.base import BaseApplication


class _Application(BaseApplication):
    def __init__(self, options: dict):
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from pinkbreast.web import create_app

        return create_app()


def run(*, host: str, port: int, workers: int) -> None:
    _Application(
        {
            "bind": f"{host}:{port}",
            "workers": workers,
            "accesslog": "-",
            "graceful_timeout": 30,
            "timeout": 60,
        }
    ).run()

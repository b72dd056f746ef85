"""``.env.example`` lists every environment variable the code reads (README: "every setting")."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NAME = re.compile(r"[A-Z][A-Z0-9]*(_[A-Z0-9]+)+")
# Read, but not settings of this application: the platform's.
NOT_SETTINGS = {"JAVA_HOME"}  # where Spark finds Java (spark/session.py)
# A request's WSGI environ (CGI variables the access log reads, web/gunicorn_app.py), not the
# process's environment.
NOT_SETTINGS |= {"REMOTE_ADDR", "REQUEST_METHOD", "PATH_INFO", "SERVER_PROTOCOL"}


def _environment_like(node: ast.expr) -> bool:
    """``environ``, ``os.environ``, ``env``, ``self.environ``: a mapping of variables."""
    name = node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")
    return name in ("environ", "env", "environment")


def _string(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value if NAME.fullmatch(node.value) else None
    return None


def variables_read(tree: ast.AST) -> set[str]:
    """Names read by ``environ.get("X")``, ``environ["X"]``, ``os.getenv("X")``,
    ``helper(environ, "X", ...)`` and click's ``envvar="X"`` (``setdefault`` writes: not read)."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript) and _environment_like(node.value):
            found.add(_string(node.slice))
        elif isinstance(node, ast.Call):
            function = node.func
            if isinstance(function, ast.Attribute) and function.attr in ("get", "getenv"):
                if _environment_like(function.value) or function.attr == "getenv":
                    found.add(_string(node.args[0]) if node.args else None)
            if len(node.args) >= 2 and _environment_like(node.args[0]):
                found.add(_string(node.args[1]))
            found.update(_string(k.value) for k in node.keywords if k.arg == "envvar")
    return found - {None}


def _documented() -> set[str]:
    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    return set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", text, flags=re.MULTILINE))


def test_every_variable_the_code_reads_is_in_env_example():
    read = {
        name: path.relative_to(ROOT / "src").as_posix()
        for path in sorted((ROOT / "src").rglob("*.py"))
        for name in variables_read(ast.parse(path.read_text(encoding="utf-8")))
    }
    missing = {name: where for name, where in read.items() if name not in _documented()}
    assert {name: where for name, where in missing.items() if name not in NOT_SETTINGS} == {}


def test_the_scan_finds_each_way_of_reading_a_variable():
    source = """
import os
a = os.environ.get("ONE_A")
b = environ["TWO_B"]
c = os.getenv("THREE_C")
d = number(environ, "FOUR_D", 1, 0, 9, int)
@click.option("--x", envvar="FIVE_E")
def f(): ...
os.environ.setdefault("NOT_READ", "1")
"""
    assert variables_read(ast.parse(source)) == {"ONE_A", "TWO_B", "THREE_C", "FOUR_D", "FIVE_E"}


def test_env_example_names_the_monitoring_and_alert_variables():
    named = {"RECALL_ALERT_THRESHOLD", "MONITOR_WINDOW_DAYS", "DRIFT_KS_ALPHA", "SMTP_HOST"}
    named |= {"ALERT_EMAILS", "ALERT_WEBHOOK_URL", "OTEL_TRACES_EXPORTER"}
    assert named <= _documented()

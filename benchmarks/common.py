"""What every benchmark shares: the run's context, result files, child processes, HTTP polling."""

from __future__ import annotations

import contextlib
import json
import os
import platform
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
BIN = Path(sys.executable).parent
PACKAGES = (
    "pinkbreast", "scikit-learn", "numpy", "lightgbm", "mlflow", "onnxruntime", "skl2onnx",
    "flask", "gunicorn", "sqlalchemy", "pymysql",
)  # fmt: skip


def machine() -> dict:
    """Machine, versions and date: stored with every result."""
    cpu = next(
        (line.split(":", 1)[1].strip() for line in _lines("/proc/cpuinfo") if "model name" in line),
        platform.processor(),
    )
    memory = next((line.split()[1] for line in _lines("/proc/meminfo") if "MemTotal" in line), "0")
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": commit,
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "memory_gib": round(int(memory) / 2**20, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "versions": {name: _version(name) for name in PACKAGES},
        "load_average_at_start": os.getloadavg()[0],
    }


def _lines(path: str) -> list[str]:
    try:
        return Path(path).read_text().splitlines()
    except OSError:
        return []


def _version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def write_result(name: str, data: dict) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps({"machine": machine(), **data}, indent=2) + "\n")
    return path


def say(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _descendants(pid: int) -> list[int]:
    """Every live process below ``pid`` (servers that start their own sessions included)."""
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        children = parents.get(todo.pop(), [])
        found += children
        todo += children
    return found


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@contextmanager
def process(command: list[str], *, env: dict, log: Path):
    """A child process and all its descendants, stopped (SIGTERM, then SIGKILL) on exit."""
    with log.open("a") as output:
        child = subprocess.Popen(
            command, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            yield child
        finally:
            family = [child.pid, *_descendants(child.pid)]
            for sig in (signal.SIGTERM, signal.SIGKILL):
                for pid in family:
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, sig)
                deadline = time.monotonic() + 30
                while time.monotonic() < deadline and any(map(_alive, family)):
                    child.poll()  # reap the direct child
                    time.sleep(0.05)
                if not any(map(_alive, family)):
                    break
            child.wait()


def post(url: str, body: bytes, headers: dict, timeout: float = 30) -> tuple[int, bytes]:
    request = urllib.request.Request(url, body, {"Content-Type": "application/json", **headers})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0, b""


def first_answer(url: str, body: bytes, headers: dict, child, *, deadline: float = 180) -> float:
    """Seconds from now until ``url`` answers 2xx to ``body`` (polling every 20 ms)."""
    start = time.perf_counter()
    while time.perf_counter() - start < deadline:
        if child.poll() is not None:
            raise RuntimeError(f"server exited with {child.returncode} before answering")
        status, _ = post(url, body, headers, timeout=60)
        if 200 <= status < 300:
            return time.perf_counter() - start
        time.sleep(0.02)
    raise RuntimeError(f"no answer from {url} within {deadline} s")

"""Closed-loop HTTP load with wrk (Debian package ``wrk``), one JSON line of results per run."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

SCRIPT = """
local body = io.open(os.getenv("BENCH_BODY")):read("*a")
wrk.method = "POST"
wrk.body = body
wrk.headers["Content-Type"] = "application/json"
local token = os.getenv("BENCH_TOKEN")
if token and token ~= "" then wrk.headers["Authorization"] = "Bearer " .. token end
if os.getenv("BENCH_CLOSE") == "1" then wrk.headers["Connection"] = "close" end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests":%d,"duration_us":%d,"connect_errors":%d,"read_errors":%d,' ..
    '"write_errors":%d,"non_2xx":%d,"timeouts":%d,"p50_ms":%.3f,"p90_ms":%.3f,' ..
    '"p99_ms":%.3f,"mean_ms":%.3f,"max_ms":%.3f}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.mean / 1000, latency.max / 1000))
end
"""


def require_wrk() -> str:
    path = shutil.which("wrk")
    if path is None:
        raise SystemExit("make bench needs wrk: apt-get install wrk (Debian package)")
    return path


def run(
    url: str, body: bytes, *, token: str | None, connections: int, seconds: int, close=False
) -> dict:
    """``connections`` keep-alive clients posting ``body`` to ``url`` for ``seconds``; with
    ``close``, each request asks for its connection to be closed (a new one per request)."""
    with tempfile.TemporaryDirectory() as folder:
        script, payload = Path(folder, "post.lua"), Path(folder, "body.json")
        script.write_text(SCRIPT)
        payload.write_bytes(body)
        threads = min(connections, 2)
        completed = subprocess.run(
            [require_wrk(), f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout",
             "30s", "-s", str(script), url],
            env={"BENCH_BODY": str(payload), "BENCH_TOKEN": token or "", "PATH": "/usr/bin",
                 "BENCH_CLOSE": "1" if close else "0"},
            capture_output=True, text=True, check=True,
        )  # fmt: skip
    line = next(x for x in completed.stdout.splitlines() if x.startswith("RESULT "))
    result = json.loads(line.removeprefix("RESULT "))
    result["requests_per_s"] = result["requests"] / (result["duration_us"] / 1e6)
    result["connections"] = connections
    return result

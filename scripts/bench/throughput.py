"""Throughput of one endpoint under gunicorn, driven by wrk in a second process on loopback.

A small Lua script counts every response by status so that anything but 200 is an error
(wrk itself only reports non-2xx/3xx), and prints the counts as one JSON line at the end.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from .report import Row

LUA = r"""
local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end
function init(args)
  ok = 0
  bad = 0
  statuses = {}
end
function response(status, headers, body)
  if status == 200 then ok = ok + 1 else bad = bad + 1 end
  statuses[status] = (statuses[status] or 0) + 1
end
function done(summary, latency, requests)
  local ok_total, bad_total, codes = 0, 0, {}
  for _, thread in ipairs(threads) do
    ok_total = ok_total + thread:get("ok")
    bad_total = bad_total + thread:get("bad")
    for code, count in pairs(thread:get("statuses")) do
      codes[tostring(code)] = (codes[tostring(code)] or 0) + count
    end
  end
  local parts = {}
  for code, count in pairs(codes) do
    table.insert(parts, string.format('"%s": %d', code, count))
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH-JSON {"ok": %d, "bad": %d, "requests": %d, "seconds": %.3f, ' ..
    '"connect": %d, "read": %d, "write": %d, "timeout": %d, "status_errors": %d, ' ..
    '"p50_ms": %.2f, "p90_ms": %.2f, "p95_ms": %.2f, "p99_ms": %.2f, "max_ms": %.2f, ' ..
    '"statuses": {%s}}\n',
    ok_total, bad_total, summary.requests, summary.duration / 1e6,
    e.connect, e.read, e.write, e.timeout, e.status,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    table.concat(parts, ", ")))
end
"""


def wrk_path() -> str | None:
    return shutil.which("wrk")


def ensure_wrk() -> str | None:
    """wrk, installed with apt-get when missing and running as root; None otherwise."""
    found = wrk_path()
    if found:
        return found
    import os

    if os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=False)  # nosec B603 B607: fixed argument list built by the benchmark, no shell, no user input; tool found on PATH (wrk, PostgreSQL client) on purpose
        return wrk_path()
    return None


ROTATE = r"""
local paths = {%s}
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format(nil, paths[((counter * %d + id) %% #paths) + 1])
end
"""


def run_wrk(
    url: str,
    *,
    token: str,
    seconds: int,
    connections: int,
    threads: int = 2,
    paths: list[str] | None = None,
) -> tuple[dict, str]:
    """wrk against `url`, or cycling through `paths` on its host (each thread its own
    share of them)."""
    wrk = ensure_wrk()
    if wrk is None:
        raise FileNotFoundError("wrk")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(LUA)
        if paths:
            quoted = ", ".join('"' + p.replace('"', "") + '"' for p in paths)
            handle.write(ROTATE % (quoted, threads))
        script = handle.name
    command = [
        wrk,
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--latency",
        "--timeout",
        "10s",
        "-s",
        script,
        "-H",
        f"Authorization: Token {token}",
        url,
    ]
    try:
        out = subprocess.run(  # nosec B603: fixed argument list built by the benchmark, no shell, no user input
            command, capture_output=True, text=True, timeout=seconds + 60, check=False
        )
    finally:
        Path(script).unlink(missing_ok=True)
    match = re.search(r"BENCH-JSON (\{.*\})", out.stdout)
    if not match:
        raise RuntimeError(f"wrk gave no result: {out.stdout[-500:]} {out.stderr[-500:]}")
    return json.loads(match.group(1)), out.stdout


def throughput_rows(
    port: int,
    path: str,
    *,
    token: str,
    seconds: int,
    connections: int,
    workers: int,
    paths: list[str] | None = None,
) -> tuple[list[Row], str]:
    """Two runs: `path` again and again, then (with `paths`) a different scope per request."""
    rows, outputs = [], []
    runs = [("one URL", None)]
    if paths:
        runs.append((f"{len(paths):,} scopes in turn", paths))
    for label, rotate in runs:
        try:
            result, output = run_wrk(
                f"http://127.0.0.1:{port}{path}",
                token=token,
                seconds=seconds,
                connections=connections,
                paths=rotate,
            )
        except FileNotFoundError:
            note = "wrk not found: install it with `apt-get install -y wrk` (run as root)"
            return [Row("API statistics/progress throughput", "req/s", note=note)], note
        outputs.append(f"{label}:\n{output.strip()}")
        rows += _rows(label, result, seconds, connections, workers)
    return rows, "\n\n".join(outputs)


def _rows(label: str, result: dict, seconds: int, connections: int, workers: int) -> list[Row]:
    socket_errors = result["connect"] + result["read"] + result["write"] + result["timeout"]
    errors = result["bad"] + socket_errors
    rate = result["ok"] / result["seconds"] if result["seconds"] else 0.0
    note = (
        f"wrk {seconds} s, {connections} connections, 2 threads; gunicorn {workers} sync "
        f"workers; {result['requests']:,} responses, statuses {result['statuses']}, "
        f"socket errors {socket_errors} (connect {result['connect']}, read {result['read']}, "
        f"write {result['write']}, timeout {result['timeout']}); latency under load p50 "
        f"{result['p50_ms']:.0f} ms, p99 {result['p99_ms']:.0f} ms, max {result['max_ms']:.0f} ms"
    )
    return [
        Row(
            f"API statistics/progress throughput, {label} (200/s)",
            "req/s",
            p50=rate,
            n=result["requests"],
            target=400,
            bound="min",
            value=rate,
            errors=errors,
            note=note,
        ),
        Row(
            "  … latency under that load",
            "ms",
            p50=result["p50_ms"],
            p95=result["p95_ms"],
            n=result["requests"],
            note="wrk's own latency distribution",
        ),
    ]

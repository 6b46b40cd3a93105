"""Where the time goes: SQL queries per request (count, time, the slowest) and a cProfile of
each page rendered in this process, and py-spy samples of live gunicorn or Celery processes
when py-spy is installed (BENCH_PYSPY, or py-spy on PATH)."""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import re
import shutil
import subprocess
import time
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext

from renovation.models import User

ROOT = Path(__file__).resolve().parents[2]


def client_for(user: User | None, token: str | None = None) -> Client:
    """A test client with a session made through Django's session engine (no login view,
    so no lockout bookkeeping), or with the API token header."""
    if token:
        return Client(HTTP_AUTHORIZATION=f"Token {token}", HTTP_HOST="127.0.0.1")
    from importlib import import_module

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    client = Client(HTTP_HOST="127.0.0.1")
    client.cookies[settings.SESSION_COOKIE_NAME] = store.session_key
    return client


def page_profile(client: Client, path: str, *, top: int = 12) -> dict:
    """One warm-up request, then one measured with its queries captured and one profiled."""
    client.get(path)
    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        start = time.perf_counter()
        response = client.get(path)
        seconds = time.perf_counter() - start
    queries = [(float(q["time"]), q["sql"]) for q in captured.captured_queries]
    profiler = cProfile.Profile()
    profiler.enable()
    client.get(path)
    profiler.disable()
    return {
        "path": path,
        "status": response.status_code,
        "seconds": seconds,
        "queries": len(queries),
        "sql_seconds": sum(t for t, _ in queries),
        "slowest": sorted(queries, reverse=True)[:3],
        "functions": profile_lines(profiler, top),
    }


PROJECT = r"/(renovation|programmes|funding|governance|reporting|sampledata)/"


def profile_lines(profiler: cProfile.Profile, top: int) -> list[str]:
    """Project functions by cumulative time, then every function by its own time."""
    lines = ["project functions, by cumulative time:"]
    lines += _stats(profiler, "cumulative", PROJECT, top)
    lines += ["", "all functions, by own time:"]
    lines += _stats(profiler, "tottime", "", top)
    return lines


def _stats(profiler: cProfile.Profile, key: str, pattern: str, top: int) -> list[str]:
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).sort_stats(key)
    if pattern:
        stats.print_stats(pattern, top)
    else:
        stats.print_stats(top)
    text = out.getvalue().splitlines()
    rows = [line for line in text if re.match(r"\s*\d", line)]
    header = next((line for line in text if "ncalls" in line), "")
    return [header, *(_trim(r) for r in rows)] if rows else []


def _trim(line: str) -> str:
    return re.sub(r"\S*site-packages/|\S*/lib/python3\.\d+/", "", line.replace(str(ROOT) + "/", ""))


def format_pages(results: list[dict]) -> str:
    out = []
    for r in results:
        out.append(
            f"### `{r['path']}`\n\nHTTP {r['status']}, {r['seconds'] * 1000:.0f} ms in-process, "
            f"{r['queries']} SQL queries taking {r['sql_seconds'] * 1000:.0f} ms.\n"
        )
        if r["slowest"]:
            out.append("Slowest queries:\n")
            for seconds, sql in r["slowest"]:
                out.append(f"- {seconds * 1000:.0f} ms: `{sql[:300].replace('`', '')}`")
            out.append("")
        if r["functions"]:
            out.append("cProfile (one request):\n\n```")
            out.extend(r["functions"])
            out.append("```\n")
    return "\n".join(out)


# --- py-spy ----------------------------------------------------------------------------------


def pyspy() -> str | None:
    return os.environ.get("BENCH_PYSPY") or shutil.which("py-spy")


def pyspy_start(pid: int, seconds: float, out: Path, *, idle: bool = False):
    tool = pyspy()
    if tool is None:
        return None
    command = [
        tool,
        "record",
        "--pid",
        str(pid),
        "--subprocesses",
        "--duration",
        str(max(1, int(seconds))),
        "--rate",
        "50",
        "--format",
        "raw",
        "--output",
        str(out),
        "--nonblocking",
    ]
    if idle:
        command.append("--idle")
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # nosec B603: fixed argument list built by the benchmark, no shell, no user input


def pyspy_summary(raw: Path, *, top: int = 15, within: str = "") -> str:
    """Top functions by samples where they were running (self) and on the stack (total),
    from py-spy's collapsed stacks; only stacks through `within` when given (e.g. the task,
    leaving out the worker's idle processes)."""
    if not raw.exists():
        return "(py-spy produced no samples)"
    own, total, samples = Counter(), Counter(), 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or (within and within not in stack):
            continue
        n = int(count)
        samples += n
        frames = [f for f in stack.split(";") if not f.startswith("process ")]
        if frames:
            own[_short(frames[-1])] += n
        for frame in {_short(f) for f in frames}:
            total[frame] += n
    if not samples:
        return "(py-spy produced no samples)"

    def table(counter: Counter, keep) -> list[str]:
        rows = [(f, n) for f, n in counter.most_common() if keep(f)][:top]
        return [f"{n * 100 / samples:5.1f}%  {f}" for f, n in rows]

    project = ("renovation/", "programmes/", "funding/", "governance/")
    scope = f" in {within}" if within else ""
    lines = [f"{samples} samples{scope} (50 per second)", "", "self time (where the CPU was):"]
    lines += table(own, lambda f: True)
    lines += ["", "on the stack, project code only (inclusive):"]
    lines += table(total, lambda f: any(p in f for p in project) and ".venv" not in f)
    return "\n".join(lines)


def _short(frame: str) -> str:
    """`function (path:line)` → `function (relative path)`."""
    name, _, where = frame.partition(" (")
    where = where.rstrip(")")
    path = where.rsplit(":", 1)[0]
    for prefix in (str(ROOT) + "/", "/usr/lib/python3/", "/usr/local/lib/"):
        path = path.replace(prefix, "")
    if "site-packages/" in path:
        path = path.split("site-packages/", 1)[1]
    return f"{name} ({path})"


def refresh_profile(project_id: int) -> str:
    """The incremental refresh after one project changed, in this process: its queries and
    where its Python time goes."""
    from django.db import transaction

    from reporting.rollups.services import mark_dirty, rollup_refresh

    with transaction.atomic():
        mark_dirty(project_ids=[project_id])
    profiler = cProfile.Profile()
    with CaptureQueriesContext(connection) as captured:
        start = time.perf_counter()
        profiler.enable()
        rollup_refresh()
        profiler.disable()
        seconds = time.perf_counter() - start
    queries = sorted(
        ((float(q["time"]), q["sql"]) for q in captured.captured_queries), reverse=True
    )
    functions = profile_lines(profiler, 15)
    lines = [
        f"rollup_refresh() after marking project {project_id}: {seconds * 1000:.0f} ms "
        f"in-process (profiler on), {len(queries)} SQL queries taking "
        f"{sum(t for t, _ in queries) * 1000:.0f} ms.",
        "",
        "Slowest queries:",
        "",
    ]
    lines += [f"- {t * 1000:.0f} ms: `{sql[:300].replace('`', '')}`" for t, sql in queries[:5]]
    lines += ["", "cProfile:", "", "```", *functions, "```"]
    return "\n".join(lines)

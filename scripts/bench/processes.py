"""The servers the benchmark runs (gunicorn, a Celery worker), a memory sampler for a process
tree, and a small HTTP client (standard library only) that keeps cookies."""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import threading
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(os.environ.get("BENCH_VENV_BIN", ROOT / ".venv" / "bin"))
PRODUCTION_CONFIG = ROOT / "docker" / "gunicorn.conf.py"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """A child process in its own process group, stopped with its children."""

    def __init__(self, name: str, command: list[str], env: dict[str, str], log: Path) -> None:
        self.name = name
        self.log = log
        handle = log.open("ab")
        self.process = subprocess.Popen(  # nosec B603: fixed argument list built by the benchmark, no shell, no user input
            command,
            cwd=ROOT,
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self, timeout: float = 20) -> None:
        if not self.alive():
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)
        except ProcessLookupError:
            pass


def start_gunicorn(env: dict[str, str], port: int, workers: int, log: Path) -> Server:
    command = [str(BIN / "gunicorn"), "renovation.wsgi:application"]
    if PRODUCTION_CONFIG.exists():
        # The production settings (worker recycling, timeouts, access log) with our port,
        # worker count and log level.
        command += ["--config", str(PRODUCTION_CONFIG)]
    command += ["--workers", str(workers), "--bind", f"127.0.0.1:{port}", "--log-level", "warning"]
    server = Server("gunicorn", command, env, log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if not server.alive():
            raise SystemExit(f"gunicorn exited at start; see {log}")
        try:
            status, _, _ = Client("127.0.0.1", port).request("GET", "/healthz/")
            if status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.2)
    server.stop()
    raise SystemExit(f"gunicorn did not answer /healthz/ within 60 s; see {log}")


def start_worker(env: dict[str, str], concurrency: int, log: Path) -> Server:
    command = [
        str(BIN / "celery"),
        "-A",
        "renovation",
        "worker",
        "--loglevel",
        "warning",
        "--pool",
        "prefork",
        "--concurrency",
        str(concurrency),
        "--hostname",
        f"bench-{os.getpid()}@%h",
        "--without-gossip",
        "--without-mingle",
    ]
    server = Server("celery", command, env, log)
    # Ready when the pool's children exist (the app is imported before they are forked).
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if not server.alive():
            raise SystemExit(f"the Celery worker exited at start; see {log}")
        if len(descendants(server.pid)) >= concurrency:
            time.sleep(1.0)  # let it connect to the broker
            return server
        time.sleep(0.2)
    server.stop()
    raise SystemExit(f"the Celery worker did not start within 60 s; see {log}")


# --- Memory ----------------------------------------------------------------------------------


def descendants(pid: int) -> list[int]:
    """Every process below `pid` (children of children too)."""
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        try:
            for task in os.listdir(f"/proc/{parent}/task"):
                with open(f"/proc/{parent}/task/{task}/children") as handle:
                    kids = [int(x) for x in handle.read().split()]
                found.extend(kids)
                todo.extend(kids)
        except (FileNotFoundError, ProcessLookupError):
            continue
    return found


def status_kb(pid: int) -> dict[str, int]:
    values = {}
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith(("VmRSS:", "VmHWM:")):
                    name, value = line.split(":", 1)
                    values[name] = int(value.split()[0])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return values


@dataclass
class MemoryPeak:
    process_mb: float = 0.0  # the largest single process (kernel high-water mark, VmHWM)
    tree_mb: float = 0.0  # the largest sum of RSS over the whole tree at one sample
    samples: int = 0
    processes: int = 0
    per_pid: dict[int, float] = field(default_factory=dict)


class MemorySampler:
    """Samples VmRSS of a process and all its descendants every `interval` seconds, and
    reads each process's VmHWM (peak RSS as the kernel saw it, between samples too)."""

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        self.pid, self.interval = pid, interval
        self.peak = MemoryPeak()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)
        self.sample()

    def sample(self) -> None:
        total = 0
        for pid in [self.pid, *descendants(self.pid)]:
            values = status_kb(pid)
            if not values:
                continue
            total += values.get("VmRSS", 0)
            high = max(values.get("VmHWM", 0), values.get("VmRSS", 0)) / 1024
            self.peak.per_pid[pid] = max(self.peak.per_pid.get(pid, 0), high)
        self.peak.samples += 1
        self.peak.tree_mb = max(self.peak.tree_mb, total / 1024)
        self.peak.process_mb = max(self.peak.per_pid.values(), default=0)
        self.peak.processes = len(self.peak.per_pid)


# --- HTTP ------------------------------------------------------------------------------------


class Client:
    """HTTP/1.1 over one connection (reopened when the server closes it), with cookies."""

    def __init__(self, host: str, port: int, headers: dict[str, str] | None = None) -> None:
        self.host, self.port = host, port
        self.headers = dict(headers or {})
        self.cookies: dict[str, str] = {}
        self.connection = http.client.HTTPConnection(host, port, timeout=600)

    def request(
        self, method: str, path: str, data: dict | None = None, headers: dict | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        body = urlencode(data, doseq=True).encode() if data is not None else None
        sent = {**self.headers, **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            try:
                self.connection.request(method, path, body=body, headers=sent)
                response = self.connection.getresponse()
                content = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.connection.close()
                if attempt == 2:
                    raise
        if response.getheader("Connection", "").lower() == "close":
            self.connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                self.cookies[name] = morsel.value
        return response.status, {k.lower(): v for k, v in response.getheaders()}, content

    def timed(self, method: str, path: str, data: dict | None = None):
        start = time.perf_counter()
        status, headers, content = self.request(method, path, data)
        return time.perf_counter() - start, status, headers, content

    def login(self, username: str, password: str) -> None:
        status, _, page = self.request("GET", "/accounts/login/")
        token = csrf_token(page)
        status, _headers, _ = self.request(
            "POST",
            "/accounts/login/",
            {"username": username, "password": password, "csrfmiddlewaretoken": token},
        )
        if status != 302 or "sessionid" not in self.cookies:
            raise SystemExit(f"could not log in as {username!r} (HTTP {status})")


def csrf_token(page: bytes) -> str:
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if not match:
        raise SystemExit("no CSRF token in the page")
    return match.group(1).decode()

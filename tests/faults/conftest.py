"""Fault tests: real web servers (gunicorn), Celery workers, Redis and PostgreSQL servers,
started as subprocesses, then killed or stopped on purpose. Each test then reads the database:
a fault must lose nothing.

They need PostgreSQL (DATABASE_URL: the servers and workers share the test database, whose
data the tests commit) and skip on SQLite; the tests that stop a broker start a private
`redis-server` on a free port (the shared Redis is never stopped), and the database restart
starts a private PostgreSQL cluster. Every subprocess runs in a process group of its own and
is killed by the fixture's finaliser, whatever the test's outcome. A failing wait shows the
end of the logs of what was started.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import glob
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from io import StringIO
from pathlib import Path
from urllib.parse import quote

import pytest
import requests
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from reporting.models import ScopeSnapshot

BASE_DIR = Path(settings.BASE_DIR)
BIN = Path(sys.executable).parent
ON_POSTGRES = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
REDIS_SERVER = shutil.which("redis-server")
PG_BIN = next(iter(sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)), None)
if PG_BIN is None and shutil.which("initdb"):
    PG_BIN = str(Path(shutil.which("initdb")).parent)
# The password every factory-made user gets (tests.factories.UserFactory).
PASSWORD = "pw"

requires_postgres = pytest.mark.skipif(
    not ON_POSTGRES, reason="fault tests need PostgreSQL: set DATABASE_URL (SQLite in use)"
)
requires_redis_server = pytest.mark.skipif(
    REDIS_SERVER is None, reason="needs the redis-server binary (to start a Redis it can stop)"
)
requires_gunicorn = pytest.mark.skipif(
    not (BIN / "gunicorn").exists(), reason=f"needs gunicorn in {BIN}"
)
requires_celery = pytest.mark.skipif(
    not (BIN / "celery").exists(), reason=f"needs the celery command in {BIN}"
)
requires_pg_binaries = pytest.mark.skipif(
    PG_BIN is None
    or not all(Path(PG_BIN, name).exists() for name in ("initdb", "pg_ctl", "pg_dump", "psql")),
    reason="needs the PostgreSQL server binaries (initdb, pg_ctl, pg_dump, psql)",
)


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.faults)


# --- Waiting ---------------------------------------------------------------------------------


def wait_for(
    condition: Callable[[], object],
    *,
    timeout: float = 60.0,
    what: str = "the condition",
    logs: Callable[[], str] | None = None,
) -> object:
    """Poll `condition` until it returns something true; fail with the logs after `timeout`.
    (Only a bound against hanging: no test asserts on how long anything took.)"""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            detail = f"\n--- logs ---\n{logs()}" if logs else ""
            raise AssertionError(f"timed out waiting for {what}{detail}")
        time.sleep(0.1)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


# --- Subprocesses ----------------------------------------------------------------------------


class Processes:
    """Subprocesses of one test, each in its own process group, logged to files."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.started: list[subprocess.Popen] = []

    def start(self, name: str, argv: list[str], *, env: dict[str, str]) -> subprocess.Popen:
        log_path = self.directory / f"{name}.log"
        with open(log_path, "ab") as log:
            process = subprocess.Popen(
                [str(arg) for arg in argv],
                cwd=BASE_DIR,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        process.log_path = log_path  # type: ignore[attr-defined]
        self.started.append(process)
        return process

    @staticmethod
    def signal_group(process: subprocess.Popen, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signum)

    def kill(self, process: subprocess.Popen) -> None:
        """SIGKILL to the whole group: no shutdown handler runs, nothing is acknowledged."""
        self.signal_group(process, signal.SIGKILL)
        process.wait(timeout=30)

    def stop(self, process: subprocess.Popen, timeout: float = 15) -> None:
        """SIGTERM to the group, then SIGKILL if it lingers."""
        if process.poll() is None:
            self.signal_group(process, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=timeout)
        self.kill(process)

    def log(self, process: subprocess.Popen, tail: int = 6000) -> str:
        try:
            text = Path(process.log_path).read_text(errors="replace")  # type: ignore[attr-defined]
        except FileNotFoundError:
            return ""
        return text[-tail:]

    def logs(self) -> str:
        return "\n".join(
            f"--- {Path(p.log_path).name} (exit {p.poll()}) ---\n{self.log(p, 3000)}"  # type: ignore[attr-defined]
            for p in self.started
        )

    def close(self) -> None:
        for process in reversed(self.started):
            # Also reaches what the leader left behind (pool children).
            self.signal_group(process, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=30)


@pytest.fixture
def processes(tmp_path) -> Iterator[Processes]:
    directory = tmp_path / "logs"
    directory.mkdir()
    managed = Processes(directory)
    try:
        yield managed
    finally:
        managed.close()


# --- Environments of the apps started --------------------------------------------------------


def database_url(settings_dict: dict | None = None) -> str:
    """The URL of the database the tests use (pytest's test database)."""
    db = settings_dict or connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "127.0.0.1"
    port = db["PORT"] or 5432
    return f"postgres://{credentials}@{host}:{port}/{quote(db['NAME'], safe='')}"


def app_env(*, database: str, redis: str | None = None, **extra: str) -> dict[str, str]:
    """Environment of a web server or worker: production settings apart from fast password
    hashing (tests.faults.server_settings), DEBUG off, tasks through Redis when given one."""
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DATABASE_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="tests.faults.server_settings",
        DATABASE_URL=database,
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="fault-tests-only-" + "k" * 50,
        DJANGO_SECURE_COOKIES="0",  # plain HTTP to 127.0.0.1
        DJANGO_LOG_LEVEL="INFO",
        PYTHONUNBUFFERED="1",
        CELERY_TASK_ALWAYS_EAGER="0" if redis else "1",
    )
    if redis:
        env["REDIS_URL"] = redis
    env.update(extra)
    return env


class WebServer:
    def __init__(self, processes: Processes, process: subprocess.Popen, url: str) -> None:
        self.processes, self.process, self.url = processes, process, url

    def worker_pids(self) -> set[int]:
        """The gunicorn workers (children of the master)."""
        return _children(self.process.pid)


def _children(pid: int) -> set[int]:
    children = set()
    for stat in glob.glob("/proc/[0-9]*/stat"):
        try:
            fields = Path(stat).read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            children.add(int(Path(stat).parent.name))
    return children


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=5).status_code == 200
    except requests.RequestException:
        return False


@functools.cache
def _gunicorn_has_control_socket() -> bool:
    done = subprocess.run(
        [BIN / "gunicorn", "--help"], capture_output=True, text=True, timeout=60, check=False
    )
    return "--no-control-socket" in done.stdout


def start_web(
    processes: Processes, env: dict[str, str], *, workers: int = 2, threads: int = 1
) -> WebServer:
    """gunicorn as in production (docker-compose), on a free port; ready when /healthz/ (which
    queries the database) answers 200."""
    port = free_port()
    argv = [
        BIN / "gunicorn",
        "renovation.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--timeout",
        "120",
        "--graceful-timeout",
        "5",
        "--access-logfile",
        "-",
    ]
    if _gunicorn_has_control_socket():
        argv.append("--no-control-socket")  # one per user by default: servers would share it
    process = processes.start("gunicorn", argv, env=env)
    url = f"http://127.0.0.1:{port}"
    wait_for(
        lambda: process.poll() is not None or _answers(url + "/healthz/"),
        timeout=90,
        what="gunicorn to answer",
        logs=processes.logs,
    )
    assert process.poll() is None, processes.logs()
    return WebServer(processes, process, url)


def start_worker(
    processes: Processes, env: dict[str, str], name: str, *, pool: str = "prefork"
) -> subprocess.Popen:
    """`celery -A renovation worker`, one process (prefork pool: a master and one child, as
    `make worker` runs it with concurrency 1), ready when it says so."""
    argv = [
        BIN / "celery",
        "-A",
        "renovation",
        "worker",
        "--loglevel",
        "INFO",
        "--hostname",
        f"{name}@faults",
        "--pool",
        pool,
        "--concurrency",
        "1",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
    ]
    process = processes.start(name, argv, env=env)
    wait_for(
        lambda: process.poll() is not None or " ready." in processes.log(process, 100_000),
        timeout=90,
        what=f"the worker {name} to be ready",
        logs=processes.logs,
    )
    assert process.poll() is None, processes.logs()
    return process


def task_client(broker: str):
    """A Celery client of the private broker: sends tasks by name, as beat and the web do."""
    from celery import Celery

    client = Celery("faults-client", broker=broker, backend=broker, set_as_current=False)
    client.conf.update(task_serializer="json", result_serializer="json", accept_content=["json"])
    return client


# --- A private Redis -------------------------------------------------------------------------


class RedisServer:
    """A redis-server of the test's own, on a free port, without persistence: stopping it
    loses whatever it held, as a crashed broker would."""

    def __init__(self, processes: Processes, directory: Path) -> None:
        self.processes, self.directory = processes, directory
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self):
        import redis

        return redis.Redis(host="127.0.0.1", port=self.port, db=0, socket_timeout=5)

    def start(self) -> None:
        argv = [
            REDIS_SERVER,
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            self.directory,
        ]
        self.process = self.processes.start(f"redis-{self.port}", argv, env=dict(os.environ))
        wait_for(self._pong, timeout=30, what="redis-server", logs=self.processes.logs)

    def _pong(self) -> bool:
        try:
            return bool(self.client().ping())
        except Exception:
            return False

    def stop(self) -> None:
        assert self.process is not None
        self.processes.stop(self.process)
        assert not port_open(self.port)


@pytest.fixture
def private_redis(processes, tmp_path) -> RedisServer:
    directory = tmp_path / "redis"
    directory.mkdir()
    server = RedisServer(processes, directory)
    server.start()
    return server


# --- Data ------------------------------------------------------------------------------------


@pytest.fixture
def demo_data(transactional_db) -> None:
    """The demo data (four districts of four cities, about 2,000 compounds), committed so that
    the servers and workers started by the test see it."""
    call_command("load_demo", stdout=StringIO())


SNAPSHOT_FIELDS = [
    field.name
    for field in ScopeSnapshot._meta.concrete_fields
    if field.name not in {"id", "computed_at"}
]


def snapshot_rows(as_of: dt.date, *, with_computed_at: bool = False) -> dict[tuple, dict]:
    """Every snapshot of the day, keyed by scope: every figure (and the time it was computed,
    to tell whether a row was written at all)."""
    fields = [*SNAPSHOT_FIELDS, "computed_at"] if with_computed_at else SNAPSHOT_FIELDS
    rows = ScopeSnapshot.objects.filter(as_of=as_of).values(*fields)
    table = {(row["scope_kind"], row["scope_id"]): row for row in rows}
    assert len(table) == len(rows)
    return table


# --- HTTP clients ----------------------------------------------------------------------------


class _Inputs(HTMLParser):
    """The named inputs of a page's forms, with their values."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "input" and attributes.get("name"):
            self.values.setdefault(attributes["name"], attributes.get("value") or "")


def form_inputs(html: str) -> dict[str, str]:
    parser = _Inputs()
    parser.feed(html)
    return parser.values


def log_in(base_url: str, username: str, password: str = PASSWORD) -> requests.Session:
    """A browser session logged in through the login page."""
    session = requests.Session()
    page = session.get(f"{base_url}/accounts/login/", timeout=60)
    assert page.status_code == 200, page.text[:500]
    answer = session.post(
        f"{base_url}/accounts/login/",
        data={
            "username": username,
            "password": password,
            "csrfmiddlewaretoken": form_inputs(page.text)["csrfmiddlewaretoken"],
        },
        allow_redirects=False,
        timeout=60,
    )
    assert answer.status_code == 302, answer.text[:1000]
    return session


def open_progress_form(
    session: requests.Session, base_url: str, project_id: int, report_date: dt.date | None = None
) -> dict[str, str]:
    """GET the progress form (of an existing report when `report_date` is given): its hidden
    fields, the CSRF token and the version the form was opened on."""
    query = f"?date={report_date.isoformat()}" if report_date else ""
    page = session.get(f"{base_url}/projects/{project_id}/progress/{query}", timeout=60)
    assert page.status_code == 200, page.text[:1000]
    inputs = form_inputs(page.text)
    return {
        name: inputs.get(name, "") for name in ("csrfmiddlewaretoken", "version", "loaded_date")
    }


def post_progress_form(
    session: requests.Session,
    base_url: str,
    project_id: int,
    opened: dict[str, str],
    *,
    report_date: dt.date,
    quantities: dict[int, str],
) -> requests.Response:
    data = {**opened, "report_date": report_date.isoformat(), "note": ""}
    for item_id, quantity in quantities.items():
        data[f"item_{item_id}"] = quantity
        data[f"reason_{item_id}"] = ""
    return session.post(
        f"{base_url}/projects/{project_id}/progress/",
        data=data,
        allow_redirects=False,
        timeout=120,
    )


def post_progress_api(
    base_url: str,
    token: str,
    project_id: int,
    *,
    report_date: dt.date,
    quantities: dict[int, str],
    version: int | None = None,
    session: requests.Session | None = None,
) -> requests.Response:
    body = {
        "report_date": report_date.isoformat(),
        "version": version,
        "lines": [
            {"work_item": item_id, "quantity_to_date": quantity, "reason": ""}
            for item_id, quantity in quantities.items()
        ],
    }
    return (session or requests).post(
        f"{base_url}/api/v1/projects/{project_id}/progress-reports/",
        json=body,
        headers={"Authorization": f"Token {token}"},
        timeout=120,
    )


NO_TRACEBACK = re.compile(r"Traceback|File \"/|OperationalError|psycopg", re.IGNORECASE)


# --- A private PostgreSQL cluster ------------------------------------------------------------


class PostgresCluster:
    """A PostgreSQL cluster of the test's own (initdb into a temporary directory), which the
    test may stop and start. Run as the `postgres` OS user when the tests run as root."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.data = directory / "data"
        self.port = free_port()
        self.log = directory / "server.log"

    def _as_owner(self, argv: list[str], **kwargs) -> subprocess.CompletedProcess:
        argv = [str(arg) for arg in argv]
        if os.geteuid() == 0:
            argv = ["runuser", "-u", "postgres", "--", *argv]
        return subprocess.run(
            argv, capture_output=True, text=True, timeout=120, check=False, **kwargs
        )

    def _checked(self, argv: list[str]) -> str:
        done = self._as_owner(argv)
        assert done.returncode == 0, f"{argv}: {done.stdout}\n{done.stderr}\n{self.server_log()}"
        return done.stdout

    def server_log(self) -> str:
        try:
            return self.log.read_text(errors="replace")[-4000:]
        except OSError:
            return ""

    def init(self) -> None:
        self._checked(
            [
                Path(PG_BIN, "initdb"),
                "-D",
                self.data,
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
                "--no-sync",
            ]
        )

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c full_page_writes=off"
        )
        self._checked(
            [Path(PG_BIN, "pg_ctl"), "-D", self.data, "-o", options, "-l", self.log, "-w",
             "start"]
        )  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        self._checked([Path(PG_BIN, "pg_ctl"), "-D", self.data, "-m", mode, "-w", "stop"])

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def psql(self, name: str, sql: str) -> str:
        return self._checked(
            [Path(PG_BIN, "psql"), "-h", "127.0.0.1", "-p", self.port, "-U", "postgres",
             "-d", name, "-v", "ON_ERROR_STOP=1", "-qAtc", sql]
        )  # fmt: skip

    def copy_database(self, source: dict, name: str) -> None:
        """Create `name` as a copy of the source database (pg_dump | psql): the migrated
        schema without running the migrations again."""
        self.psql("postgres", f'CREATE DATABASE "{name}"')
        env = dict(os.environ, PGPASSWORD=source.get("PASSWORD") or "")
        dump = subprocess.Popen(
            [
                Path(PG_BIN, "pg_dump"),
                "--no-owner",
                "--no-privileges",
                "-h",
                source["HOST"] or "127.0.0.1",
                "-p",
                str(source["PORT"] or 5432),
                "-U",
                source["USER"] or "postgres",
                source["NAME"],
            ],
            stdout=subprocess.PIPE,
            env=env,
        )
        load = subprocess.run(
            [Path(PG_BIN, "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
             "-d", name, "-v", "ON_ERROR_STOP=1", "-q"],
            stdin=dump.stdout, capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
        dump.stdout.close()
        assert dump.wait(timeout=300) == 0
        assert load.returncode == 0, load.stderr[-3000:]

    def destroy(self) -> None:
        if self.running():
            done = self._as_owner(
                [Path(PG_BIN, "pg_ctl"), "-D", self.data, "-m", "immediate", "-w", "stop"]
            )
            if done.returncode != 0:
                pid_file = self.data / "postmaster.pid"
                with contextlib.suppress(OSError, ValueError, IndexError):
                    os.kill(int(pid_file.read_text().split()[0]), signal.SIGKILL)
        shutil.rmtree(self.directory, ignore_errors=True)


@pytest.fixture
def private_postgres() -> Iterator[PostgresCluster]:
    directory = Path(tempfile.mkdtemp(prefix="faults-pg-"))
    if os.geteuid() == 0:
        shutil.chown(directory, "postgres", "postgres")
    cluster = PostgresCluster(directory)
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        cluster.destroy()

"""What the containers do at start, run for real without Docker: the image's build step
(collectstatic with the whitenoise manifest) in a copy of the build context, the entrypoint's
locked migration against a scratch PostgreSQL database, and gunicorn with the image's
configuration answering the web container's health check.

PostgreSQL only: the migration lock is a PostgreSQL advisory lock."""

from __future__ import annotations

import fnmatch
import importlib.util
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from .pg import connect, create_database, database_url, drop_database, postgres_only, scratch_name

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
ALLOWED_HOST = "renovation.example.gov.cn"

pytestmark = [postgres_only, pytest.mark.skipif(not shutil.which("sh"), reason="needs sh")]


def migration_lock_key() -> int:
    spec = importlib.util.spec_from_file_location("docker_migrate", ROOT / "docker" / "migrate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.MIGRATION_LOCK_KEY


def container_env(**extra: str) -> dict[str, str]:
    """The environment a container gets: production settings, nothing from the test run."""
    return {
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "HOME": os.environ.get("HOME", "/tmp"),
        "LANG": "C.UTF-8",
        "PYTHONUNBUFFERED": "1",
        "DJANGO_SETTINGS_MODULE": "renovation.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "runtime-test-secret-key-not-for-production",
        "DJANGO_ALLOWED_HOSTS": ALLOWED_HOST,
        "DJANGO_SECURE_SSL_REDIRECT": "1",
        **extra,
    }


def dockerignore_patterns() -> list[str]:
    patterns = []
    for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith(("#", "!")):
            patterns.append(line.removeprefix("**/").rstrip("/"))
    return patterns


@pytest.fixture(scope="module")
def image(tmp_path_factory) -> Path:
    """The build context as `COPY . .` sees it (.dockerignore applied), after the Dockerfile's
    collectstatic step."""
    app = tmp_path_factory.mktemp("image") / "app"
    patterns = dockerignore_patterns()

    def ignore(directory: str, names: list[str]) -> set[str]:
        relative = Path(directory).relative_to(ROOT)
        return {
            name
            for name in names
            if any(
                fnmatch.fnmatch(name, pattern) or fnmatch.fnmatch(str(relative / name), pattern)
                for pattern in patterns
            )
        }

    shutil.copytree(ROOT, app, ignore=ignore)
    assert not (app / ".venv").exists()
    assert not (app / "staticfiles").exists()
    build_env = container_env()
    build_env["DJANGO_SECRET_KEY"] = "collectstatic-at-build-time-only"
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=app,
        env=build_env,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    return app


@pytest.fixture(scope="module")
def scratch_db(django_db_setup, django_db_blocker) -> Iterator[str]:
    with django_db_blocker.unblock():
        name = scratch_name("entry")
        create_database(name)
    yield name
    with django_db_blocker.unblock():
        drop_database(name)


def entrypoint(image: Path, *command: str, **env: str) -> subprocess.Popen:
    return subprocess.Popen(
        ["sh", "docker/entrypoint.sh", *command],
        cwd=image,
        env=container_env(**env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def read_until(process: subprocess.Popen, marker: str, limit: float = 300) -> list[str]:
    """Lines of the process's output up to the one containing marker (or its end)."""
    lines: list[str] = []
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line)
        if marker in line:
            break
    return lines


def test_image_holds_the_static_files_with_their_manifest(image):
    manifest = json.loads((image / "staticfiles" / "staticfiles.json").read_text())
    hashed = manifest["paths"]["css/app.css"]
    assert hashed != "css/app.css"
    assert (image / "staticfiles" / hashed).is_file()
    assert not (image / ".env").exists()


def test_entrypoint_migrates_under_the_lock_then_runs_the_command(image, scratch_db):
    """While another session holds the migration lock the entrypoint waits and applies nothing;
    once it is free it applies every migration, then execs the command. A second start finds
    nothing to apply."""
    url = database_url(scratch_db)
    with connect(scratch_db) as holder:
        holder.execute("SELECT pg_advisory_lock(%s)", [migration_lock_key()])
        process = entrypoint(
            image, "python", "-c", "print('command started')", DJANGO_MIGRATE="1", DATABASE_URL=url
        )
        try:
            waiting = read_until(process, "waiting for it")
            assert "another process is migrating" in waiting[-1], "".join(waiting)
            tables = holder.execute(
                "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
            ).fetchone()[0]
            assert tables == 0
        finally:
            holder.execute("SELECT pg_advisory_unlock(%s)", [migration_lock_key()])
        output, _ = process.communicate(timeout=600)
    assert process.returncode == 0, output
    assert "Applying renovation.0001_initial... OK" in output
    assert output.rstrip().endswith("command started")

    check = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--check"],
        cwd=image,
        env=container_env(DATABASE_URL=url),
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert check.returncode == 0, check.stdout + check.stderr

    again = entrypoint(image, "true", DJANGO_MIGRATE="1", DATABASE_URL=url)
    output, _ = again.communicate(timeout=600)
    assert again.returncode == 0, output
    assert "No migrations to apply." in output
    assert "Applying" not in output


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, limit: float = 120) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(process.stdout.read())
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"gunicorn did not listen on {port}")


def healthcheck(image: Path, port: int) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "docker/healthcheck.py"],
        cwd=image,
        env=container_env(HEALTHCHECK_PORT=str(port)),
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def get(port: int, path: str, host: str) -> tuple[int, bytes]:
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={"Host": host, "X-Forwarded-Proto": "https"})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@pytest.fixture
def gunicorn(image):
    """Start gunicorn as the web container does, on a free loopback port."""
    processes: list[subprocess.Popen] = []

    def start(database: str) -> int:
        port = free_port()
        process = entrypoint(
            image,
            "gunicorn",
            "--config",
            "docker/gunicorn.conf.py",
            "renovation.wsgi:application",
            DATABASE_URL=database,
            GUNICORN_BIND=f"127.0.0.1:{port}",
            WEB_CONCURRENCY="1",
        )
        processes.append(process)
        wait_for_port(port, process)
        return port

    yield start
    for process in processes:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=60)
        assert process.returncode == 0


def test_web_answers_its_health_check_and_serves_hashed_static_files(
    image, scratch_db, gunicorn, django_db_blocker
):
    url = database_url(scratch_db)
    with django_db_blocker.unblock():
        migrated = subprocess.run(
            [sys.executable, "docker/migrate.py"],
            cwd=image,
            env=container_env(DATABASE_URL=url),
            capture_output=True,
            text=True,
            check=False,
            timeout=600,
        )
    assert migrated.returncode == 0, migrated.stdout + migrated.stderr
    port = gunicorn(url)

    result = healthcheck(image, port)
    assert result.returncode == 0, result.stdout + result.stderr
    assert '200 {"status": "ok"}' in result.stdout
    # Why the check sends the site's host name: Django refuses any other Host header.
    assert get(port, "/healthz/", "127.0.0.1")[0] == 400

    manifest = json.loads((image / "staticfiles" / "staticfiles.json").read_text())
    status, body = get(port, "/static/" + manifest["paths"]["css/app.css"], ALLOWED_HOST)
    assert status == 200
    assert body == (image / "staticfiles" / manifest["paths"]["css/app.css"]).read_bytes()


def test_health_check_fails_when_the_database_is_unreachable(image, gunicorn):
    port = gunicorn(database_url("database_that_does_not_exist"))
    result = healthcheck(image, port)
    assert result.returncode == 1
    assert "503" in result.stdout


def test_health_check_fails_when_nothing_listens(image):
    result = healthcheck(image, free_port())
    assert result.returncode == 1

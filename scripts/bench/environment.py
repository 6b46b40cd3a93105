"""Options, the database and Redis the benchmark runs on, the Django set-up in this process,
the data at the requested scale, and a description of the machine."""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
BENCH_PASSWORD = "bench-pass-2026"  # nosec B105: documented passwords of the benchmark and demo accounts
DEMO_PASSWORD = "demo-pass-2026"  # nosec B105: documented passwords of the benchmark and demo accounts


def options(argv: list[str] | None = None) -> argparse.Namespace:
    env = os.environ.get
    cores = os.cpu_count() or 2
    parser = argparse.ArgumentParser(
        prog="python -m scripts.bench",
        description="Benchmark the platform on PostgreSQL and Redis (see docs/benchmarks.md).",
    )
    parser.add_argument("--compounds", type=int, default=int(env("BENCH_COMPOUNDS", "3000")))
    parser.add_argument("--db", default=env("BENCH_DB", "renovation_bench"))
    parser.add_argument(
        "--seed",
        type=int,
        default=int(env("BENCH_SEED")) if env("BENCH_SEED") else None,
        help="seed of generate_synthetic (default: its own)",
    )
    parser.add_argument("--requests", type=int, default=int(env("BENCH_REQUESTS", "100")))
    parser.add_argument("--warmup", type=int, default=int(env("BENCH_WARMUP", "10")))
    parser.add_argument("--wrk-seconds", type=int, default=int(env("BENCH_WRK_SECONDS", "30")))
    parser.add_argument("--wrk-connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2 * cores + 1, help="gunicorn workers")
    parser.add_argument("--rollup-runs", type=int, default=2)
    parser.add_argument("--bare-runs", type=int, default=3)
    parser.add_argument("--ledger-runs", type=int, default=3)
    parser.add_argument("--incremental-reports", type=int, default=5)
    parser.add_argument("--census-rows", type=int, default=10000)
    parser.add_argument("--scratch-db", default=env("BENCH_SCRATCH_DB", ""))
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per rollup/job")
    parser.add_argument("--output", default=str(ROOT / "docs" / "benchmarks.md"))
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument(
        "--skip",
        default=env("BENCH_SKIP", ""),
        help="comma-separated parts to skip: rollup,latency,throughput,progress,ledger,"
        "incremental,census,profile",
    )
    parser.add_argument("--note", action="append", default=[], help="a line for the notes")
    args = parser.parse_args(argv)
    args.skip = {part.strip() for part in args.skip.split(",") if part.strip()}
    return args


def database_url(db: str) -> str:
    """DATABASE_URL with its database name replaced by `db` (PostgreSQL only)."""
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/" + db)
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql", "pgsql", "postgis"):
        raise SystemExit(
            f"make bench needs PostgreSQL, not {parts.scheme or url!r}: set DATABASE_URL="
            "postgres://user@host:5432/any (the database name comes from BENCH_DB)."
        )
    return urlunsplit(parts._replace(path="/" + db))


def redis_url() -> str:
    # Not db 0 by default: the benchmark purges its task queue when it starts.
    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/13")
    if not url.startswith(("redis://", "rediss://")):
        raise SystemExit(f"make bench needs Redis (REDIS_URL=redis://...), not {url!r}")
    return url


def ensure_database(url: str) -> bool:
    """Create the database when it does not exist; True when it was created."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres", scheme="postgresql"))
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if exists:
                return False
            conn.execute(f'CREATE DATABASE "{name}"')
            return True
    except psycopg.OperationalError as error:
        raise SystemExit(f"PostgreSQL is not reachable at {parts.hostname}: {error}") from None


def drop_and_create(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres", scheme="postgresql"))
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def server_env(db_url: str, redis: str, media: Path) -> dict[str, str]:
    """The environment of gunicorn, the worker and this process: production settings."""
    return {
        **os.environ,
        "DATABASE_URL": db_url,
        "REDIS_URL": redis,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "bench-secret-key-not-for-production-" + "x" * 20,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_COOKIES": "0",
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "DJANGO_MEDIA_ROOT": str(media),
        "DJANGO_LOG_LEVEL": "WARNING",
        # One API key makes every request: the per-key limit (600/min) would turn the
        # throughput test into a test of the throttle. The throttle still runs (Redis).
        "RENOVATION_API_RATE": "10000000/min",
        "DJANGO_SETTINGS_MODULE": "renovation.settings",
        "PYTHONPATH": str(ROOT),
    }


def setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def manage(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(  # nosec B603: fixed argument list built by the benchmark, no shell, no user input
        [sys.executable, str(ROOT / "manage.py"), *args], cwd=ROOT, env=env, check=check
    )


def ensure_data(env: dict[str, str], compounds: int, seed: int | None) -> str:
    """Migrate; generate the synthetic data unless the database holds `compounds` already."""
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "collectstatic", "--noinput", "-v", "0")
    from programmes.models import Compound

    present = Compound.objects.count()
    if present == compounds:
        return f"reused: the database already held {present:,} compounds"
    command = ROOT / "programmes" / "management" / "commands" / "generate_synthetic.py"
    if not command.exists():
        raise SystemExit(
            f"the database holds {present:,} compounds, not {compounds:,}, and "
            "manage.py generate_synthetic is not available to make them"
        )
    seeded = ["--seed", str(seed)] if seed is not None else []
    generate = ["generate_synthetic", "--compounds", str(compounds), *seeded, "--replace", "--yes"]
    start = time.perf_counter()
    manage(env, *generate)
    return (
        f"generated with `manage.py {' '.join(generate)}` in {time.perf_counter() - start:.0f} s "
        f"(the database held {present:,} compounds)"
    )


def temp_media() -> Path:
    return Path(tempfile.mkdtemp(prefix="bench-media-"))


# --- The machine -----------------------------------------------------------------------------


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def machine(redis: str) -> dict[str, str]:
    from django.db import connection

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in _read("/proc/cpuinfo").splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown",
    )
    mem_kb = next(
        (
            int(line.split()[1])
            for line in _read("/proc/meminfo").splitlines()
            if "MemTotal" in line
        ),
        0,
    )
    os_name = next(
        (
            line.split("=", 1)[1].strip('"')
            for line in _read("/etc/os-release").splitlines()
            if line.startswith("PRETTY_NAME=")
        ),
        platform.platform(),
    )
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    try:
        import redis as redis_client

        redis_version = redis_client.Redis.from_url(redis).info()["redis_version"]
    except Exception as error:  # reported, not fatal
        redis_version = f"unknown ({error.__class__.__name__})"
    return {
        "CPU": cpu,
        "cores": str(os.cpu_count()),
        "RAM": f"{mem_kb / 1024 / 1024:.1f} GiB",
        "OS": f"{os_name} ({platform.release()})",
        "Python": platform.python_version(),
        "PostgreSQL": postgres,
        "Redis": redis_version,
        "load average at start": load(),
    }


def load() -> str:
    return " ".join(_read("/proc/loadavg").split()[:3])


def git_commit() -> str:
    try:
        commit = subprocess.run(  # nosec B603 B607: fixed argument list built by the benchmark, no shell, no user input; tool found on PATH (wrk, PostgreSQL client) on purpose
            ["git", "rev-parse", "--short=12", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(  # nosec B603 B607: fixed argument list built by the benchmark, no shell, no user input; tool found on PATH (wrk, PostgreSQL client) on purpose
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return commit + (" (with uncommitted changes)" if dirty else "")


SCALE_TABLES = {
    "compounds": "programmes_compound",
    "buildings": "programmes_building",
    "projects": "programmes_project",
    "work items": "programmes_workitem",
    "progress reports": "programmes_progressreport",
    "site problems": "programmes_siteproblem",
    "streets": "programmes_street",
    "districts": "programmes_district",
    "programmes": "programmes_programme",
    "funding commitments": "funding_commitment",
    "funding receipts": "funding_receipt",
    "committees": "governance_residentcommittee",
    "meetings": "governance_meeting",
    "statistics snapshots (before the run)": "renovation_scopesnapshot",
}


def scale() -> dict[str, int]:
    from django.db import connection

    counts = {}
    with connection.cursor() as cursor:
        for label, table in SCALE_TABLES.items():
            cursor.execute(f"SELECT COUNT(*) FROM {table}")  # nosec B608: identifiers are fixed names or quoted model metadata; values are parameters
            counts[label] = cursor.fetchone()[0]
    return counts

"""PostgreSQL helpers for the deployment tests: scratch databases next to the test database, and
URLs for the scripts, which run as separate processes."""

from __future__ import annotations

import shutil
import uuid
from urllib.parse import quote

import psycopg
import pytest
from django.conf import settings
from django.db import connection
from psycopg import sql

postgres_only = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="PostgreSQL only: backups and the container start-up use PostgreSQL (run with "
    "DATABASE_URL=postgres://...); the SQLite run skips them",
)

needs_pg_tools = pytest.mark.skipif(
    not all(shutil.which(tool) for tool in ("pg_dump", "pg_restore", "psql", "bash")),
    reason="needs bash and the PostgreSQL client tools (Debian: postgresql-client)",
)


def server_params() -> dict:
    """Connection parameters of the test database's server, for psycopg."""
    params = connection.settings_dict
    return {
        "host": params["HOST"] or None,
        "port": params["PORT"] or None,
        "user": params["USER"] or None,
        "password": params["PASSWORD"] or None,
    }


def database_url(name: str, *, password: str | None = None) -> str:
    """postgres://user:password@host:port/name for the test server; the password is percent-
    encoded, as in a real DATABASE_URL."""
    params = connection.settings_dict
    password = params["PASSWORD"] if password is None else password
    credentials = quote(params["USER"] or "", safe="")
    if password:
        credentials += ":" + quote(password, safe="")
    host = params["HOST"] or "localhost"
    port = params["PORT"] or "5432"
    return f"postgres://{credentials}@{host}:{port}/{quote(name, safe='')}"


def scratch_name(label: str) -> str:
    """A database name derived from the test database's (so test_<yourdb>_...), unique."""
    return f"{connection.settings_dict['NAME'][:40]}_{label}_{uuid.uuid4().hex[:8]}"


def admin_execute(statement: sql.Composable) -> None:
    with psycopg.connect(dbname="postgres", autocommit=True, **server_params()) as conn:
        conn.execute(statement)


def create_database(name: str) -> None:
    admin_execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop_database(name: str) -> None:
    admin_execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def database_exists(name: str) -> bool:
    with psycopg.connect(dbname="postgres", autocommit=True, **server_params()) as conn:
        row = conn.execute("SELECT count(*) FROM pg_database WHERE datname = %s", [name]).fetchone()
    return row[0] == 1


def connect(name: str) -> psycopg.Connection:
    return psycopg.connect(dbname=name, autocommit=True, **server_params())

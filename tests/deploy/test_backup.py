"""Backups for real: scripts/backup.sh dumps the test database holding the demo data,
check_backup.sh restores it into a scratch database and compares every table's row count, and
the comparison is shown to fail when the restored copy lacks a row.

PostgreSQL only (pg_dump/pg_restore); the demo data is loaded in a transactional test so that it
is committed and visible to pg_dump, which runs as a separate process."""

from __future__ import annotations

import os
import subprocess
import tarfile
from pathlib import Path

import pytest
from django.db import connection

from programmes.models import Compound
from renovation.models import User
from sampledata.demo import load_demo

from .pg import (
    connect,
    database_exists,
    database_url,
    drop_database,
    needs_pg_tools,
    postgres_only,
    scratch_name,
)

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = ROOT / "scripts"
# Used when the test server takes no password (trust): it is then accepted and ignored, and
# the scripts must still never print it.
STAND_IN_PASSWORD = "pa:ss@w/rd%never-printed"

pytestmark = [postgres_only, needs_pg_tools]
with_committed_data = pytest.mark.django_db(transaction=True)


def run(script: str, *args: str, url: str, **env: str) -> subprocess.CompletedProcess:
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PG", "DATABASE_URL", "BACKUP_", "DJANGO_MEDIA_ROOT"))
    }
    clean.update(DATABASE_URL=url, **env)
    return subprocess.run(
        ["bash", str(SCRIPTS / script), *args],
        capture_output=True,
        text=True,
        env=clean,
        check=False,
        timeout=600,
    )


def table_counts(name: str) -> dict[str, int]:
    with connect(name) as conn:
        tables = conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
        ).fetchall()
        return {
            f"public.{table}": conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
            for (table,) in tables
        }


@pytest.fixture
def source_url() -> str:
    password = connection.settings_dict["PASSWORD"] or STAND_IN_PASSWORD
    return database_url(connection.settings_dict["NAME"], password=password)


@pytest.fixture
def demo(settings, tmp_path) -> Path:
    """Demo data committed in the test database, and a media root with a photo and an export."""
    load_demo()
    media = tmp_path / "media"
    (media / "progress" / "2024").mkdir(parents=True)
    (media / "progress" / "2024" / "east-gate.jpg").write_bytes(b"photo bytes")
    (media / "exports").mkdir()
    (media / "exports" / "ledger.xlsx").write_bytes(b"expiring export")
    return media


@pytest.fixture
def scratch():
    """Names for scratch databases; each is dropped after the test whatever happened."""
    names: list[str] = []

    def make(label: str) -> str:
        names.append(scratch_name(label))
        return names[-1]

    yield make
    for name in names:
        drop_database(name)


def assert_no_password(result: subprocess.CompletedProcess, url: str) -> None:
    password = connection.settings_dict["PASSWORD"] or STAND_IN_PASSWORD
    assert password not in result.stdout + result.stderr
    assert url not in result.stdout + result.stderr


@with_committed_data
def test_backup_restores_with_every_row_and_a_missing_row_fails_the_check(
    demo, tmp_path, source_url, scratch
):
    source_db = connection.settings_dict["NAME"]
    expected = table_counts(source_db)
    assert expected["public.programmes_compound"] == Compound.objects.count() > 0
    assert expected["public.renovation_user"] == User.objects.count() > 0
    backups = tmp_path / "backups"

    # Back up: dump, row counts from the dump's snapshot, media archive without exports/.
    result = run("backup.sh", "--dir", str(backups), "--media", str(demo), url=source_url)
    assert result.returncode == 0, result.stderr
    assert_no_password(result, source_url)
    dump = Path(result.stdout.strip().splitlines()[-1])
    assert dump.parent == backups
    assert dump.name.startswith("renovation-")
    assert dump.suffix == ".dump"
    recorded = {
        table: int(count)
        for table, count in (
            line.split("\t") for line in dump.with_suffix(".counts").read_text().splitlines()
        )
    }
    assert recorded == expected
    with tarfile.open(backups / f"{dump.stem}-media.tar.gz") as archive:
        members = archive.getnames()
    assert "./progress/2024/east-gate.jpg" in members
    assert not any("exports" in member for member in members)
    assert not list(backups.glob("*.part"))

    # Check: restore into a scratch database, compare, drop it again.
    check_db = scratch("check")
    result = run("check_backup.sh", "--dir", str(backups), "--scratch-db", check_db, url=source_url)
    assert result.returncode == 0, result.stdout + result.stderr
    assert_no_password(result, source_url)
    assert f"({len(expected)} tables)" in result.stdout
    assert "all match" in result.stdout
    assert "public.programmes_project" in result.stdout
    assert not database_exists(check_db)

    # The same against the live (quiet) source.
    result = run(
        "check_backup.sh", "--dump", str(dump), "--against-live", "--scratch-db", check_db,
        url=source_url,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr

    # Restore into another database, then take a row away from the restored copy: the check
    # must fail and name the table.
    restored_db = scratch("restored")
    restored_url = database_url(restored_db)
    result = run("restore.sh", "--create", str(dump), url=restored_url)
    assert result.returncode == 0, result.stderr
    assert table_counts(restored_db) == expected
    result = run(
        "check_backup.sh", "--dump", str(dump), "--compare-db", restored_db, url=source_url
    )
    assert result.returncode == 0, result.stdout + result.stderr

    with connect(restored_db) as conn:
        conn.execute("DELETE FROM renovation_user WHERE username = 'city'")
    result = run(
        "check_backup.sh", "--dump", str(dump), "--compare-db", restored_db, url=source_url
    )
    assert result.returncode == 1, result.stdout + result.stderr
    differing = [line for line in result.stdout.splitlines() if line.endswith("DIFFERS")]
    assert len(differing) == 1
    assert differing[0].split() == [
        "public.renovation_user",
        str(expected["public.renovation_user"]),
        str(expected["public.renovation_user"] - 1),
        "DIFFERS",
    ]
    assert "1 differ" in result.stdout

    # A restore never overwrites a database that holds tables, unless --force.
    result = run("restore.sh", str(dump), url=restored_url)
    assert result.returncode == 2
    assert "refusing" in result.stderr
    assert table_counts(restored_db)["public.renovation_user"] == (
        expected["public.renovation_user"] - 1
    )
    result = run("restore.sh", "--force", str(dump), url=restored_url)
    assert result.returncode == 0, result.stderr
    assert table_counts(restored_db) == expected


@with_committed_data
def test_check_fails_when_the_live_source_gained_rows_since_the_backup(
    demo, tmp_path, source_url, scratch
):
    """The default comparison uses the counts recorded in the dump's snapshot, so later writes
    do not fail it; --against-live compares with the database as it is now, and does."""
    backups = tmp_path / "backups"
    result = run("backup.sh", "--dir", str(backups), "--no-media", url=source_url)
    assert result.returncode == 0, result.stderr
    User.objects.create_user(username="added-after-backup", password="x" * 16)

    check_db = scratch("check")
    result = run("check_backup.sh", "--dir", str(backups), "--scratch-db", check_db, url=source_url)
    assert result.returncode == 0, result.stdout + result.stderr

    result = run(
        "check_backup.sh", "--dir", str(backups), "--against-live", "--scratch-db", check_db,
        url=source_url,
    )  # fmt: skip
    assert result.returncode == 1
    differing = [line.split()[0] for line in result.stdout.splitlines() if "DIFFERS" in line]
    # Users keep a history (who created, re-scoped or deactivated them): one row there too.
    assert sorted(differing) == ["public.renovation_historicaluser", "public.renovation_user"]
    assert not database_exists(check_db)


@with_committed_data
def test_backup_keeps_the_newest_sets_only(demo, tmp_path, source_url):
    backups = tmp_path / "backups"
    backups.mkdir()
    for stamp in ("20240101T000000Z", "20240102T000000Z", "20240103T000000Z"):
        for suffix in (".dump", ".counts", "-media.tar.gz"):
            (backups / f"renovation-{stamp}{suffix}").write_text("old")
    result = run(
        "backup.sh", "--dir", str(backups), "--media", str(demo), "--keep", "2", url=source_url
    )
    assert result.returncode == 0, result.stderr
    newest = Path(result.stdout.strip().splitlines()[-1]).name
    assert sorted(path.name for path in backups.glob("*.dump")) == [
        "renovation-20240103T000000Z.dump",
        newest,
    ]
    assert sorted(path.name for path in backups.iterdir()) == sorted(
        f"{stem}{suffix}"
        for stem in ("renovation-20240103T000000Z", newest.removesuffix(".dump"))
        for suffix in (".dump", ".counts", "-media.tar.gz")
    )


def test_scripts_refuse_bad_input(tmp_path, source_url):
    result = run("backup.sh", "--no-media", url="sqlite:///db.sqlite3")
    assert result.returncode == 2
    assert "SQLite" in result.stderr
    result = run("restore.sh", str(tmp_path / "missing.dump"), url=source_url)
    assert result.returncode == 2
    not_a_dump = tmp_path / "not-a.dump"
    not_a_dump.write_text("hello")
    result = run("restore.sh", str(not_a_dump), url=source_url)
    assert result.returncode == 2
    assert "not a pg_dump custom-format archive" in result.stderr
    result = run("check_backup.sh", "--dir", str(tmp_path / "empty"), url=source_url)
    assert result.returncode == 2


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "postgres://renovation:p%40ss%3Aw%2Frd%25%23@db.internal:6543/reno%20vation"
            "?sslmode=require&conn_max_age=60",
            {
                "PGHOST": "db.internal",
                "PGPORT": "6543",
                "PGUSER": "renovation",
                "PGPASSWORD": "p@ss:w/rd%#",
                "PGDATABASE": "reno vation",
                "PGSSLMODE": "require",
            },
        ),
        (
            "postgresql://postgres@127.0.0.1/renovation",
            {"PGHOST": "127.0.0.1", "PGUSER": "postgres", "PGDATABASE": "renovation"},
        ),
        (
            "postgres:///renovation?host=/var/run/postgresql",
            {"PGHOST": "/var/run/postgresql", "PGDATABASE": "renovation"},
        ),
        ("postgres://u:pw@[::1]:5433/db", {"PGHOST": "::1", "PGPORT": "5433", "PGUSER": "u",
                                           "PGPASSWORD": "pw", "PGDATABASE": "db"}),
    ],
)  # fmt: skip
def test_database_urls_become_libpq_variables(url, expected):
    names = ("PGHOST", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE", "PGSSLMODE")
    script = f'. "{SCRIPTS / "pg_common.sh"}"; pg_url_to_env "$1"; ' + "; ".join(
        f'printf "%s=%s\\0" {name} "${{{name}-}}"' for name in names
    )
    result = subprocess.run(
        ["bash", "-c", script, "test", url],
        capture_output=True,
        text=True,
        env={"PATH": os.environ["PATH"]},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    parsed = dict(item.split("=", 1) for item in result.stdout.split("\0") if item)
    assert {key: value for key, value in parsed.items() if value} == expected

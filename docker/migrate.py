"""Apply the migrations once, however many containers start at the same moment.

`python docker/migrate.py` is `manage.py migrate --noinput` run while holding a PostgreSQL
advisory lock: a second copy (another host, a restarted container) waits for the first to finish
and then finds nothing left to apply, instead of racing it through the same migrations. On
SQLite it is plain `migrate`. Run from the project root or from anywhere: the project root is put
on the import path.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# An arbitrary 64-bit key that names "the migration lock" for this application.
MIGRATION_LOCK_KEY = 7_302_151_882_614_037


def main() -> int:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "renovation.settings")
    import django
    from django.core.management import call_command
    from django.db import connection

    django.setup()
    if connection.vendor != "postgresql":
        call_command("migrate", interactive=False)
        return 0
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [MIGRATION_LOCK_KEY])
        if not cursor.fetchone()[0]:
            print("migrate: another process is migrating; waiting for it", flush=True)
            cursor.execute("SELECT pg_advisory_lock(%s)", [MIGRATION_LOCK_KEY])
    try:
        print(f"migrate: lock held after {time.monotonic() - started:.1f}s", flush=True)
        call_command("migrate", interactive=False)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [MIGRATION_LOCK_KEY])
    return 0


if __name__ == "__main__":
    sys.exit(main())

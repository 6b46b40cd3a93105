"""`manage.py rollup`: recompute the statistics snapshots now (e.g. after `load_demo`)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from reporting.rollups import services


class Command(BaseCommand):
    help = (
        "Recompute every scope's statistics snapshot from source (what the nightly task does); "
        "with --dirty, only the scopes marked dirty since the last refresh."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--dirty", action="store_true", help="Refresh only the scopes marked dirty."
        )

    def handle(self, *args, dirty: bool = False, **options) -> None:
        started = time.monotonic()
        if dirty:
            run = services.rollup_refresh()
            written = run.snapshots_written if run is not None else 0
        else:
            written = services.rollup_full()
        elapsed = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(f"{written} snapshots written in {elapsed:.1f} s."))

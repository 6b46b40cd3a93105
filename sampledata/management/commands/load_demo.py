"""`manage.py load_demo`: the demo data from the seed reports, idempotent and deterministic."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from sampledata.demo import load_demo
from sampledata.demo.seeds import DEMO_PASSWORD


class Command(BaseCommand):
    help = (
        "Load the demo data built from the seed reports (成都青羊、玉溪峨山、洛阳西工、南通崇川). "
        "Safe to run again: existing rows are kept, missing ones are added."
    )

    def handle(self, *args, **options) -> None:
        started = time.monotonic()
        accounts = load_demo()
        elapsed = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded in {elapsed:.1f} s."))
        self.stdout.write("")
        header = ("username", "role", "scope", "password")
        rows = [header, *[(u, r, s, DEMO_PASSWORD) for u, r, s in accounts]]
        widths = [max(_width(row[i]) for row in rows) for i in range(len(header))]
        for k, row in enumerate(rows):
            cells = [cell + " " * (widths[i] - _width(cell)) for i, cell in enumerate(row)]
            self.stdout.write("  ".join(cells).rstrip())
            if k == 0:
                self.stdout.write("  ".join("-" * w for w in widths))


def _width(text: str) -> int:
    """Display width: CJK characters take two columns in a terminal."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)

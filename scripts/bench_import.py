"""Time the census import of 10,000 compounds (and 10,000 buildings) on a scratch database.

    python scripts/bench_import.py                 # SQLite file in a temporary directory
    DATABASE_URL=postgres://... python scripts/bench_import.py   # an EMPTY scratch database

Prints the time of the dry run, the import and a re-import (updates, no new rows). Not a test:
timings depend on the machine, so they are reported, never asserted. The code lives in
scripts/bench/census.py, which `make bench` runs as well.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scripts.bench.census import main

if __name__ == "__main__":
    main()

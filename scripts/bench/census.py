"""Time the census import of 10,000 compounds (and 10,000 buildings) on a scratch database.

    python scripts/bench_import.py                 # SQLite file in a temporary directory
    DATABASE_URL=postgres://... python scripts/bench_import.py   # an EMPTY scratch database
    python -m scripts.bench.census --json          # the same, one JSON line (used by make bench)

Times the dry run, the import and a re-import (updates, no new rows). Not a test: timings
depend on the machine, so they are reported, never asserted.
"""

from __future__ import annotations

import io
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    scratch = tempfile.mkdtemp(prefix="bench-import-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{scratch}/bench.sqlite3")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "renovation.settings")
    import django

    django.setup()


def workbook(rows: int, households: int):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    compounds = book.create_sheet("小区")
    compounds.append(
        [
            "小区编码",
            "小区名称",
            "街道",
            "社区",
            "片区",
            "地址",
            "建成年份",
            "楼栋数",
            "户数",
            "人口",
            "建筑面积",
            "摸排结论",
            "安全隐患",
        ]
    )
    for n in range(rows):
        compounds.append(
            [
                f"BM-{n:05d}",
                f"小区{n:05d}",
                f"街道{n % 12}",
                f"社区{n % 60}",
                f"片区{n % 8}",
                f"幸福路{n}号",
                1980 + n % 20,
                4,
                households,
                600,
                "12000.50",
                "符合改造条件",
                "是" if n % 3 else "否",
            ]
        )
    buildings = book.create_sheet("楼栋")
    buildings.append(["小区编码", "楼栋名称", "层数", "户数", "有无电梯"])
    for n in range(rows):
        buildings.append([f"BM-{n:05d}", "1栋", 6, households // 4, "否"])
    handle = io.BytesIO()
    book.save(handle)
    return SimpleUploadedFile("census.xlsx", handle.getvalue())


def run(rows: int, report=print) -> dict[str, float]:
    """Import `rows` compounds into an empty database; returns seconds per step."""
    import django
    from django.core.management import call_command

    from programmes.imports import census_import
    from programmes.models import Building, City, Compound, District, Province, Street
    from renovation.models import User

    seconds: dict[str, float] = {}

    def timed(label: str, function):
        start = time.perf_counter()
        result = function()
        seconds[label] = time.perf_counter() - start
        report(f"{label:<34} {seconds[label]:7.2f} s")
        return result

    call_command("migrate", verbosity=0)
    if Compound.objects.exists():
        raise SystemExit("The benchmark needs an empty database.")
    province = Province.objects.create(name="四川省", code="BP51")
    city = City.objects.create(province=province, name="成都市", code="BC5101")
    district = District.objects.create(city=city, name="基准区", code="BD510105")
    Street.objects.bulk_create(Street(district=district, name=f"街道{n}") for n in range(12))
    user = User.objects.create_user(
        "bench",
        role=User.Role.DISTRICT_OFFICIAL,
        district=district,
        password="x",  # nosec B106: throw-away password of a scratch benchmark user
    )
    report(f"database: {django.db.connection.vendor}; {rows} compound rows + {rows} building rows")
    upload = timed("build the workbook", lambda: workbook(rows, 240))
    result = timed("dry run", lambda: census_import(user=user, district=district, upload=upload))
    if not result.ok:
        raise SystemExit(f"dry run found errors: {result.errors[:5]}")
    upload.seek(0)
    result = timed(
        "import (all new)",
        lambda: census_import(user=user, district=district, upload=upload, commit=True),
    )
    if not (result.committed and result.compounds_new == rows):
        raise SystemExit(f"import failed: {result}")
    changed = workbook(rows, 250)
    result = timed(
        "re-import (every row updated)",
        lambda: census_import(user=user, district=district, upload=changed, commit=True),
    )
    if not (result.committed and result.compounds_updated == rows):
        raise SystemExit(f"re-import failed: {result}")
    if (Compound.objects.count(), Building.objects.count()) != (rows, rows):
        raise SystemExit("re-import duplicated rows")
    report(
        f"rows after re-import: {Compound.objects.count()} compounds, "
        f"{Building.objects.count()} buildings (no duplicates)"
    )
    return seconds


def main() -> None:
    setup_django()
    rows = int(os.environ.get("BENCH_ROWS", "10000"))
    if "--json" in sys.argv:
        seconds = run(rows, report=lambda line: print(line, file=sys.stderr))
        print(json.dumps({"rows": rows, "seconds": seconds}))
    else:
        run(rows)


if __name__ == "__main__":
    main()

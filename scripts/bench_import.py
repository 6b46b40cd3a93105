"""Time the census import of 10,000 compounds (and 10,000 buildings) on a scratch database.

    python scripts/bench_import.py                 # SQLite file in a temporary directory
    DATABASE_URL=postgres://... python scripts/bench_import.py   # an EMPTY scratch database

Prints the time of the dry run, the import and a re-import (updates, no new rows). Not a test:
timings depend on the machine, so they are reported, never asserted.
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SCRATCH = tempfile.mkdtemp(prefix="bench-import-")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{SCRATCH}/bench.sqlite3")
os.environ.setdefault("DJANGO_DEBUG", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "renovation.settings")

import django  # noqa: E402

django.setup()

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from programmes.imports import census_import  # noqa: E402
from programmes.models import Building, City, Compound, District, Province, Street  # noqa: E402
from renovation.models import User  # noqa: E402

ROWS = int(os.environ.get("BENCH_ROWS", "10000"))


def workbook(rows: int, households: int) -> SimpleUploadedFile:
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


def timed(label: str, function):
    start = time.perf_counter()
    result = function()
    elapsed = time.perf_counter() - start
    print(f"{label:<34} {elapsed:7.2f} s")
    return result


def main() -> None:
    call_command("migrate", verbosity=0)
    if Compound.objects.exists():
        raise SystemExit("The benchmark needs an empty database.")
    province = Province.objects.create(name="四川省", code="BP51")
    city = City.objects.create(province=province, name="成都市", code="BC5101")
    district = District.objects.create(city=city, name="基准区", code="BD510105")
    Street.objects.bulk_create(Street(district=district, name=f"街道{n}") for n in range(12))
    user = User.objects.create_user(
        "bench", role=User.Role.DISTRICT_OFFICIAL, district=district, password="x"
    )
    print(f"database: {django.db.connection.vendor}; {ROWS} compound rows + {ROWS} building rows")
    upload = timed("build the workbook", lambda: workbook(ROWS, 240))
    result = timed("dry run", lambda: census_import(user=user, district=district, upload=upload))
    if not result.ok:
        raise SystemExit(f"dry run found errors: {result.errors[:5]}")
    upload.seek(0)
    result = timed(
        "import (all new)",
        lambda: census_import(user=user, district=district, upload=upload, commit=True),
    )
    if not (result.committed and result.compounds_new == ROWS):
        raise SystemExit(f"import failed: {result}")
    changed = workbook(ROWS, 250)
    result = timed(
        "re-import (every row updated)",
        lambda: census_import(user=user, district=district, upload=changed, commit=True),
    )
    if not (result.committed and result.compounds_updated == ROWS):
        raise SystemExit(f"re-import failed: {result}")
    if (Compound.objects.count(), Building.objects.count()) != (ROWS, ROWS):
        raise SystemExit("re-import duplicated rows")
    print(
        "rows after re-import:",
        Compound.objects.count(),
        "compounds,",
        Building.objects.count(),
        "buildings (no duplicates)",
    )


if __name__ == "__main__":
    main()

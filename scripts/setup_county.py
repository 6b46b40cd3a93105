#!/usr/bin/env python3
"""Set up a new county through the HTTP API only, acting as its district official.

    python scripts/setup_county.py BASE_URL API_KEY [--projects 24] [--prefix LX]

From a database holding only the national work-type catalogue and the county itself (with its
first district official and that official's API key), this creates: street offices and
compounds; a programme 2020-2022 with yearly targets; two work types of the county's own; 20+
projects completed in 2020-2022 through the programme import (项目清单, checked first, then
imported), with their real stage dates, completed quantities and money; a street officer and a
read-only API key. Then it prints the API's start and completion rates for each past year and
the number of requests it made. Standard library only (urllib); the key must have write access.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import sys
import urllib.error
import urllib.request
import uuid

YEARS = (2020, 2021, 2022)
STREETS = ("城关镇", "东城街道", "西城街道")
COUNTY_TYPES = (
    {"name_zh": "四网入户", "name_en": "Four-network connections", "unit": "household"},
    {"name_zh": "口袋公园建设", "name_en": "Pocket parks (county)", "unit": "place"},
)


class Api:
    def __init__(self, base: str, key: str) -> None:
        self.base = base.rstrip("/")
        self.key = key
        self.requests = 0

    def call(self, method: str, path: str, body=None, *, content_type: str = "") -> dict:
        data = None
        headers = {"Authorization": f"Token {self.key}", "Accept": "application/json"}
        if isinstance(body, bytes):
            data = body
            headers["Content-Type"] = content_type
        elif body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(
            self.base + path, data=data, method=method, headers=headers
        )
        self.requests += 1
        try:
            with urllib.request.urlopen(request) as response:  # nosec B310 - the given base URL
                return json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            detail = error.read().decode(errors="replace")[:2000]
            raise SystemExit(f"{method} {path}: {error.code} {detail}") from None

    def get(self, path: str) -> dict:
        return self.call("GET", path)

    def post(self, path: str, body: dict) -> dict:
        return self.call("POST", path, body)

    def upload(self, path: str, filename: str, content: bytes, fields: dict) -> dict:
        boundary = uuid.uuid4().hex
        parts = []
        for name, value in fields.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                f"{value}\r\n".encode()
            )
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="{filename}"\r\nContent-Type: text/csv\r\n\r\n'.encode()
            + content
            + b"\r\n"
        )
        parts.append(f"--{boundary}--\r\n".encode())
        return self.call(
            "POST",
            path,
            b"".join(parts),
            content_type=f"multipart/form-data; boundary={boundary}",
        )


def plan(count: int, prefix: str) -> list[dict]:
    """The county's past projects: spread over the three years and streets, all completed."""
    projects = []
    for n in range(count):
        year = YEARS[n % len(YEARS)]
        start = dt.date(year, 3 + n % 4, 1 + n % 20)
        projects.append(
            {
                "code": f"{prefix}-{n + 1:03d}",
                "street": STREETS[n % len(STREETS)],
                "name": f"{prefix}第{n + 1}小区",
                "households": 60 + 10 * n,
                "year": year,
                "start": start,
                "accepted": start + dt.timedelta(days=150 + n),
            }
        )
    return projects


def project_list_csv(projects: list[dict], national: str, county: list[str]) -> bytes:
    stages = ["协商", "设计", "审批", "招标"]
    header = [
        "小区编码", "街道", "小区名称", "户数", "计划年度", "改造类别", "总投资(元)",
        "施工单位", "监理单位", "当前阶段", *[f"{s}日期" for s in stages], "施工日期",
        "验收日期", "长效管理日期", "验收居民代表人数", "补录依据", "中央补助资金(元)",
        f"{national}(计划)", f"{national}(完成)",
        *[f"{name}{suffix}" for name in county for suffix in ("(计划)", "(完成)")],
    ]  # fmt: skip
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for p in projects:
        start, accepted = p["start"], p["accepted"]
        before = [start - dt.timedelta(days=d) for d in (90, 70, 50, 30)]
        writer.writerow(
            [
                p["code"], p["street"], p["name"], p["households"], p["year"], "基础类、完善类",
                f"{p['households'] * 15000}.00", "县城建集团", "县建设监理公司", "长效管理",
                *[d.isoformat() for d in before], start.isoformat(), accepted.isoformat(),
                (accepted + dt.timedelta(days=30)).isoformat(), 6,
                f"{p['year']}年度老旧小区改造竣工验收资料", f"{p['households'] * 5000}.00",
                p["households"] * 8, p["households"] * 8,
                *[v for _ in county for v in (p["households"], p["households"])],
            ]
        )  # fmt: skip
    return out.getvalue().encode("utf-8-sig")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base_url", help="e.g. http://127.0.0.1:8000")
    parser.add_argument("api_key", help="the district official's API key (write access)")
    parser.add_argument("--projects", type=int, default=24)
    parser.add_argument("--prefix", default="LX", help="registry-code prefix of the compounds")
    args = parser.parse_args(argv)
    api = Api(args.base_url, args.api_key)

    district = api.get("/api/v1/districts/")["results"][0]
    streets = {name: api.post("/api/v1/streets/", {"name": name})["id"] for name in STREETS}
    projects = plan(args.projects, args.prefix)
    # Half the compounds are registered first; the import finds them by registry code and
    # registers the others itself.
    for p in projects[::2]:
        api.post(
            "/api/v1/compounds/",
            {
                "name": p["name"],
                "code": p["code"],
                "street": streets[p["street"]],
                "households": p["households"],
                "year_built": 1990,
            },
        )
    programme = api.post(
        "/api/v1/programmes/",
        {
            "name": f"{district['name']}2020—2022年老旧小区改造计划",
            "start_year": YEARS[0],
            "end_year": YEARS[-1],
            "targets": [
                {
                    "year": year,
                    "compounds": sum(1 for p in projects if p["year"] == year),
                    "households": sum(p["households"] for p in projects if p["year"] == year),
                }
                for year in YEARS
            ],
        },
    )
    county = []
    for work_type in COUNTY_TYPES:
        county.append(
            api.post("/api/v1/work-types/", {**work_type, "category": "improvement"})["name_zh"]
        )
    types = api.get("/api/v1/work-types/?page_size=100")["results"]
    national = next(t["name_zh"] for t in types if t["name_zh"] not in county)

    content = project_list_csv(projects, national, county)
    path = f"/api/v1/programmes/{programme['id']}/import/"
    checked = api.upload(path, "项目清单.csv", content, {"commit": "false"})
    imported = api.upload(
        path, "项目清单.csv", content, {"commit": "true", "confirm_warnings": "true"}
    )
    if not imported.get("committed"):
        raise SystemExit(f"import not committed: {imported} (check: {checked})")

    first_street = streets[STREETS[0]]
    api.post(
        "/api/v1/users/",
        {
            "username": f"{args.prefix.lower()}-street-officer",
            "password": f"{args.prefix}-Site-2026-{uuid.uuid4().hex[:8]}",
            "role": "street_officer",
            "street": first_street,
            "first_name": "王",
            "last_name": "芳",
        },
    )
    api.post("/api/v1/api-keys/", {"name": "市级大屏", "permission": "read"})

    stats = api.get(f"/api/v1/statistics/progress/?district={district['id']}")["results"]
    print(f"{district['name']}: {imported['projects_new']} projects imported")
    print("year\tstart_rate\tcompletion_rate")
    for row in sorted(stats, key=lambda r: r["year"]):
        if row["year"] in YEARS:
            print(f"{row['year']}\t{row['start_rate']}\t{row['completion_rate']}")
    print(f"requests: {api.requests}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

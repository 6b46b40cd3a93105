"""Latency of pages and API endpoints under gunicorn, timed from this process over loopback.

Each scenario rotates over different objects and filters (other years, streets, compounds,
districts) so that no cache can answer every request with the same bytes; a warm-up pass
(not timed) comes first. Every response is checked (status, and for pages the content type):
a failed request is counted as an error, never timed as a success.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Count
from django.utils import timezone

from programmes.models import Compound, ProgressReport, Project, Stage, Street
from renovation.models import User

from .processes import Client, csrf_token
from .report import Row

Check = Callable[[int, dict, bytes], bool]


def ok_html(status: int, headers: dict, body: bytes) -> bool:
    return status == 200 and headers.get("content-type", "").startswith("text/html")


def ok_json(status: int, headers: dict, body: bytes) -> bool:
    return status == 200 and headers.get("content-type", "").startswith("application/json")


@dataclass
class Timing:
    seconds: list[float] = field(default_factory=list)
    errors: int = 0
    samples: list[str] = field(default_factory=list)
    cut: bool = False  # stopped at the time budget


# Seconds one scenario may take: a slow page at a large scale gives fewer samples (at least
# MIN_SAMPLES), never an endless run. The row shows how many were taken.
BUDGET = 180.0
MIN_SAMPLES = 5


def run(client: Client, paths: list[str], *, n: int, warmup: int, check: Check) -> Timing:
    """`warmup` untimed requests, then `n` timed ones, rotating over `paths`."""
    timing = Timing()
    deadline = time.monotonic() + BUDGET / 3
    for i in range(warmup):
        if i and time.monotonic() > deadline:
            break
        client.request("GET", paths[(i * 7 + 3) % len(paths)])
    deadline = time.monotonic() + BUDGET
    for i in range(n):
        if i >= MIN_SAMPLES and time.monotonic() > deadline:
            timing.cut = True
            break
        path = paths[i % len(paths)]
        seconds, status, headers, body = client.timed("GET", path)
        if check(status, headers, body):
            timing.seconds.append(seconds)
        else:
            timing.errors += 1
            if len(timing.samples) < 3:
                timing.samples.append(f"GET {path} -> {status} {body[:120]!r}")
    return timing


def row(what: str, timing: Timing, target_ms: float | None, note: str = "") -> Row:
    if timing.cut:
        note = (note + "; " if note else "") + f"stopped at the {BUDGET:.0f} s budget"
    if timing.samples:
        note = (note + "; " if note else "") + "first errors: " + " | ".join(timing.samples)
    return Row.latency(what, timing.seconds, target_ms=target_ms, errors=timing.errors, note=note)


# --- What to request -------------------------------------------------------------------------


def years() -> list[int]:
    this = timezone.localdate().year
    found = set(Project.objects.exclude(started_on=None).values_list("year", flat=True).distinct())
    return sorted({y for y in found if 1990 <= y <= 2100} | {this})[-8:]


def big_streets(user: User, limit: int = 20) -> list[tuple[int, int]]:
    """(street id, compounds) of the user's largest streets."""
    rows = (
        Compound.objects.visible_to(user)
        .values("street")
        .annotate(n=Count("id"))
        .order_by("-n", "street")[:limit]
    )
    return [(r["street"], r["n"]) for r in rows]


def compound_list_paths(user: User, page: int = 50) -> tuple[list[str], str]:
    """Filtered list URLs whose result reaches page `page` (else their last page)."""
    size = settings.RENOVATION_PAGE_SIZE
    visible = Compound.objects.visible_to(user)
    candidates: list[tuple[str, int]] = []
    for street, n in big_streets(user, 10):
        candidates.append((f"street={street}", n))
    for year in years():
        candidates.append((f"year={year}", visible.filter(current_project__year=year).count()))
    for stage in (Stage.CONSTRUCTION, Stage.ACCEPTED, Stage.SURVEYED):
        n = visible.filter(current_project__stage=stage).count()
        candidates.append((f"stage={stage}", n))
    deep = [(q, n) for q, n in candidates if n >= page * size]
    if deep:
        return [f"/compounds/?{q}&page={page}" for q, n in deep], f"page {page}"
    best = sorted(candidates, key=lambda c: -c[1])[:10]
    paths = [f"/compounds/?{q}&page={max(1, -(-n // size))}" for q, n in best if n]
    return paths or ["/compounds/"], f"no filter reaches page {page}: last pages"


def detail_paths(user: User, count: int = 200) -> list[str]:
    ids = list(Compound.objects.visible_to(user).order_by("id").values_list("id", flat=True))
    random.Random(7).shuffle(ids)  # nosec B311: seeded sampling of benchmark URLs, not security
    return [f"/compounds/{pk}/" for pk in ids[:count]]


def api_compound_paths(user: User) -> list[str]:
    pages = -(-Compound.objects.visible_to(user).count() // settings.RENOVATION_API_PAGE_SIZE)
    paths = [f"/api/v1/compounds/?page={p}" for p in range(1, min(pages, 50) + 1, 3)]
    paths += [f"/api/v1/compounds/?street={s}" for s, _ in big_streets(user, 10)]
    return paths


def statistics_paths(endpoint: str, user: User) -> list[str]:
    districts = list(
        Street.objects.filter(pk__in=[s for s, _ in big_streets(user, 40)])
        .values_list("district_id", flat=True)
        .distinct()
    )
    paths = [f"/api/v1/statistics/{endpoint}/"]
    paths += [f"/api/v1/statistics/{endpoint}/?district={d}" for d in districts[:8]]
    paths += [f"/api/v1/statistics/{endpoint}/?year={y}" for y in years()[-4:]]
    return paths


def distinct_statistics_paths(endpoint: str, user: User, count: int) -> list[str]:
    """`count` different scopes (streets, then districts), in a shuffled order."""
    streets = list(
        Street.objects.filter(
            pk__in=Compound.objects.visible_to(user).values("street")
        ).values_list("pk", "district_id")
    )
    random.Random(11).shuffle(streets)  # nosec B311: seeded sampling of benchmark URLs, not security
    paths = [f"/api/v1/statistics/{endpoint}/?street={s}" for s, _ in streets[:count]]
    districts = sorted({d for _, d in streets})
    paths += [f"/api/v1/statistics/{endpoint}/?district={d}" for d in districts]
    return paths[:count]


# --- Progress form ---------------------------------------------------------------------------

VERSION = re.compile(rb'name="version"(?:[^>]*?value="(\d+)")?')


def progress_submit(client: Client, user: User, *, n: int, warmup: int) -> tuple[Timing, int]:
    """POST the real progress form for `warmup + n` projects (each once, a new report or a
    correction of today's), check each redirect and that the report was saved. Returns the
    timing of the timed POSTs and the number of projects available."""
    today = timezone.localdate()
    projects = list(
        Project.objects.visible_to(user)
        .filter(stage=Stage.CONSTRUCTION, work_items__isnull=False)
        .exclude(started_on__gt=today)
        .distinct()
        .order_by("id")
        .values_list("id", flat=True)
    )
    timing = Timing()
    if not projects:
        timing.samples.append("the street officer has no project under construction")
        return timing, 0
    deadline = time.monotonic() + BUDGET
    for i in range(warmup + n):
        if i >= warmup + MIN_SAMPLES and time.monotonic() > deadline:
            timing.cut = True
            break
        pk = projects[i % len(projects)]
        ok, seconds, sample = _file_one(client, pk, today)
        if i < warmup:
            continue
        if ok:
            timing.seconds.append(seconds)
        else:
            timing.errors += 1
            if len(timing.samples) < 3:
                timing.samples.append(sample)
    return timing, len(projects)


def _file_one(client: Client, pk: int, today) -> tuple[bool, float, str]:
    status, _, page = client.request("GET", f"/projects/{pk}/progress/?date={today.isoformat()}")
    if status != 200:
        return False, 0.0, f"GET form {pk} -> {status}"
    match = VERSION.search(page)
    version = match.group(1).decode() if match and match.group(1) else ""
    existing = ProgressReport.objects.filter(project_id=pk, report_date=today).first()
    data: dict[str, object] = {
        "csrfmiddlewaretoken": csrf_token(page),
        "report_date": today.isoformat(),
        "loaded_date": today.isoformat() if existing else "",
        "version": version,
        "note": "bench",
    }
    quantities = {}
    for item in Project.objects.get(pk=pk).work_items.all():
        value = min(item.planned_quantity, item.completed_quantity + Decimal("1"))
        value = max(value, item.completed_quantity)
        quantities[item.pk] = value
        data[f"item_{item.pk}"] = str(value)
        data[f"reason_{item.pk}"] = "bench"
    seconds, status, _headers, body = client.timed("POST", f"/projects/{pk}/progress/", data)
    saved = ProgressReport.objects.filter(project_id=pk, report_date=today).first()
    lines = dict(saved.lines.values_list("work_item_id", "quantity_to_date")) if saved else {}
    expected_version = existing.version + 1 if existing else 1
    ok = (
        status == 302
        and saved is not None
        and saved.version == expected_version
        and lines == quantities
    )
    sample = f"POST {pk} -> {status} saved={saved is not None} {body[:160]!r}"
    return ok, seconds, sample


# --- All read scenarios ----------------------------------------------------------------------


def read_scenarios(
    port: int, accounts: dict[str, tuple[User, str]], token: str, *, n: int, warmup: int
) -> Iterable[Row]:
    """Yield one table row per read scenario."""
    sessions = {}
    for role in ("city", "district", "national"):
        if role not in accounts:
            continue
        user, password = accounts[role]
        sessions[role] = Client("127.0.0.1", port)
        sessions[role].login(user.username, password)
    api = Client("127.0.0.1", port, headers={"Authorization": f"Token {token}"})
    district, api_user = accounts["district"][0], accounts["api"][0]
    year_paths = [f"/?year={y}" for y in years()]

    timing = run(sessions["city"], year_paths, n=n, warmup=warmup, check=ok_html)
    yield row(f"city dashboard ({accounts['city'][0].username})", timing, 100)
    if "national" in sessions:
        timing = run(sessions["national"], year_paths, n=n, warmup=warmup, check=ok_html)
        yield row(f"national dashboard ({accounts['national'][0].username})", timing, 100)
    timing = run(sessions["district"], year_paths, n=n, warmup=warmup, check=ok_html)
    yield row(f"district dashboard ({district.username})", timing, 100)
    lister = "national" if "national" in sessions else "city"
    paths, how = compound_list_paths(accounts[lister][0])
    timing = run(sessions[lister], paths, n=n, warmup=warmup, check=ok_html)
    yield row(
        f"compound list, filtered, {how} ({accounts[lister][0].username})",
        timing,
        150,
        f"{len(paths)} filters: {', '.join(p.split('?')[1].split('&')[0] for p in paths[:6])}…",
    )
    paths = detail_paths(district)
    timing = run(sessions["district"], paths, n=n, warmup=warmup, check=ok_html)
    yield row("compound detail (district)", timing, 100, f"{len(paths)} compounds")
    paths = api_compound_paths(api_user)
    timing = run(api, paths, n=n, warmup=warmup, check=ok_json)
    yield row("API compound list", timing, 150, f"{len(paths)} pages/filters")
    for endpoint in ("progress", "funding-mix"):
        paths = statistics_paths(endpoint, api_user)
        timing = run(api, paths, n=n, warmup=warmup, check=ok_json)
        yield row(
            f"API statistics/{endpoint}, {len(paths)} scopes repeated",
            timing,
            50,
            "the same few answers again and again (what a cache may serve)",
        )
        fresh = distinct_statistics_paths(endpoint, api_user, n + warmup)
        for path in fresh[:warmup]:
            api.request("GET", path)
        timing = run(api, fresh[warmup:], n=n, warmup=0, check=ok_json)
        yield row(
            f"API statistics/{endpoint}, a new scope each request",
            timing,
            50,
            f"{len(fresh) - warmup} streets and districts, each asked once in the run",
        )

"""Arrange the bare SQL rows (bare_sql.py) in the snapshot's JSON shape and compare them with
the snapshots the application wrote, scope by scope. (The aggregates in those rows are the
registry's figures, compiled by Django; the rollup to every scope is the bare SQL's own.)

Arranging is bookkeeping, not computing: every number comes from a SQL aggregate, except two
figures that are defined as sums of districts and are lists or flags rather than numbers: the
resident-contribution rows of a city (its districts' rows, concatenated) and the governance
`present` flag of a city (the number of its districts that have governance records). A
province is by definition the sum of its cities, as in the rollup: its figures are added up
from the cities' SQL figures.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from reporting.rollups.compute import empty_figures, total

Key = tuple[str, int]
MEASURES = ("planned", "approved", "received", "spent")


def _money(value: object) -> str:
    return str(Decimal(str(value or 0)))


def assemble(rows: Mapping[str, list[tuple]]) -> dict[Key, dict]:
    """The raw figures of every scope that has any data, keyed by (kind, id)."""
    result: dict[Key, dict] = {}

    def row(kind: str, key: int | None) -> dict | None:
        if key is None:  # e.g. compounds without an area
            return None
        if (kind, key) not in result:
            result[(kind, key)] = empty_figures(kind)
        return result[(kind, key)]

    def year(figures: dict, y: int) -> dict:
        return figures["years"].setdefault(
            str(y),
            {
                "target_compounds": None,
                "target_households": None,
                "started": 0,
                "started_households": 0,
                "completed": 0,
                "completed_households": 0,
            },
        )

    for kind, key, stage, n, h, eligible in [*rows["stages"], *rows["programme_stages"]]:
        if (figures := row(kind, key)) is None:
            continue
        if stage is None:
            figures["unassigned"] = [n, h or 0]
        else:
            figures["stages"][stage] = [n, h or 0]
        figures["eligible"] += eligible
    for what in ("started", "completed"):
        for kind, key, y, n, h in rows[f"years_{what}"]:
            if (figures := row(kind, key)) is not None:
                entry = year(figures, int(y))
                entry[what], entry[f"{what}_households"] = n, h or 0
    for kind, key, y, compounds, households in rows["targets"]:
        entry = year(row(kind, key), y)
        entry["target_compounds"], entry["target_households"] = compounds, households
    for kind, key, n, building, p_sum, w_sum, b_building, budget, overdue in rows["projects"]:
        if (figures := row(kind, key)) is not None:
            figures["projects"] = {
                "count": n,
                "in_construction": building,
                "progress_sum": _money(p_sum),
                "weighted_sum": _money(w_sum),
                "budget_in_construction": _money(b_building),
                "budget": _money(budget),
                "reports_overdue": overdue,
            }
    for kind, key, n, overdue in rows["problems"]:
        if (figures := row(kind, key)) is not None:
            figures["problems"] = {"open": n, "overdue": overdue}
    codes = dict(rows["work_types"])
    for kind, key, work_type, projects, planned, done, budget in rows["work"]:
        if (figures := row(kind, key)) is not None:
            figures["work"][codes[work_type]] = {
                "projects": projects,
                "planned": _money(planned),
                "completed": _money(done),
                "budget": _money(budget),
            }
    _funding(rows, row)
    _governance(rows, row, result)
    province_of = dict(rows.get("cities", []))
    by_province: dict[int, list[dict]] = defaultdict(list)
    for (kind, key), figures in result.items():
        if kind == "city":
            by_province[province_of[key]].append(_pairs_as_ints(figures))
    for province, parts in by_province.items():
        result[("province", province)] = total("province", parts)
    return result


def _funding(rows: Mapping[str, list[tuple]], row) -> None:
    for name in ("funding_attributed", "funding_whole"):
        for kind, key, source_kind, sub_type, what, amount, approved in rows[name]:
            if (figures := row(kind, key)) is None:
                continue
            slot = figures["funding"]["money"].setdefault(
                f"{source_kind}|{sub_type}", dict.fromkeys(MEASURES, "0")
            )
            if what == "commitment":
                slot["planned"] = _money(Decimal(slot["planned"]) + Decimal(str(amount or 0)))
                slot["approved"] = _money(Decimal(slot["approved"]) + Decimal(str(approved or 0)))
            else:
                slot[what] = _money(Decimal(slot[what]) + Decimal(str(amount or 0)))
    rules = {r[0]: r for r in rows["rules"]}
    collected = {(kind, key, rule): total for kind, key, rule, total in rows["collected"]}
    district_rows: dict[int, list[dict]] = defaultdict(list)
    for kind, key, rule_id, projects, households, floor_area in rows["residents"]:
        if (figures := row(kind, key)) is None:
            continue
        _, programme, name, sub_type, basis, rate = rules[rule_id]
        entry = {
            "rule": rule_id,
            "programme": programme,
            "name": name,
            "sub_type": sub_type,
            "basis": basis,
            "rate": str(rate),
            "projects": projects,
            "households": households or 0,
            "floor_area": _money(floor_area),
            "collected": _money(collected.get((kind, key, rule_id))),
        }
        figures["funding"]["residents"].append(entry)
        if kind == "district":
            district_rows[key].append(entry)
    city_of = dict(rows["districts"])
    for district, entries in district_rows.items():
        for kind, key in (("city", city_of[district]), ("all", 0)):
            row(kind, key)["funding"]["residents"].extend(entries)


def _pairs_as_ints(value: Any) -> Any:
    """SQL sums arrive as Decimals; the rollup's (compounds, households) pairs are ints, which
    is how `merge` tells a pair to add from a list to concatenate."""
    if isinstance(value, dict):
        return {key: _pairs_as_ints(item) for key, item in value.items()}
    if isinstance(value, list):
        if len(value) == 2 and all(isinstance(x, int | Decimal) for x in value):
            return [int(x) for x in value]
        return [_pairs_as_ints(item) for item in value]
    return value


def _governance(rows: Mapping[str, list[tuple]], row, result: dict[Key, dict]) -> None:
    def gov(kind: str, key: int | None) -> dict | None:
        figures = row(kind, key)
        if figures is None:
            return None
        figures["governance"]["present"] = 1
        return figures["governance"]

    for kind, key, committee_kind, n, members in [*rows["committees"], *rows["area_committees"]]:
        if (g := gov(kind, key)) is not None:
            g["by_kind"][committee_kind] = {"count": n, "headcount": members}
            g["committees"] += n
            g["committee_members"] += members
    fields = {
        "meetings": ("meetings", "meeting_attendance"),
        "surveys": ("surveyed_projects", "forms_issued", "forms_returned", "support"),
        "votes": ("votes", "votes_tallied", "votes_passed", "votes_without_quorum"),
        "fund_collections": (
            "fund_households_expected",
            "fund_households_paid",
            "fund_amount_expected",
            "fund_amount_collected",
        ),
        "suggestions": (
            "suggestions",
            "suggestions_answered",
            "suggestions_within_day",
            "suggestions_open",
        ),
        "satisfaction": ("respondents", "satisfied"),
        "managed": ("managed_compounds",),
    }
    for name, names in fields.items():
        for kind, key, *values in rows[name]:
            if (g := gov(kind, key)) is not None:
                for field, value in zip(names, values, strict=True):
                    g[field] = _money(value) if field.startswith("fund_amount") else value
    # A city's (and the country's) `present` counts its districts that have governance.
    city_of = dict(rows["districts"])
    for scope in (k for k in result if k[0] in ("city", "all")):
        result[scope]["governance"]["present"] = 0
    for (kind, key), figures in list(result.items()):
        if kind == "district" and figures["governance"]["present"]:
            row("city", city_of[key])["governance"]["present"] += 1
            row("all", 0)["governance"]["present"] += 1


# --- Comparing -------------------------------------------------------------------------------


def normal(value: Any) -> Any:
    """Numbers (ints and decimal strings) as Decimals, resident rows in a fixed order."""
    if isinstance(value, dict):
        return {key: normal(item) for key, item in value.items()}
    if isinstance(value, list):
        items = [normal(item) for item in value]
        if items and all(isinstance(item, dict) for item in items):
            items.sort(key=lambda item: (item.get("programme"), item.get("rule"), repr(item)))
        return items
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str):
        try:
            return Decimal(value)
        except ArithmeticError:
            return value
    return value


def differences(a: Any, b: Any, path: str = "") -> Iterable[str]:
    """Paths where two normalised figure trees differ, with both values."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(a.keys() | b.keys(), key=str):
            yield from differences(a.get(key), b.get(key), f"{path}.{key}")
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for index, (x, y) in enumerate(zip(a, b, strict=True)):
            yield from differences(x, y, f"{path}[{index}]")
    elif a != b:
        yield f"{path or '.'}: snapshot {a!r} != bare SQL {b!r}"


def compare(
    snapshots: Iterable[tuple[str, int, dict]], bare: Mapping[Key, dict]
) -> tuple[int, list[str]]:
    """Compare each snapshot (kind, id, figures) with the bare SQL figures of its scope (empty
    figures when the SQL found nothing for it). Returns (scopes compared, mismatch lines)."""
    count, mismatches = 0, []
    for kind, pk, figures in snapshots:
        count += 1
        expected = bare.get((kind, pk)) or empty_figures(kind)
        for line in differences(normal(figures), normal(expected)):
            mismatches.append(f"{kind} {pk}{line}")
    return count, mismatches

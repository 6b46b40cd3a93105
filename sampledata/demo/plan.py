"""Pure, deterministic specifications of the demo data (no database access).

`build_plan(as_of)` returns one RegionSpec per district. Every random choice comes from one
`random.Random(RANDOM_SEED)`, drawn in a fixed order, so the same date gives the same rows.
Only dates of the fictional 2026 programme (construction, reports) depend on `as_of`.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from . import seeds as S
from .split import jitter, split_decimal, split_int, split_with_fixed

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
ZERO = Decimal(0)

STAGES = [
    "surveyed",
    "consultation",
    "design",
    "approved",
    "tendering",
    "construction",
    "accepted",
    "handed_over",
]
ELIGIBLE, GOOD, REDEVELOPED = "eligible", "good", "redeveloped"
COUNT_UNITS_DECIMAL = {"m", "m2"}  # every other unit is counted in whole numbers


# --- Specifications ------------------------------------------------------------------------


@dataclass
class BuildingSpec:
    name: str
    floors: int
    units: int
    households: int
    year_built: int
    has_elevator: bool = False


@dataclass
class CompoundSpec:
    code: str
    name: str
    street: str
    community: str | None
    area: str | None
    year_built: int
    households: int
    residents: int
    floor_area: Decimal
    building_count: int
    survey_status: str
    flags: tuple[bool, bool, bool, bool, bool]
    address: str = ""
    notes: str = ""
    buildings: list[BuildingSpec] | None = None  # Building rows are created when set


@dataclass
class WorkItemSpec:
    work_type: str
    planned: Decimal
    budget: Decimal
    completed: Decimal = ZERO
    description: str = ""


@dataclass
class SurveySpec:
    held_on: dt.date
    issued: int
    returned: int
    support: int
    oppose: int
    abstain: int
    suggestions: int = 0
    scope_label: str = ""


@dataclass
class ReportSpec:
    report_date: dt.date
    note: str
    lines: dict[str, Decimal]  # work-type code -> completed quantity to date


@dataclass
class ProblemSpec:
    title: str
    description: str
    severity: str
    age_hours: int
    resolution: str = ""
    closed_after_hours: int | None = None


@dataclass
class ProjectSpec:
    compound: str  # compound code
    year: int
    stage: str
    budget: Decimal
    category: str = "basic"
    contractor: str = ""
    batch: str | None = None
    name: str = ""
    started_on: dt.date | None = None
    completed_on: dt.date | None = None
    entered_on: dt.date | None = None  # date the current stage began (before construction)
    work_items: list[WorkItemSpec] = field(default_factory=list)
    surveys: list[SurveySpec] = field(default_factory=list)
    residents_present: int = 0
    reports: list[ReportSpec] = field(default_factory=list)
    problems: list[ProblemSpec] = field(default_factory=list)
    actor: str = "admin"  # username recorded on the stage transitions

    @property
    def progress(self) -> Decimal:
        return HUNDRED if self.completed_on else ZERO


@dataclass
class ProgrammeSpec:
    name: str
    start_year: int
    end_year: int
    description: str
    projects: list[ProjectSpec]
    batches: list[tuple[str, int, int]] = field(default_factory=list)
    targets: list[tuple[int, int, int, int]] = field(default_factory=list)
    support_threshold: Decimal = Decimal("90.00")


@dataclass
class RegionSpec:
    province: tuple[str, str]
    city: tuple[str, str]
    district: tuple[str, str]
    streets: dict[str, list[str]]
    areas: dict[str, str]  # name -> description
    compounds: list[CompoundSpec]
    programmes: list[ProgrammeSpec]


# --- Helpers -------------------------------------------------------------------------------


def money(value: float | Decimal, quantum: str = "100") -> Decimal:
    return Decimal(str(value)).quantize(Decimal(quantum), rounding=ROUND_HALF_UP).quantize(CENT)


def rand_date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    if end <= start:
        return start
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def flags(rng: random.Random) -> tuple[bool, bool, bool, bool, bool]:
    values = [rng.random() < p for p in (0.55, 0.8, 0.6, 0.65, 0.35)]
    if not any(values):
        values[1] = True
    return tuple(values)  # type: ignore[return-value]


NO_FLAGS = (False, False, False, False, False)


def buildings_for(
    rng: random.Random, households: int, count: int, year_built: int, floors=(5, 7)
) -> list[BuildingSpec]:
    parts = split_int(households, count, rng, minimum=1, sigma=0.3)
    result = []
    for i, part in enumerate(parts, start=1):
        storeys = rng.randint(*floors)
        units = max(1, min(6, math.ceil(part / (storeys * 2))))
        result.append(BuildingSpec(f"{i}栋", storeys, units, part, year_built))
    return result


def survey(
    rng: random.Random,
    held_on,
    issued: int,
    rate: float,
    *,
    returned: int | None = None,
    suggestions: int = 0,
    label: str = "",
) -> SurveySpec:
    returned = issued if returned is None else returned
    support = min(returned, math.ceil(returned * rate))
    rest = returned - support
    oppose = rest * 2 // 3
    return SurveySpec(held_on, issued, returned, support, oppose, rest - oppose, suggestions, label)


def targets_from(projects: list[ProjectSpec], compounds: dict[str, CompoundSpec], years) -> list:
    rows = []
    for year in years:
        chosen = [compounds[p.compound] for p in projects if p.year == year]
        rows.append(
            (
                year,
                len(chosen),
                sum(c.households for c in chosen),
                sum(c.building_count for c in chosen),
            )
        )
    return rows


class Namer:
    """Unique compound names (“X路N号”) per district, never clashing with the named ones."""

    def __init__(self, rng: random.Random, reserved: set[str], roads: dict[str, list[str]]):
        self.rng, self.used, self.roads = rng, set(reserved), roads

    def __call__(self, street: str) -> str:
        while True:
            road = self.rng.choice(self.roads[street])
            number = self.rng.randint(1, 180)
            suffix = "号院" if self.rng.random() < 0.2 else "号"
            name = f"{road}{number}{suffix}"
            if name not in self.used and f"{road}{number}号" not in self.used:
                self.used.update({name, f"{road}{number}号", f"{road}{number}号院"})
                return name


def year_slots(rng: random.Random, by_year: dict[int, int], fixed_years: list[int]) -> list[int]:
    """Years for a group: the fixed (named) compounds first, then the others shuffled."""
    slots = [year for year, count in by_year.items() for _ in range(count)]
    for year in fixed_years:
        slots.remove(year)
    rng.shuffle(slots)
    return fixed_years + slots


def transition_dates(spec: ProjectSpec, as_of: dt.date) -> list[tuple[str, dt.date]]:
    """The date each stage after `surveyed` was entered, up to the project's current stage."""
    index = STAGES.index(spec.stage)
    dates: dict[str, dt.date] = {}
    if spec.started_on:
        for offset, stage in (
            (130, "consultation"),
            (85, "design"),
            (50, "approved"),
            (25, "tendering"),
            (0, "construction"),
        ):
            dates[stage] = spec.started_on - dt.timedelta(days=offset)
    else:
        entered = spec.entered_on or as_of
        for k in range(1, index + 1):
            dates[STAGES[k]] = entered - dt.timedelta(days=28 * (index - k))
    if spec.completed_on:
        dates["accepted"] = spec.completed_on
        dates["handed_over"] = min(spec.completed_on + dt.timedelta(days=45), as_of)
    return [(STAGES[k], dates[STAGES[k]]) for k in range(1, index + 1)]


# --- 青羊区 ---------------------------------------------------------------------------------


WORK_POOL_2026 = {
    # code: (quantity range or fixed, unit cost in yuan)
    "elevators": ((1, 6), 480_000),
    "ev-chargers": ((8, 40), 9_000),
    "ebike-chargers": ((20, 80), 1_500),
    "accessibility": ((2, 8), 18_000),
    "elderly-care": ((1, 1), 320_000),
    "child-care": ((1, 1), 220_000),
    "community-canteen": ((1, 1), 380_000),
    "smart-access": ((1, 3), 85_000),
    "security-cctv": ((1, 2), 130_000),
    "waste-sorting": ((2, 6), 22_000),
    "greening": ((300, 1500), 180),
    "parcel-lockers": ((1, 3), 32_000),
    "lighting": ((20, 60), 2_600),
    "fire-facilities": ((10, 40), 6_500),
    "convenience-services": ((1, 1), 150_000),
}
WORK_UNITS_M = {"greening"}  # m² items in the 2026 pool (decimal quantities)
HUANHUA_WORKS = [
    "elevators",
    "ev-chargers",
    "ebike-chargers",
    "accessibility",
    "elderly-care",
    "community-canteen",
    "smart-access",
]


def works_2026(rng: random.Random, compound: CompoundSpec, codes: list[str] | None):
    if codes is None:
        anchor = rng.choice(["elevators", "ev-chargers", "elderly-care"])
        others = [c for c in WORK_POOL_2026 if c != anchor]
        codes = [anchor, *rng.sample(others, rng.randint(3, 7))]
    items = []
    for code in codes:
        (low, high), cost = WORK_POOL_2026[code]
        if code == "elevators":
            high = max(1, min(high, compound.building_count * 2))
            low = min(low, high)
        qty = Decimal(rng.randint(low, high))
        budget = (qty * Decimal(cost) * Decimal(str(rng.uniform(0.9, 1.1)))).quantize(CENT)
        items.append(WorkItemSpec(code, qty.quantize(CENT), budget))
    return items


def progress_lines(rng, items: list[WorkItemSpec], fractions: list[float], unit_of) -> list[dict]:
    """Cumulative, non-decreasing quantities per report for the given overall fractions."""
    per_report: list[dict[str, Decimal]] = [{} for _ in fractions]
    for item in items:
        own = [min(1.0, f * rng.uniform(0.85, 1.15)) for f in fractions]
        if fractions[-1] >= 1.0:
            own[-1] = 1.0
        previous = ZERO
        for k, share in enumerate(own):
            raw = item.planned * Decimal(str(share))
            if unit_of(item.work_type) in COUNT_UNITS_DECIMAL:
                value = raw.quantize(CENT)
            else:
                value = raw.to_integral_value(rounding="ROUND_FLOOR").quantize(CENT)
            value = max(previous, min(value, item.planned))
            previous = value
            if value > 0 or k == len(fractions) - 1:
                per_report[k][item.work_type] = value
    return per_report


def qingyang(rng: random.Random, as_of: dt.date, unit_of) -> RegionSpec:
    district_code = S.QINGYANG["district"][1]
    streets = list(S.QY_STREETS)
    weights = [S.QY_STREET_WEIGHTS[s] for s in streets]
    reserved = {row[0] for row in S.QY_NAMED}
    namer = Namer(rng, reserved, S.QY_ROADS)
    areas_by_street: dict[str, list[str]] = {}
    for area, street in S.QY_AREAS.items():
        areas_by_street.setdefault(street, []).append(area)

    compounds: list[CompoundSpec] = []
    seq = [0]

    def new_compound(name, street, community, area, year_built, households, status, **extra):
        seq[0] += 1
        ratio = rng.uniform(2.5, 3.0)
        floor_area = (Decimal(households) * Decimal(str(rng.uniform(60, 75)))).quantize(CENT)
        building_count = extra.pop("building_count", None) or max(
            1, min(households, math.ceil(households / rng.randint(18, 36)))
        )
        spec = CompoundSpec(
            code=f"{district_code}-{seq[0]:04d}",
            name=name,
            street=street,
            community=community or rng.choice(S.QY_STREETS[street]),
            area=area,
            year_built=year_built,
            households=households,
            residents=round(households * ratio),
            floor_area=floor_area,
            building_count=building_count,
            survey_status=status,
            flags=flags(rng) if status == ELIGIBLE else NO_FLAGS,
            address=f"成都市青羊区{name}" if name[-1] in "号院" else f"成都市青羊区{street}{name}",
            **extra,
        )
        compounds.append(spec)
        return spec

    def group(programme: str, total_households: int, by_year: dict[int, int]):
        named = [row for row in S.QY_NAMED if row[3] == programme]
        n = sum(by_year.values())
        years = year_slots(rng, by_year, [row[4] for row in named])
        households = split_with_fixed(
            total_households, n, rng, {i: row[5] for i, row in enumerate(named)}, minimum=16
        )
        result = []
        for i in range(n):
            if i < len(named):
                name, street, community, _, _, h, buildings, built, area = named[i]
                spec = new_compound(
                    name, street, community, area, built, h, ELIGIBLE, building_count=buildings
                )
                spec.buildings = buildings_for(rng, h, buildings, built)
            else:
                street = rng.choices(streets, weights)[0]
                area = None
                if programme == "14" and street in areas_by_street and rng.random() < 0.55:
                    area = rng.choice(areas_by_street[street])
                built = min(2004, int(rng.triangular(1978, 2004, 1993)))
                spec = new_compound(
                    namer(street), street, None, area, built, households[i], ELIGIBLE
                )
            result.append((spec, years[i]))
        return result

    fyp13 = group("13", S.QY_13TH_HOUSEHOLDS, S.QY_13TH_BY_YEAR)
    fyp14 = group("14", S.QY_14TH_HOUSEHOLDS, S.QY_14TH_BY_YEAR)
    for _ in range(S.QY_GOOD):
        street = rng.choices(streets, weights)[0]
        new_compound(
            namer(street), street, None, None, rng.randint(1995, 2004), rng.randint(40, 320), GOOD
        )
    for _ in range(S.QY_REDEVELOPED):
        street = rng.choices(streets, weights)[0]
        spec = new_compound(
            namer(street),
            street,
            None,
            None,
            rng.randint(1968, 1990),
            rng.randint(30, 220),
            REDEVELOPED,
        )
        spec.notes = "已实施棚户区改造（棚改），不再纳入老旧小区改造。"
    by_code = {c.code: c for c in compounds}

    # “十三五”: all handed over to long-term management.
    p13 = []
    for spec, year in fyp13:
        started = rand_date(rng, dt.date(year, 3, 1), dt.date(year, 6, 30))
        completed = rand_date(rng, dt.date(year, 9, 1), dt.date(year, 12, 20))
        p13.append(
            ProjectSpec(
                compound=spec.code,
                year=year,
                stage="handed_over",
                batch=f"{year}年度",
                budget=money(spec.floor_area * Decimal(str(rng.uniform(150, 260)))),
                contractor=rng.choice(S.QY_CONTRACTORS),
                started_on=started,
                completed_on=completed,
                residents_present=rng.randint(3, 12),
            )
        )
    # “十四五”: every compound completed in its plan year.
    p14 = []
    for spec, year in fyp14:
        started = rand_date(rng, dt.date(year, 2, 15), dt.date(year, 5, 31))
        completed = rand_date(rng, dt.date(year, 8, 15), dt.date(year, 12, 20))
        stage = "handed_over" if year <= 2023 or rng.random() < 0.45 else "accepted"
        project = ProjectSpec(
            compound=spec.code,
            year=year,
            stage=stage,
            batch=f"{year}年度",
            category="basic" if rng.random() < 0.6 else "improvement",
            budget=money(spec.floor_area * Decimal(str(rng.uniform(320, 480)))),
            contractor=rng.choice(S.QY_CONTRACTORS),
            started_on=started,
            completed_on=completed,
            residents_present=rng.randint(3, 15),
        )
        held = started - dt.timedelta(days=100)
        if spec.name == "群和街2号":  # seed: 方案支持率和改造后满意度均高达100%
            project.surveys.append(
                survey(
                    rng,
                    held,
                    spec.households,
                    1.0,
                    suggestions=14,
                    label="群和街2号全体住户（坝坝会）",
                )
            )
            project.actor = "district"
        elif spec.name == "双清中路98号教师公寓":  # seed: 发放意愿征集表356份，收集意见建议22条
            project.surveys.append(
                survey(
                    rng, held, 356, 0.955, suggestions=22, label="双清中路98号教师公寓（坝坝会5场）"
                )
            )
            project.actor = "district"
        p14.append(project)

    # The fictional 2026 programme: 提升类/完善类 works on compounds done in the 13th FYP.
    caotang = [s for s, _ in fyp13 if s.street == "草堂街道" and s.name != "芳邻路2号"][:5]
    fanglin = next(s for s, _ in fyp13 if s.name == "芳邻路2号")
    others_pool = [s for s, _ in fyp13 if s.street != "草堂街道" and s.name != "芳邻路2号"]
    others = rng.sample(others_pool, 17)
    huanhua = next(s for s, _ in fyp14 if s.name == "浣花小区")
    plan_2026 = (
        [
            (huanhua, "construction"),
            *[(s, "construction") for s in caotang[:4]],
            (caotang[4], "accepted"),
            (fanglin, "accepted"),
            (others[0], "accepted"),
        ]
        + [(s, "construction") for s in others[1:4]]
        + [
            (s, stage)
            for s, stage in zip(
                others[4:],
                ["surveyed"] * 3
                + ["consultation"] * 3
                + ["design"] * 3
                + ["approved"] * 2
                + ["tendering"] * 2,
                strict=True,
            )
        ]
    )
    start_floor = dt.date(2026, 1, 5)
    p26 = []
    consultation_rates = iter([0.956, 0.78, None])
    for spec, stage in plan_2026:
        if spec.buildings is None:
            spec.buildings = buildings_for(
                rng, spec.households, spec.building_count, spec.year_built
            )
        items = works_2026(rng, spec, HUANHUA_WORKS if spec is huanhua else None)
        codes = {i.work_type for i in items}
        category = (
            "enhancement"
            if codes & {"elderly-care", "child-care", "community-canteen", "convenience-services"}
            else "improvement"
        )
        project = ProjectSpec(
            compound=spec.code,
            year=2026,
            stage=stage,
            category=category,
            budget=sum((i.budget for i in items), ZERO),
            work_items=items,
            name=f"{spec.name}提升改造（2026）",
            actor="district",
            contractor=rng.choice(S.QY_CONTRACTORS)
            if STAGES.index(stage) >= STAGES.index("tendering")
            else "",
        )
        if stage == "construction":
            project.started_on = max(start_floor, as_of - dt.timedelta(days=rng.randint(40, 120)))
            count = rng.randint(3, 5)
            dates = [as_of - dt.timedelta(days=2 + 7 * k) for k in range(count)][::-1]
            dates = [d for d in dates if d >= project.started_on] or [as_of]
            final = rng.uniform(0.25, 0.85)
            fractions = [final * (k + 1) / len(dates) for k in range(len(dates))]
            lines = progress_lines(rng, items, fractions, unit_of)
            project.reports = [
                ReportSpec(d, "按工程日进度一栏表填报。", line)
                for d, line in zip(dates, lines, strict=True)
            ]
        elif stage == "accepted":
            project.completed_on = as_of - dt.timedelta(days=rng.randint(15, 60))
            project.started_on = max(
                start_floor, project.completed_on - dt.timedelta(days=rng.randint(80, 140))
            )
            project.residents_present = rng.randint(4, 10)
            dates = [
                project.completed_on - dt.timedelta(days=20),
                project.completed_on - dt.timedelta(days=3),
            ]
            lines = progress_lines(rng, items, [0.6, 1.0], unit_of)
            project.reports = [
                ReportSpec(dates[0], "主体工程基本完成。", lines[0]),
                ReportSpec(dates[1], "全部完工，待竣工验收。", lines[1]),
            ]
        else:
            project.entered_on = as_of - dt.timedelta(days=rng.randint(5, 40))
        stage_index = STAGES.index(stage)
        if stage == "consultation":
            rate = next(consultation_rates)
            if rate is not None:
                project.surveys.append(
                    survey(
                        rng,
                        project.entered_on + dt.timedelta(days=3),
                        spec.households,
                        rate,
                        returned=round(spec.households * 0.93),
                        suggestions=rng.randint(3, 15),
                        label=f"{spec.name}全体住户",
                    )
                )
        elif stage_index > STAGES.index("consultation"):
            design_on = dict(transition_dates(project, as_of))["design"]
            project.surveys.append(
                survey(
                    rng,
                    design_on - dt.timedelta(days=10),
                    spec.households,
                    rng.uniform(0.91, 0.99),
                    returned=round(spec.households * rng.uniform(0.9, 0.98)),
                    suggestions=rng.randint(3, 20),
                    label=f"{spec.name}全体住户",
                )
            )
        p26.append(project)

    # Site problems on 草堂 projects under construction (每日调度、次日报告、当日解决).
    caotang_construction = [
        p for p in p26 if p.stage == "construction" and by_code[p.compound].street == "草堂街道"
    ]
    problem_rows = [
        (
            0,
            "3号楼加装电梯基坑开挖遇既有燃气管线",
            "开挖至1.2米处发现未标注的中压燃气管线，已停工并设置警戒。",
            "high",
            50,
            "",
            None,
        ),
        (
            1,
            "施工围挡占用消防通道",
            "东侧围挡外扩约1.5米，消防车道宽度不足4米。",
            "critical",
            30,
            "",
            None,
        ),
        (2, "居民反映夜间施工噪声", "2栋居民反映22点后仍有切割作业。", "low", 3, "", None),
        (
            0,
            "充电桩电源接入容量不足",
            "新增充电桩负荷超出现有箱变容量。",
            "medium",
            216,
            "供电公司已完成箱变增容（新增200kVA），充电桩已通电调试。",
            20,
        ),
        (
            3,
            "化粪池清掏影响地面铺装工期",
            "化粪池清掏需协调环卫车辆进场。",
            "medium",
            120,
            "与环卫所约定夜间清掏，次日完成铺装。",
            16,
        ),
    ]
    for index, title, description, severity, age, resolution, closed_after in problem_rows:
        caotang_construction[index % len(caotang_construction)].problems.append(
            ProblemSpec(title, description, severity, age, resolution, closed_after)
        )
    street_actor = [p for p in p26 if by_code[p.compound].street == "草堂街道"]
    for p in street_actor:
        p.actor = "district"

    total_26 = len(p26)
    programmes = [
        ProgrammeSpec(
            name="青羊区老旧小区改造“十三五”计划",
            start_year=2016,
            end_year=2020,
            description=(
                "“十三五”期间（2015—2020）青羊区已改造老旧小区415个，惠及居民3.5万余户"
                "（演示数据按35,200户计）。芳邻路2号小区荣获全市“老旧小区改造最佳物业奖”。"
            ),
            projects=p13,
            batches=[(f"{y}年度", y, i) for i, y in enumerate(S.QY_13TH_BY_YEAR, 1)],
            targets=targets_from(p13, by_code, S.QY_13TH_BY_YEAR),
        ),
        ProgrammeSpec(
            name="青羊区城镇老旧院落改造“十四五”实施方案",
            start_year=2021,
            end_year=2025,
            description=(
                "全区1891个小区（院落）排查，2004年底前建成的老旧小区1267个，其中现状良好185个、"
                "已实施棚改48个，符合改造标准的1034个。“十四五”期间需改造619个，惠及居民5.78万户："
                "2021年50个，2022年162个，2023年186个，2024年底前完成剩余221个，提前1年完成任务。"
                "以西御河、草市街、少城、草堂、府南五个街道为重点，推进8个片区连片改造。"
            ),
            projects=p14,
            batches=[(f"{y}年度", y, i) for i, y in enumerate(S.QY_14TH_BY_YEAR, 1)],
            targets=targets_from(p14, by_code, [*S.QY_14TH_BY_YEAR, 2025]),
        ),
        ProgrammeSpec(
            name="青羊区2026年老旧小区改造提升计划（演示）",
            start_year=2026,
            end_year=2026,
            description=(
                "本计划为演示用虚构数据（fictional demo data），并非官方发布的计划："
                f"选取“十三五”期间已改造的小区及浣花小区共{total_26}个，实施加装电梯、充电设施、适老化及养老托育等"
                "完善类、提升类改造。"
            ),
            projects=p26,
            batches=[("2026年度", 2026, 1)],
            targets=targets_from(p26, by_code, [2026]),
        ),
    ]
    areas = {
        name: f"青羊区连片改造片区（主要位于{street}；片区范围为演示数据）。"
        for name, street in S.QY_AREAS.items()
    }
    return RegionSpec(
        S.QINGYANG["province"],
        S.QINGYANG["city"],
        S.QINGYANG["district"],
        S.QY_STREETS,
        areas,
        compounds,
        programmes,
    )


# --- 峨山县 ---------------------------------------------------------------------------------


ES_UNIT_COSTS = {
    "wall-removal": 85,
    "illegal-structures": 160,
    "parking-spaces": 3_200,
    "rain-pipe": 420,
    "sewage-pipe": 460,
    "telecom-line": 130,
    "gas-pipe": 360,
    "pavilions": 65_000,
    "bike-sheds": 42_000,
    "trees": 1_600,
}
ES_PIPE_MINIMUM = 20


def eshan(rng: random.Random, as_of: dt.date) -> RegionSpec:
    code = S.ESHAN["district"][1]
    total, phase1 = S.ES_TOTAL, S.ES_PHASE1
    n1 = phase1["compounds"]
    n_rest = total["compounds"] - n1
    n2 = S.ES_PHASE2_COMPOUNDS
    households = split_int(phase1["households"], n1, rng, minimum=15) + split_int(
        total["households"] - phase1["households"], n_rest, rng, minimum=12
    )
    hh1, hh_rest = households[:n1], households[n1:]
    buildings = split_int(phase1["buildings"], n1, weights=jitter(rng, hh1), caps=hh1) + split_int(
        total["buildings"] - phase1["buildings"], n_rest, weights=jitter(rng, hh_rest), caps=hh_rest
    )
    residents1 = round(total["residents"] * phase1["households"] / total["households"])
    residents = split_int(residents1, n1, weights=jitter(rng, hh1, 0.05)) + split_int(
        total["residents"] - residents1, n_rest, weights=jitter(rng, hh_rest, 0.05)
    )
    areas_m2 = split_decimal(phase1["floor_area"], jitter(rng, hh1)) + split_decimal(
        total["floor_area"] - phase1["floor_area"], jitter(rng, hh_rest)
    )
    area_names = list(S.ES_AREAS)
    grids = split_int(S.ES_PHASE1_GRIDS, len(area_names), rng, minimum=8, sigma=0.3)
    area_of = sorted(
        [area_names[i % len(area_names)] for i in range(n1)], key=lambda a: area_names.index(a)
    )
    namer = Namer(rng, set(), S.ES_ROADS)
    compounds = []
    for i in range(total["compounds"]):
        street = "双江街道" if i < n1 or rng.random() < 0.8 else "小街街道"
        built = rng.randint(1978, 1999)
        name = namer(street)
        spec = CompoundSpec(
            code=f"{code}-{i + 1:04d}",
            name=name,
            street=street,
            community=rng.choice(S.ES_STREETS[street]),
            area=area_of[i] if i < n1 else None,
            year_built=built,
            households=households[i],
            residents=residents[i],
            floor_area=areas_m2[i],
            building_count=buildings[i],
            survey_status=ELIGIBLE,
            flags=flags(rng),
            address=f"玉溪市峨山彝族自治县{name}",
        )
        spec.buildings = buildings_for(rng, households[i], buildings[i], built, floors=(4, 6))
        compounds.append(spec)
    by_code = {c.code: c for c in compounds}

    # Phase-1 work items: the seed's quantities spread over the 22 projects.
    works: list[list[WorkItemSpec]] = [[] for _ in range(n1)]
    for work_type, (quantity, count) in S.ES_PHASE1_WORKS.items():
        chosen = sorted(rng.sample(range(n1), count))
        minimum = ES_PIPE_MINIMUM if work_type.endswith(("pipe", "line")) else 1
        parts = split_int(
            quantity, count, weights=jitter(rng, [hh1[i] for i in chosen], 0.3), minimum=minimum
        )
        for i, part in zip(chosen, parts, strict=True):
            qty = Decimal(part).quantize(CENT)
            cost = qty * ES_UNIT_COSTS[work_type] * Decimal(str(rng.uniform(0.92, 1.08)))
            works[i].append(WorkItemSpec(work_type, qty, cost.quantize(CENT), qty))
    works_cost = [sum((w.budget for w in items), ZERO) for items in works]
    paving_budget = split_decimal(phase1["budget"] - sum(works_cost, ZERO), jitter(rng, hh1))
    for i, items in enumerate(works):
        paving = (areas_m2[i] * Decimal("0.3")).quantize(CENT)
        items.append(
            WorkItemSpec(
                "sponge-paving", paving, paving_budget[i], paving, "小区道路彩色透水混凝土"
            )
        )
    budgets_rest = split_decimal(
        total["budget"] - phase1["budget"], jitter(rng, hh_rest, 0.2), quantum=Decimal("100")
    )

    forms = split_int(S.ES_PHASE1_SURVEY_FORMS, n1, weights=hh1, caps=hh1)
    suggestions = split_int(S.ES_PHASE1_SUGGESTIONS, n1, rng, minimum=0)
    projects = []
    for i, spec in enumerate(compounds):
        phase = 1 if i < n1 else (2 if i < n1 + n2 else 3)
        if phase == 1:
            year, started = 2020, rand_date(rng, dt.date(2019, 11, 1), dt.date(2020, 2, 28))
            completed = rand_date(rng, dt.date(2020, 6, 1), dt.date(2020, 9, 30))
            budget = works_cost[i] + paving_budget[i]
        else:
            year = 2020 + phase - 1
            started = rand_date(rng, dt.date(year, 2, 15), dt.date(year, 5, 15))
            completed = rand_date(rng, dt.date(year, 9, 1), dt.date(year, 12, 15))
            budget = budgets_rest[i - n1]
        project = ProjectSpec(
            compound=spec.code,
            year=year,
            batch=["一期", "二期", "三期"][phase - 1],
            stage="handed_over" if phase < 3 or rng.random() < 0.6 else "accepted",
            budget=budget,
            contractor=rng.choice(S.ES_CONTRACTORS),
            started_on=started,
            completed_on=completed,
            residents_present=rng.randint(3, 9),
            category="improvement" if phase == 1 else "basic",
        )
        if phase == 1:
            project.work_items = works[i]
            project.surveys.append(
                survey(
                    rng,
                    started - dt.timedelta(days=60),
                    forms[i],
                    rng.uniform(0.915, 0.99),
                    suggestions=suggestions[i],
                    label=f"{spec.name}（一期民意调查表）",
                )
            )
        projects.append(project)
    programme = ProgrammeSpec(
        name="峨山县老旧小区改造",
        start_year=2019,
        end_year=2022,
        description=(
            "改造建成于2000年以前的小区：计划改造67个小区、150幢居民住宅楼，涉及2911户8733人，"
            "总面积23.4万平方米，总投资2.4亿元，分三期进行，2022年前全部完成。一期改造22个小区、"
            "54幢、1104户、7.5万平方米，计划总投资3200万元（中央专项补助1741万元、居民承租车位"
            "使用权1200万元、社会资本259万元）；一期划分为6个片区74个网格，以高于90%的支持率确定"
            "改造方案。二期、三期的小区划分为演示数据。"
        ),
        projects=projects,
        batches=[("一期", 2020, 1), ("二期", 2021, 2), ("三期", 2022, 3)],
        targets=targets_from(projects, by_code, [2020, 2021, 2022]),
    )
    areas = {
        name: f"一期改造片区，划分网格{grids[i]}个（片区名称为演示数据）。"
        for i, name in enumerate(area_names)
    }
    return RegionSpec(
        S.ESHAN["province"],
        S.ESHAN["city"],
        S.ESHAN["district"],
        S.ES_STREETS,
        areas,
        compounds,
        [programme],
    )


# --- 西工区 ---------------------------------------------------------------------------------


XG_NAMED = [
    # name, street, area, households, buildings, completion year, year built
    ("道南路70号院", "道北路街道", "道南路片区", 270, 7, 2024, 1986),
    ("凯旋东路43号院", "凯旋东路街道", "凯旋东路片区", 180, 5, 2023, 1990),
]
XG_OPEN_STAGES = (
    ["construction"] * 110
    + ["tendering"] * 40
    + ["approved"] * 35
    + ["design"] * 35
    + ["consultation"] * 30
    + ["surveyed"] * 28
)


def xigong(rng: random.Random, as_of: dt.date) -> RegionSpec:
    code = S.XIGONG["district"][1]
    area_street = {
        name: S.XG_STREETS[i % len(S.XG_STREETS)] for i, name in enumerate(S.XG_AREA_NAMES)
    }
    for _name, street, area, *_ in XG_NAMED:
        area_street[area] = street
    sizes = split_int(S.XG_COMPOUNDS, S.XG_AREAS, rng, minimum=8, sigma=0.4)
    area_of = [name for name, size in zip(S.XG_AREA_NAMES, sizes, strict=True) for _ in range(size)]
    rng.shuffle(area_of)
    # Named compounds take the first slots of their areas.
    for k, (_, _, area, *_rest) in enumerate(XG_NAMED):
        j = area_of.index(area, k)
        area_of[k], area_of[j] = area_of[j], area_of[k]
    completed_index = set(range(len(XG_NAMED))) | set(
        rng.sample(range(len(XG_NAMED), S.XG_COMPOUNDS), S.XG_COMPLETED - len(XG_NAMED))
    )
    completed_order = sorted(completed_index)
    done_households = split_with_fixed(
        S.XG_COMPLETED_HOUSEHOLDS,
        S.XG_COMPLETED,
        rng,
        {k: row[3] for k, row in enumerate(XG_NAMED)},
        minimum=30,
    )
    done_residents = split_int(
        S.XG_COMPLETED_RESIDENTS, S.XG_COMPLETED, weights=jitter(rng, done_households, 0.06)
    )
    done_years = year_slots(rng, S.XG_COMPLETED_BY_YEAR, [row[5] for row in XG_NAMED])
    open_stages = list(XG_OPEN_STAGES)
    rng.shuffle(open_stages)
    roads = dict.fromkeys(S.XG_STREETS, S.XG_ROADS)
    namer = Namer(rng, {row[0] for row in XG_NAMED}, roads)
    compounds, projects = [], []
    done_k = open_k = 0
    for i in range(S.XG_COMPOUNDS):
        area = area_of[i]
        street = area_street[area]
        if i < len(XG_NAMED):
            name, _, _, households, building_count, _, built = XG_NAMED[i]
        else:
            name, built, households, building_count = namer(street), rng.randint(1960, 2000), 0, 0
        if i in completed_index:
            households, residents = done_households[done_k], done_residents[done_k]
        else:
            households = rng.randint(30, 260)
            residents = round(households * rng.uniform(2.6, 3.2))
        building_count = building_count or max(
            1, min(households, math.ceil(households / rng.randint(20, 40)))
        )
        spec = CompoundSpec(
            code=f"{code}-{i + 1:04d}",
            name=name,
            street=street,
            community=None,
            area=area,
            year_built=built,
            households=households,
            residents=residents,
            floor_area=(Decimal(households) * Decimal(str(rng.uniform(65, 85)))).quantize(CENT),
            building_count=building_count,
            survey_status=ELIGIBLE,
            flags=flags(rng),
            address=f"洛阳市西工区{name}",
        )
        if i < len(XG_NAMED):
            spec.buildings = buildings_for(rng, households, building_count, built)
            if name == "道南路70号院":
                for building in spec.buildings:
                    building.has_elevator = True
                spec.notes = "加挂电梯连廊、平层入户、相邻单元共享电梯（市委主要领导调研肯定）。"
        compounds.append(spec)
        budget = money(Decimal(households) * Decimal(str(rng.uniform(9000, 16000))))
        project = ProjectSpec(
            compound=spec.code,
            year=2026,
            stage="surveyed",
            budget=budget,
            category="basic" if rng.random() < 0.5 else "improvement",
        )
        if i in completed_index:
            year = done_years[completed_order.index(i)]
            done_k += 1
            project.year = year
            project.completed_on = rand_date(rng, dt.date(year, 6, 1), dt.date(year, 12, 20))
            project.started_on = project.completed_on - dt.timedelta(days=rng.randint(120, 240))
            project.stage = "handed_over" if year <= 2023 or rng.random() < 0.5 else "accepted"
            project.residents_present = rng.randint(3, 12)
        else:
            stage = open_stages[open_k]
            open_k += 1
            project.stage = stage
            if stage == "construction":
                project.year = 2025 if rng.random() < 0.4 else 2026
                if project.year == 2025:
                    project.started_on = rand_date(rng, dt.date(2025, 4, 1), dt.date(2025, 11, 30))
                else:
                    project.started_on = rand_date(
                        rng, min(dt.date(2026, 3, 1), as_of), as_of - dt.timedelta(days=10)
                    )
            else:
                project.entered_on = as_of - dt.timedelta(days=rng.randint(5, 120))
        if STAGES.index(project.stage) >= STAGES.index("tendering"):
            project.contractor = rng.choice(S.XG_CONTRACTORS)
        projects.append(project)
    by_code = {c.code: c for c in compounds}
    programme = ProgrammeSpec(
        name="西工区老旧小区组团连片改造提质",
        start_year=2021,
        end_year=2026,
        description=(
            "按照强弱搭配、以大带小的原则，将纳入改造提升的537个老旧小区划分为30个片区分批分步实施；"
            "已完成259个老旧小区改造，惠及居民约3.8万户15.2万余人。年度目标、片区名称及各小区的"
            "阶段为部分演示数据（partly illustrative）。"
        ),
        projects=projects,
        targets=targets_from(projects, by_code, range(2021, 2027)),
    )
    areas = {
        name: f"组团连片改造片区（{street}；片区名称为演示数据）。"
        for name, street in area_street.items()
    }
    return RegionSpec(
        S.XIGONG["province"],
        S.XIGONG["city"],
        S.XIGONG["district"],
        {s: [] for s in S.XG_STREETS},
        areas,
        compounds,
        [programme],
    )


# --- 南通 (崇川区) ----------------------------------------------------------------------------


def nantong(rng: random.Random, as_of: dt.date) -> RegionSpec:
    code = S.NANTONG["district"][1]
    plan = S.NT_2023
    n = plan["compounds"]
    households = split_int(plan["households"], n, rng, minimum=80, sigma=0.5)
    buildings = split_int(
        plan["buildings"], n, weights=jitter(rng, households, 0.2), minimum=3, caps=households
    )
    areas_m2 = split_decimal(plan["floor_area"], jitter(rng, households, 0.15))
    budgets = split_decimal(
        plan["budget"], jitter(rng, [float(a) for a in areas_m2], 0.15), quantum=Decimal("100")
    )
    stages = ["accepted"] * 46 + ["handed_over"] * 18 + ["construction"] * 4
    rng.shuffle(stages)
    namer = Namer(rng, set(), dict.fromkeys(S.NT_STREETS, S.NT_ROADS))
    compounds, projects = [], []
    for i in range(n):
        street = rng.choice(S.NT_STREETS)
        built = rng.randint(1982, 2000)
        name = namer(street)
        spec = CompoundSpec(
            code=f"{code}-{i + 1:04d}",
            name=name,
            street=street,
            community=None,
            area=None,
            year_built=built,
            households=households[i],
            residents=round(households[i] * rng.uniform(2.6, 2.9)),
            floor_area=areas_m2[i],
            building_count=buildings[i],
            survey_status=ELIGIBLE,
            flags=flags(rng),
            address=f"南通市崇川区{name}",
        )
        spec.buildings = buildings_for(rng, households[i], buildings[i], built, floors=(5, 7))
        compounds.append(spec)
        stage = stages[i]
        started = rand_date(rng, dt.date(2023, 3, 1), dt.date(2023, 7, 31))
        project = ProjectSpec(
            compound=spec.code,
            year=2023,
            stage=stage,
            budget=budgets[i],
            category="basic" if rng.random() < 0.55 else "improvement",
            contractor=rng.choice(S.NT_CONTRACTORS),
            started_on=started,
        )
        if stage != "construction":
            project.completed_on = rand_date(rng, dt.date(2023, 10, 1), dt.date(2024, 9, 30))
            project.residents_present = rng.randint(3, 12)
        projects.append(project)
    by_code = {c.code: c for c in compounds}
    programme = ProgrammeSpec(
        name="南通市2023年城镇老旧小区改造计划（崇川区）",
        start_year=2023,
        end_year=2023,
        description=(
            "2023年全市计划实施城镇老旧小区改造项目68个，计划总投资约15.4亿元，建筑面积约300.8万"
            "平方米，涉及907栋、29234户（南通市住房和城乡建设局答复）。原文为全市数字，演示数据"
            "将其全部归入崇川区；各小区的划分为演示数据。"
        ),
        projects=projects,
        targets=targets_from(projects, by_code, [2023]),
    )
    return RegionSpec(
        S.NANTONG["province"],
        S.NANTONG["city"],
        S.NANTONG["district"],
        {s: [] for s in S.NT_STREETS},
        {},
        compounds,
        [programme],
    )


def build_plan(as_of: dt.date, unit_of) -> list[RegionSpec]:
    """All regions, in a fixed order (the random stream depends on it)."""
    rng = random.Random(S.RANDOM_SEED)  # nosec B311: reproducible demo data, nothing secret
    return [
        qingyang(rng, as_of, unit_of),
        eshan(rng, as_of),
        xigong(rng, as_of),
        nantong(rng, as_of),
    ]

"""One district's programmes, batches, yearly targets, projects, stage log, acceptance records and
work items.

Every district has its “十三五” programme (plan years 2019–2020) and its “十四五” programme
(2021–2025). Each eligible compound gets one project in the programme of its plan year; about one
compound in five of pending census status has a project registered (still “surveyed”); a few
compounds renovated in 2019–2020 get a second project (elevators, services) in the later
programme, which is then their current project. Rows are written by `write` once progress has
been computed (projects carry their progress and last report date).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

from . import names, timeline
from .catalogue import Catalogue, WorkTypeRec, quantity
from .common import YEARS, Clock, Ids, Rows, cents, day_between, plus
from .registry import ELIGIBLE, PENDING, CompoundRec
from .timeline import ACCEPTED, CONSTRUCTION, DESIGN, STAGES, TENDERING, Timeline

NATIONAL_YEAR_WEIGHTS = (19.0, 40.3, 56.0, 52.5, 53.7, 58.0, 25.0)  # 万个, 2019–2025
THRESHOLDS = (
    Decimal("66.67"),
    Decimal("75.00"),
    Decimal("80.00"),
    Decimal("85.00"),
    Decimal("90.00"),
)
CATEGORIES = ("basic", "improvement", "enhancement")
# Forced (plan year, stage) pairs for the first district, so that every run, however small,
# has every plan year and every stage.
COVERAGE = [(y, timeline.HANDED_OVER) for y in YEARS[:-1]] + [(2025, s) for s in range(8)]
GATE_EVIDENCE = (
    "",
    "摸排：符合改造条件。",
    "意愿征集：支持率达到计划门槛。",
    "联合审查（设计方案“三上三下”）通过。",
    "方案已公示，进入招标。",
    "施工单位：{contractor}。",
    "竣工验收于{accepted}，居民代表{present}人到场。",
    "居民满意度评价完成，移交长效管理。",
)
VOTE_EVIDENCE = "业主共同决定改造（民法典第二百七十八条）表决通过。"


@dataclass
class ProgrammeRec:
    id: int
    name: str
    start_year: int
    end_year: int
    threshold: Decimal
    overdue_days: int
    batches: dict[int, list[int]] = field(default_factory=dict)
    projects: list = field(default_factory=list)


@dataclass
class ItemRec:
    id: int
    wt: WorkTypeRec
    planned: int  # hundredths
    budget: int  # cents
    completed: int = 0  # hundredths
    over: bool = False  # finished above the planned quantity (design change, with a reason)


@dataclass
class ProjectRec:
    id: int
    compound: CompoundRec
    programme: ProgrammeRec
    year: int
    stage: int
    category: str
    timeline: Timeline
    batch_id: int | None = None
    budget: int = 0
    contractor: str = ""
    items: list[ItemRec] = field(default_factory=list)
    progress: str = "0.00"
    last_report_on: dt.date | None = None
    residents_present: int = 0
    vote_path: bool = False  # left consultation through a passed owners' vote

    @property
    def started(self) -> dt.date | None:
        return self.timeline.started

    @property
    def accepted(self) -> dt.date | None:
        return self.timeline.accepted

    def entered(self, stage: int) -> dt.date | None:
        return self.timeline.entered.get(stage)


def plan_district(
    district, compounds, rng, ids: Ids, rows: Rows, clock: Clock, catalogue: Catalogue, system: int
):
    """Programmes (written) and the district's projects (in memory)."""
    programmes = []
    for name, start, end, created in (
        ("“十三五”城镇老旧小区改造计划", 2019, 2020, dt.date(2018, 12, 10)),
        ("“十四五”城镇老旧小区改造计划", 2021, 2025, dt.date(2020, 12, 15)),
    ):
        programme = ProgrammeRec(
            id=ids.take("programme"),
            name=f"{district.name}{name}",
            start_year=start,
            end_year=end,
            threshold=rng.choices(THRESHOLDS, weights=(15, 20, 25, 20, 20))[0],
            overdue_days=rng.choice((3, 3, 5, 7)),
        )
        at = clock.at(created, 9)
        rows.add(
            "programme",
            (
                programme.id,
                at,
                system,
                at,
                system,
                district.id,
                programme.name,
                start,
                end,
                "",
                str(programme.threshold),
                programme.overdue_days,
                "0.6667",
                1,
            ),
        )
        programmes.append(programme)
    weights = [w * rng.lognormvariate(0.0, 0.3) for w in NATIONAL_YEAR_WEIGHTS]
    forced = list(COVERAGE) if district.index == 0 else []
    projects: list[ProjectRec] = []
    for compound in compounds:
        if compound.status == ELIGIBLE:
            year, stage = forced.pop(0) if forced else (None, None)
            if year is None:
                year = rng.choices(YEARS, weights=weights)[0]
                stage = timeline.draw_stage(rng, year)
            category = rng.choices(CATEGORIES, weights=(55, 35, 10))[0]
            first = _project(
                compound,
                programmes,
                year,
                stage,
                category,
                compound.census_on,
                rng,
                ids,
                clock,
                catalogue,
                district,
            )
            projects.append(first)
            if year <= 2020 and stage >= ACCEPTED and rng.random() < 0.06:
                year2 = rng.choices(YEARS[4:], weights=weights[4:])[0]
                stage2 = timeline.draw_stage(rng, year2)
                category2 = rng.choice(CATEGORIES[1:])
                after = first.timeline.entered[max(first.timeline.entered)]
                projects.append(
                    _project(
                        compound,
                        programmes,
                        year2,
                        stage2,
                        category2,
                        after,
                        rng,
                        ids,
                        clock,
                        catalogue,
                        district,
                    )
                )
        elif compound.status == PENDING and rng.random() < 0.2:
            year = 2025 if rng.random() < 0.7 else 2024
            projects.append(
                _project(
                    compound,
                    programmes,
                    year,
                    timeline.SURVEYED,
                    "basic",
                    compound.census_on,
                    rng,
                    ids,
                    clock,
                    catalogue,
                    district,
                )
            )
    for compound in compounds:
        if compound.projects:
            latest = max(compound.projects, key=lambda p: (p.programme.start_year, p.year, p.id))
            compound.current_project_id = latest.id
    _batches_and_targets(programmes, rng, ids, rows)
    return programmes, projects


def _project(
    compound, programmes, year, stage, category, not_before, rng, ids, clock, catalogue, district
):
    programme = programmes[0] if year <= programmes[0].end_year else programmes[1]
    line = timeline.build(rng, year=year, stage=stage, census_on=not_before, as_of=clock.as_of)
    project = ProjectRec(
        id=ids.take("project"),
        compound=compound,
        programme=programme,
        year=year,
        stage=stage,
        category=category,
        timeline=line,
    )
    if stage >= DESIGN:
        count = min(16, max(5, round(rng.gauss(10.6, 2.4))))
        floor_area = compound.floor_area_m2
        for wt in catalogue.choose(rng, category, count):
            planned, budget = quantity(
                rng,
                wt,
                households=compound.households,
                floor_area=floor_area,
                buildings=len(compound.buildings),
            )
            project.items.append(ItemRec(ids.take("workitem"), wt, planned, budget))
        project.items.sort(key=lambda item: item.id)
        project.budget = sum(item.budget for item in project.items)
    else:
        project.budget = (
            round(compound.households * rng.uniform(8_000, 25_000) / 10_000) * 10_000 * 100
        )
    if stage >= CONSTRUCTION or (stage == TENDERING and rng.random() < 0.5):
        project.contractor = names.contractor(rng, district.city_name)
    if stage >= ACCEPTED:
        project.residents_present = rng.randint(3, 15)
    compound.projects.append(project)
    programme.projects.append(project)
    return project


def _batches_and_targets(
    programmes: list[ProgrammeRec], rng: random.Random, ids: Ids, rows: Rows
) -> None:
    for programme in programmes:
        for year in range(programme.start_year, programme.end_year + 1):
            chosen = [p for p in programme.projects if p.year == year]
            n = 1 if len(chosen) < 20 else 2 if len(chosen) < 80 else 3
            batch_ids = []
            for sequence in range(1, n + 1):
                batch_id = ids.take("batch")
                rows.add(
                    "batch", (batch_id, programme.id, f"{year}年第{sequence}批", year, sequence)
                )
                batch_ids.append(batch_id)
            programme.batches[year] = batch_ids
            for project in chosen:
                project.batch_id = rng.choice(batch_ids)
            households = sum(p.compound.households for p in chosen)
            buildings = sum(len(p.compound.buildings) for p in chosen)
            factor = rng.uniform(0.95, 1.15)
            rows.add(
                "yeartarget",
                (
                    ids.take("yeartarget"),
                    programme.id,
                    year,
                    round(len(chosen) * factor),
                    round(households * factor),
                    round(buildings * factor),
                ),
            )


def write(
    projects: list[ProjectRec], rng: random.Random, ids: Ids, rows: Rows, clock: Clock, system: int
) -> None:
    """Projects, their stage log, acceptance records and work items."""
    for p in projects:
        line = p.timeline
        log = timeline.transitions(line, p.stage)
        created = clock.at(line.created, 9)
        changed = clock.at(log[-1][2], 10) if log else None
        planned_start = day_between(rng, dt.date(p.year, 3, 1), dt.date(p.year, 6, 28))
        rows.add(
            "project",
            (
                p.id,
                created,
                system,
                changed or created,
                system,
                p.programme.id,
                p.compound.id,
                p.batch_id,
                p.year,
                f"{p.year}年{p.compound.name}改造",
                p.category,
                cents(p.budget),
                p.contractor,
                planned_start,
                plus(planned_start, rng.randint(180, 300)),
                line.started,
                line.accepted,
                STAGES[p.stage],
                changed,
                p.progress,
                p.last_report_on,
                1 + len(log),
                p.category,
                "",
                "",
            ),
        )
        for from_stage, to_stage, day in log:
            forward = to_stage > from_stage
            if not forward:
                reason, evidence = "根据居民意见修改方案，退回上一阶段", "退回上一阶段。"
            else:
                reason = "历史数据导入（合成）" if day.year < 2024 else "按计划推进"
                evidence = (
                    VOTE_EVIDENCE if to_stage == DESIGN and p.vote_path else GATE_EVIDENCE[to_stage]
                )
                evidence = evidence.format(
                    contractor=p.contractor, accepted=line.accepted, present=p.residents_present
                )
            rows.add(
                "stagetransition",
                (
                    ids.take("stagetransition"),
                    p.id,
                    STAGES[from_stage],
                    STAGES[to_stage],
                    reason,
                    evidence,
                    system,
                    clock.at(day, 10),
                    day,
                    False,
                    "",
                ),
            )
        if p.stage >= ACCEPTED:
            at = clock.at(line.accepted, 16)
            rows.add(
                "acceptancerecord",
                (
                    ids.take("acceptancerecord"),
                    at,
                    system,
                    at,
                    system,
                    p.id,
                    line.accepted,
                    p.residents_present,
                    "建设、设计、施工、监理单位，街道、社区及居民代表",
                    True,
                    "",
                    1,
                ),
            )
        elif (
            p.stage == CONSTRUCTION
            and line.started < plus(clock.as_of, -90)
            and rng.random() < 0.02
        ):
            day = day_between(rng, plus(line.started, 60), plus(clock.as_of, -1))
            at = clock.at(day, 16)
            rows.add(
                "acceptancerecord",
                (
                    ids.take("acceptancerecord"),
                    at,
                    system,
                    at,
                    system,
                    p.id,
                    day,
                    rng.randint(2, 8),
                    "建设、施工、监理单位及居民代表",
                    False,
                    "排水坡度不符合设计要求，整改后重新验收。",
                    1,
                ),
            )
        if p.items:
            at = clock.at(p.entered(DESIGN), 11)
            for item in p.items:
                rows.add(
                    "workitem",
                    (
                        item.id,
                        at,
                        system,
                        at,
                        system,
                        p.id,
                        item.wt.id,
                        "",
                        cents(item.planned),
                        cents(item.budget),
                        cents(item.completed),
                        None,
                        None,
                        1,
                    ),
                )

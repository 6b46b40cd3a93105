"""Progress reports (工程日进度一栏表) over time, their lines, site problems, and the figures the
progress service keeps: each work item's latest submitted cumulative quantity, the project's
budget-weighted progress (computed by `programmes.services.weighted_progress` itself) and the
date of its last submitted report.

Each work item follows an S-less straight line from its own start to its own finish inside the
construction window; a report lists every item started by its date with the quantity *to date*
(never an increment), so submitted figures never go down. An accepted project's last report
shows every item finished. A few reports were returned by the district (they stop counting).
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from programmes.services import weighted_progress

from .common import Clock, Ids, Rows, cents, day_between, plus
from .projects import ProjectRec
from .timeline import ACCEPTED, CONSTRUCTION

NOTES = ("", "", "", "", "雨天停工半天", "材料进场", "夜间施工已报备", "居民协调会后复工")
RETURN_COMMENTS = ("请补充现场照片", "管网长度与设计图不符，请核实", "请注明延误原因")
OVER_REASON = "设计变更，工程量增加"
PROBLEMS = (
    ("管网开挖未设置围挡", "已增设围挡并安排专人值守"),
    ("施工噪音扰民", "调整作业时间，夜间停止高噪音作业"),
    ("材料堆放占用消防通道", "材料已清运，消防通道恢复畅通"),
    ("雨水井堵塞导致积水", "疏通雨水井并加装截污框"),
    ("外墙脚手架存在安全隐患", "脚手架加固并经监理验收"),
    ("燃气管道与给水管交叉冲突", "会同燃气公司调整管位"),
    ("临时停水未提前通知居民", "补发通知并设置临时供水点"),
    ("部分居民对停车位划线有异议", "召开板凳会调整方案"),
)
SEVERITIES = ("low", "medium", "high", "critical")
SEVERITY_WEIGHTS = (30, 45, 20, 5)


def build(
    projects: list[ProjectRec], rng: random.Random, ids: Ids, rows: Rows, clock: Clock, system: int
) -> None:
    for project in projects:
        if project.stage >= CONSTRUCTION:
            _reports(project, rng, ids, rows, clock, system)
            _problems(project, rng, ids, rows, clock, system)
        if project.items:
            project.progress = str(
                weighted_progress(
                    (
                        Decimal(item.planned) / 100,
                        Decimal(item.completed) / 100,
                        Decimal(item.budget) / 100,
                    )
                    for item in project.items
                )
            )


def _reports(
    project: ProjectRec, rng: random.Random, ids: Ids, rows: Rows, clock: Clock, system: int
) -> None:
    start = project.started
    done = project.stage >= ACCEPTED
    if done:
        end = plus(project.accepted, -1)
        span = max(1, (end - start).days)
        count = min(10, max(2, round(span / 37 * rng.uniform(0.7, 1.4))))
    else:
        end = clock.as_of
        if rng.random() < 0.25:  # reports stopped a while ago: overdue
            end = plus(end, -rng.randint(8, 90))
        span = max(1, (clock.as_of - start).days)
        count = min(10, max(0, round((end - start).days / 32 * rng.uniform(0.6, 1.4))))
        span = max(span, rng.randint(150, 360))  # the planned duration the curves run over
    if end < start or count == 0 or not project.items:
        return
    days = (end - start).days + 1
    offsets = sorted(rng.sample(range(days), min(count, days)))
    if done:
        offsets[-1] = max(offsets[-1], days - 1 - rng.randint(0, min(10, days - 1)))
        offsets = sorted(set(offsets))
    # Per item: where its straight line starts and how steep it is (share of the window).
    curves = []
    for item in project.items:
        begin = rng.uniform(0.0, 0.6)
        length = min(1.0, begin + rng.uniform(0.25, 0.6)) - begin
        item.over = done and rng.random() < 0.01
        curves.append((item, item.id, item.planned, item.wt.decimal, begin, 1.0 / length))
    latest: dict[int, int] = {}
    last_submitted = None
    add_line = rows.tables["progressreportline"].append  # the hot loop: ~1 line in 3 rows
    line_id = ids.next["progressreportline"]
    for k, offset in enumerate(offsets):
        day = plus(start, offset)
        final = done and k == len(offsets) - 1
        returned = not final and rng.random() < 0.025
        report_id = ids.take("progressreport")
        created = clock.at(day, 18)
        position = offset / span
        for item, item_id, planned, decimal, begin, slope in curves:
            if final:
                quantity = _over(item, rng) if item.over else planned
            else:
                share = (position - begin) * slope
                if share <= 0.0:
                    continue
                if share >= 1.0:
                    quantity = planned
                elif decimal:
                    quantity = round(planned * share)
                else:
                    quantity = int(planned * share) // 100 * 100
                if quantity <= 0:
                    continue
            add_line(
                (
                    line_id,
                    report_id,
                    item_id,
                    cents(quantity),
                    OVER_REASON if quantity > planned else "",
                )
            )
            line_id += 1
            if not returned:
                latest[item_id] = quantity
        if returned:
            returned_at = clock.at(plus(day, 1), 9)
            rows.add(
                "progressreport",
                (
                    report_id,
                    created,
                    system,
                    returned_at,
                    system,
                    project.id,
                    day,
                    rng.choice(NOTES),
                    "returned",
                    rng.choice(RETURN_COMMENTS),
                    system,
                    returned_at,
                    2,
                ),
            )
        else:
            last_submitted = day
            rows.add(
                "progressreport",
                (
                    report_id,
                    created,
                    system,
                    created,
                    system,
                    project.id,
                    day,
                    rng.choice(NOTES),
                    "submitted",
                    "",
                    None,
                    None,
                    1,
                ),
            )
    ids.next["progressreportline"] = line_id
    for item in project.items:
        item.completed = latest.get(item.id, 0)
    project.last_report_on = last_submitted


def _over(item, rng: random.Random) -> int:
    """A finished quantity 2–10 % above plan, in whole units where the unit is counted."""
    value = item.planned * rng.randint(102, 110) // 100
    return value if item.wt.decimal else -(-value // 100) * 100


def _problems(
    project: ProjectRec, rng: random.Random, ids: Ids, rows: Rows, clock: Clock, system: int
) -> None:
    count = rng.choices((0, 1, 2, 3), weights=(50, 30, 15, 5))[0]
    end = plus(project.accepted, -1) if project.stage >= ACCEPTED else clock.as_of
    for k in range(count):
        title, resolution = rng.choice(PROBLEMS)
        severity = rng.choices(SEVERITIES, weights=SEVERITY_WEIGHTS)[0]
        open_now = project.stage == CONSTRUCTION and k == count - 1 and rng.random() < 0.5
        if open_now:
            # To the second: lists ordered by the time raised have no ties to break.
            ago = dt.timedelta(seconds=rng.randint(3_600, 864_000))
            created = max(clock.end() - ago, clock.at(project.started, 8))
            row_end = (created, "open", "", None, None, 1)
        else:
            day = day_between(rng, project.started, end)
            created = clock.at(day, rng.randint(8, 17), rng.randint(0, 59))
            closed = min(created + dt.timedelta(hours=rng.randint(2, 96)), clock.end())
            row_end = (closed, "closed", resolution, closed, system, 2)
        updated, status, text, closed_at, closed_by, version = row_end
        rows.add(
            "siteproblem",
            (
                ids.take("siteproblem"),
                created,
                system,
                updated,
                system,
                project.id,
                title,
                "",
                severity,
                status,
                text,
                closed_at,
                closed_by,
                version,
            ),
        )

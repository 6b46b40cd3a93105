"""Writes the demo plan (sampledata.demo.plan) to the database: idempotent and fast.

Natural keys decide what exists already: geography by code or (parent, name), compounds by
registry code, programmes by (district, name), batches and targets by (programme, name/year),
projects by (programme, compound). Rows hanging off a project (work items, surveys, acceptance,
transitions, reports, problems) are written only when the project itself is new, so a second
run adds nothing. Bulk rows bypass django-simple-history on purpose (a historical import).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from governance.models import OpinionSurvey
from programmes.catalogue import work_types_sync
from programmes.models import (
    AcceptanceRecord,
    Area,
    Batch,
    Building,
    City,
    Community,
    Compound,
    District,
    Programme,
    ProgressReport,
    ProgressReportLine,
    Project,
    Province,
    SiteProblem,
    StageTransition,
    Street,
    WorkItem,
    WorkType,
    YearTarget,
    compound_current_project_refresh,
)
from programmes.services import project_progress_recompute

from . import seeds as S
from .plan import STAGES, ProgrammeSpec, RegionSpec, build_plan, transition_dates

BATCH = 500

GATE_EVIDENCE = {
    "consultation": "摸排：符合改造条件。",
    "design": "意愿征集：支持率达到计划门槛。",
    "approved": "联合审查（设计方案“三上三下”）通过。",
    "tendering": "方案已公示，进入招标。",
    "construction": "施工单位：{contractor}。",
    "accepted": "竣工验收于{completed}，居民代表{present}人到场。",
    "handed_over": "移交长效管理（物业服务/居民自治）。",
}


@dataclass
class Geo:
    district: District
    streets: dict[str, Street]
    communities: dict[tuple[str, str], Community]
    areas: dict[str, Area]


def aware(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


# --- Geography and users -------------------------------------------------------------------


def ensure_geography(region: RegionSpec) -> Geo:
    province, _ = Province.objects.get_or_create(
        code=region.province[1], defaults={"name": region.province[0]}
    )
    city, _ = City.objects.get_or_create(
        code=region.city[1], defaults={"province": province, "name": region.city[0]}
    )
    district, _ = District.objects.get_or_create(
        code=region.district[1], defaults={"city": city, "name": region.district[0]}
    )
    streets, communities = {}, {}
    for street_name, community_names in region.streets.items():
        street, _ = Street.objects.get_or_create(district=district, name=street_name)
        streets[street_name] = street
        for name in community_names:
            communities[(street_name, name)], _ = Community.objects.get_or_create(
                street=street, name=name
            )
    areas = {}
    for name, description in region.areas.items():
        areas[name], _ = Area.objects.get_or_create(
            district=district, name=name, defaults={"description": description}
        )
    return Geo(district, streets, communities, areas)


def ensure_users(geo_by_district: dict[str, Geo]) -> list[tuple[str, str, str]]:
    """The demo accounts; the password is reset on every run. Returns (username, role, scope)."""
    User = get_user_model()
    qingyang = geo_by_district[S.QINGYANG["district"][1]]
    chengdu = qingyang.district.city
    caotang = qingyang.streets["草堂街道"]
    rows = [
        ("admin", {"role": User.Role.CITY_VIEWER, "is_superuser": True, "is_staff": True}, "全部"),
        ("city", {"role": User.Role.CITY_VIEWER, "city": chengdu}, chengdu.name),
        (
            "district",
            {"role": User.Role.DISTRICT_OFFICIAL, "district": qingyang.district},
            f"{chengdu.name}{qingyang.district.name}",
        ),
        (
            "street",
            {"role": User.Role.STREET_OFFICER, "street": caotang},
            f"{qingyang.district.name}{caotang.name}",
        ),
        ("api", {"role": User.Role.API_CLIENT, "city": chengdu}, chengdu.name),
        # 省住建厅: reads every city of the province.
        (
            "province",
            {"role": User.Role.CITY_VIEWER, "province": chengdu.province},
            chengdu.province.name,
        ),
        ("auditor", {"role": User.Role.AUDITOR, "city": chengdu}, chengdu.name),
    ]
    table = []
    for username, fields, scope in rows:
        defaults = {
            "province": None,
            "city": None,
            "district": None,
            "street": None,
            "is_superuser": False,
            "is_staff": False,
            "is_active": True,
            **fields,
        }
        # Saved only when something differs: a save adds a history row (users are audited),
        # and loading the demo again must change nothing. The password is reset in place.
        user = User.objects.filter(username=username).first() or User(username=username)
        changed = user.pk is None or any(getattr(user, k) != v for k, v in defaults.items())
        if changed:
            for name, value in defaults.items():
                setattr(user, name, value)
            user.save()
        User.objects.filter(pk=user.pk).update(password=make_password(S.DEMO_PASSWORD))
        table.append((username, str(user.role), scope))
    return table


# --- Compounds and programmes --------------------------------------------------------------


def ensure_compounds(region: RegionSpec, geo: Geo) -> dict[str, int]:
    prefix = f"{region.district[1]}-"
    existing = set(Compound.objects.filter(code__startswith=prefix).values_list("code", flat=True))
    new = [c for c in region.compounds if c.code not in existing]
    Compound.objects.bulk_create(
        [
            Compound(
                code=c.code,
                name=c.name,
                address=c.address,
                street=geo.streets[c.street],
                community=geo.communities.get((c.street, c.community)) if c.community else None,
                area=geo.areas[c.area] if c.area else None,
                year_built=c.year_built,
                building_count=c.building_count,
                households=c.households,
                residents=c.residents,
                floor_area=c.floor_area,
                survey_status=c.survey_status,
                flag_incomplete_functions=c.flags[0],
                flag_ageing_facilities=c.flags[1],
                flag_poor_quality=c.flags[2],
                flag_poor_management=c.flags[3],
                flag_safety_hazard=c.flags[4],
                notes=c.notes,
            )
            for c in new
        ],
        batch_size=BATCH,
    )
    ids = dict(Compound.objects.filter(code__startswith=prefix).values_list("code", "id"))
    Building.objects.bulk_create(
        [
            Building(
                compound_id=ids[c.code],
                name=b.name,
                floors=b.floors,
                units=b.units,
                households=b.households,
                has_elevator=b.has_elevator,
                year_built=b.year_built,
            )
            for c in new
            if c.buildings
            for b in c.buildings
        ],
        batch_size=BATCH,
    )
    return ids


def ensure_programme(
    spec: ProgrammeSpec,
    geo: Geo,
    compound_ids: dict[str, int],
    users: dict,
    work_types: dict,
    as_of: dt.date,
) -> list[int]:
    """Create the programme and its missing projects; returns ids of projects with reports."""
    programme, _ = Programme.objects.get_or_create(
        district=geo.district,
        name=spec.name,
        defaults={
            "start_year": spec.start_year,
            "end_year": spec.end_year,
            "description": spec.description,
            "support_threshold": spec.support_threshold,
        },
    )
    batches = {}
    for name, year, sequence in spec.batches:
        batches[name], _ = Batch.objects.get_or_create(
            programme=programme, name=name, defaults={"year": year, "sequence": sequence}
        )
    for year, compounds, households, buildings in spec.targets:
        YearTarget.objects.get_or_create(
            programme=programme,
            year=year,
            defaults={"compounds": compounds, "households": households, "buildings": buildings},
        )

    existing = set(
        Project.objects.filter(programme=programme).values_list("compound_id", flat=True)
    )
    new = [p for p in spec.projects if compound_ids[p.compound] not in existing]
    timelines = {p.compound: transition_dates(p, as_of) for p in new}
    Project.objects.bulk_create(
        [
            Project(
                programme=programme,
                compound_id=compound_ids[p.compound],
                batch=batches.get(p.batch) if p.batch else None,
                year=p.year,
                name=p.name,
                category=p.category,
                budget=p.budget,
                contractor=p.contractor,
                planned_start=p.started_on or dt.date(p.year, 4, 1),
                planned_end=p.completed_on or dt.date(p.year, 12, 15),
                started_on=p.started_on,
                completed_on=p.completed_on,
                stage=p.stage,
                stage_changed_at=aware(timelines[p.compound][-1][1])
                if timelines[p.compound]
                else None,
                progress=p.progress,
                created_by=users["admin"],
                updated_by=users["admin"],
            )
            for p in new
        ],
        batch_size=BATCH,
    )
    project_ids = dict(Project.objects.filter(programme=programme).values_list("compound_id", "id"))
    pid = {p.compound: project_ids[compound_ids[p.compound]] for p in new}

    WorkItem.objects.bulk_create(
        [
            WorkItem(
                project_id=pid[p.compound],
                work_type=work_types[w.work_type],
                description=w.description,
                planned_quantity=w.planned,
                budget=w.budget,
                completed_quantity=w.completed,
            )
            for p in new
            for w in p.work_items
        ],
        batch_size=BATCH,
    )
    OpinionSurvey.objects.bulk_create(
        [
            OpinionSurvey(
                project_id=pid[p.compound],
                held_on=s.held_on,
                scope_label=s.scope_label,
                forms_issued=s.issued,
                forms_returned=s.returned,
                support=s.support,
                oppose=s.oppose,
                abstain=s.abstain,
                suggestions=s.suggestions,
                created_by=users[p.actor],
            )
            for p in new
            for s in p.surveys
        ],
        batch_size=BATCH,
    )
    AcceptanceRecord.objects.bulk_create(
        [
            AcceptanceRecord(
                project_id=pid[p.compound],
                accepted_on=p.completed_on,
                residents_present=p.residents_present,
                participants=S.ACCEPTANCE_PARTICIPANTS,
                passed=True,
                created_by=users[p.actor],
            )
            for p in new
            if p.completed_on
        ],
        batch_size=BATCH,
    )
    transitions = []
    for p in new:
        previous = STAGES[0]
        for stage, day in timelines[p.compound]:
            evidence = GATE_EVIDENCE[stage].format(
                contractor=p.contractor, completed=p.completed_on, present=p.residents_present
            )
            transitions.append(
                StageTransition(
                    project_id=pid[p.compound],
                    from_stage=previous,
                    to_stage=stage,
                    reason="历史数据导入（演示）" if p.actor == "admin" else "按计划推进（演示）",
                    gate_evidence=evidence,
                    by=users[p.actor],
                    at=aware(day),
                    effective_on=day,
                )
            )
            previous = stage
    StageTransition.objects.bulk_create(transitions, batch_size=BATCH)

    with_reports = [p for p in new if p.reports]
    if with_reports:
        ProgressReport.objects.bulk_create(
            [
                ProgressReport(
                    project_id=pid[p.compound],
                    report_date=r.report_date,
                    note=r.note,
                    created_by=users["street"],
                    updated_by=users["street"],
                )
                for p in with_reports
                for r in p.reports
            ]
        )
        report_ids = {
            (project_id, day): report_id
            for report_id, project_id, day in ProgressReport.objects.filter(
                project_id__in=[pid[p.compound] for p in with_reports]
            ).values_list("id", "project_id", "report_date")
        }
        item_ids = {
            (project_id, code): item_id
            for item_id, project_id, code in WorkItem.objects.filter(
                project_id__in=[pid[p.compound] for p in with_reports]
            ).values_list("id", "project_id", "work_type__code")
        }
        ProgressReportLine.objects.bulk_create(
            [
                ProgressReportLine(
                    report_id=report_ids[(pid[p.compound], r.report_date)],
                    work_item_id=item_ids[(pid[p.compound], code)],
                    quantity_to_date=quantity,
                )
                for p in with_reports
                for r in p.reports
                for code, quantity in r.lines.items()
            ]
        )

    now = timezone.now()
    for p in new:
        for problem in p.problems:
            created = now - dt.timedelta(hours=problem.age_hours)
            closed = (
                created + dt.timedelta(hours=problem.closed_after_hours)
                if problem.closed_after_hours is not None
                else None
            )
            row = SiteProblem.objects.create(
                project_id=pid[p.compound],
                title=problem.title,
                description=problem.description,
                severity=problem.severity,
                status="closed" if closed else "open",
                resolution=problem.resolution,
                closed_at=closed,
                closed_by=users["street"] if closed else None,
                created_by=users["street"],
                updated_by=users["street"],
            )
            SiteProblem.objects.filter(pk=row.pk).update(
                created_at=created, updated_at=closed or created
            )
    return [pid[p.compound] for p in with_reports]


@transaction.atomic
def load(as_of: dt.date | None = None) -> list[tuple[str, str, str]]:
    """Build (or complete) the demo data; returns the demo accounts (username, role, scope)."""
    today = timezone.localdate()
    as_of = as_of or min(today, dt.date(2026, 12, 20))
    work_types_sync(WorkType)
    work_types = {wt.code: wt for wt in WorkType.objects.all()}
    plan = build_plan(as_of, lambda code: work_types[code].unit)
    geos = {region.district[1]: ensure_geography(region) for region in plan}
    accounts = ensure_users(geos)
    User = get_user_model()
    users = {
        u.username: u for u in User.objects.filter(username__in=["admin", "district", "street"])
    }
    reported: list[int] = []
    for region in plan:
        geo = geos[region.district[1]]
        compound_ids = ensure_compounds(region, geo)
        for programme in region.programmes:
            reported += ensure_programme(programme, geo, compound_ids, users, work_types, as_of)
    compound_current_project_refresh()
    for project in Project.objects.filter(pk__in=reported):
        project_progress_recompute(project=project)
    return accounts

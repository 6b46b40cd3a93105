"""Governance demo data from the seed reports, on top of `load_demo` (call it at the end).

- 峨山 phase 1 (seed 002): 1,064 survey forms (already loaded) and the 56 suggestions they
  collected, answered through the four-party council; support above 90%.
- 青羊 (seed 000): 91 courtyard party branches and 484 grid workers in 西御河、少城、草堂、府南;
  376 volunteers in 121 teams; 群和街2号's self-renovation committee and its seven-step courtyard
  meetings, 100% support before and 100% satisfaction after; 双清中路98号教师公寓's “了不起的自改
  小组” with 5 courtyard meetings, 356 survey forms (already loaded), 22 suggestions and the
  maintenance fund 100% collected; 草堂街道's public-benefit property service at 0.4 yuan/m².
- 西工 道南路70号院 (seed 004): two elevator votes on building units, one passing (per-owner
  ballots) and one failing the quorum (totals).
- The 2026 programme: a passed owners' vote to renovate for the consultation project without a
  survey, and public disclosures (one closed, one open for objections).

Idempotent: each part is written only if its marker rows are missing. Member names and phone
numbers are invented (and flagged as such in the notes); the published figures are exact.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from governance import services
from governance.models import (
    CommitteeMember,
    Disclosure,
    FundCollection,
    LongTermManagement,
    Matter,
    Meeting,
    OpinionSurvey,
    OwnerVote,
    ResidentCommittee,
    SatisfactionSurvey,
    ScopeKind,
    Suggestion,
)
from programmes.models import Building, Compound, Project, Stage

QINGYANG, ESHAN, XIGONG = "510105", "530426", "410303"
BRANCH_STREETS = ["西御河街道", "少城街道", "草堂街道", "府南街道"]  # seed: 4个街道为重点
PARTY_BRANCHES = 91  # seed: 建立院落党支部91个
GRID_WORKERS = 484  # seed: 招募“微网实格员”484名
VOLUNTEERS = 376  # seed: 全区招募志愿者376名
VOLUNTEER_TEAMS = 121  # seed: 组建“志愿队”120余个
CAOTANG_FEE = Decimal("0.40")  # seed: 降低居民物管费用（0.4元/㎡）
DEMO_NOTE = "演示数据：成员姓名和电话为虚构。"

SUGGESTION_TEXTS = [
    "希望增加停车位，规范停车秩序。",
    "雨污管网改造时请提前通知停水时间。",
    "楼道照明老化，建议更换感应灯。",
    "希望增设电动自行车集中充电设施。",
    "建议保留院内的老树，绿化提质时注意保护。",
    "希望增加老年人休息座椅和扶手。",
    "施工时间请避开午休，减少噪音。",
    "建议增设门禁和监控，提升安全。",
    "希望拆除违章搭建，腾出公共空间。",
    "建议增设垃圾分类投放点。",
    "屋面漏水，希望纳入改造内容。",
    "希望增加儿童活动场地。",
]
ANSWER_TEXT = "已纳入改造方案并在坝坝会上反馈。"

# Invented members for the named committees (masked for viewers without the right to see them).
MEMBERS = {
    "群和街2号": [
        ("王建华", "chair", "1栋", "1单元", True, "13800010001"),
        ("李秀英", "vice_chair", "2栋", "2单元", True, "13800010002"),
        ("张德明", "member", "3栋", "1单元", False, "13800010003"),
        ("刘桂兰", "member", "4栋", "2单元", False, "13800010004"),
    ],
    "双清中路98号教师公寓": [
        ("陈志远", "chair", "1栋", "1单元", True, "13900020001"),
        ("杨淑芬", "vice_chair", "3栋", "2单元", True, "13900020002"),
        ("赵文博", "member", "5栋", "1单元", False, "13900020003"),
        ("周玉珍", "member", "7栋", "3单元", False, "13900020004"),
        ("吴国平", "member", "8栋", "1单元", True, "13900020005"),
    ],
    "浣花小区": [
        ("孙立新", "chair", "2栋", "1单元", True, "13700030001"),
        ("马红梅", "member", "6栋", "2单元", False, "13700030002"),
    ],
}

QUNHE_STEPS = [  # seed: 民主议事决策七步工作法
    ("courtyard", "征求意见：改不改、改什么", ""),
    ("courtyard", "审议议题：汇总居民意见形成改造议题", ""),
    ("courtyard", "民主决策：表决改造方案", "方案获全体住户支持。"),
    ("hearing", "听证评审：设计方案听证", "采纳居民意见修改方案。"),
    ("representatives", "组织实施：自改委参与施工组织", ""),
    ("representatives", "全程监督：居民代表监督施工质量", ""),
    ("courtyard", "测评反馈：改造效果测评", "满意度100%。"),
]


def split(total: int, parts: int) -> list[int]:
    """`total` in `parts` whole numbers differing by at most one (largest first)."""
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


def aware(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _compound(district: str, name: str) -> Compound | None:
    return (
        Compound.objects.filter(street__district__code=district, name=name)
        .select_related("street__district")
        .first()
    )


def _project(compound: Compound, programme_contains: str) -> Project | None:
    return (
        Project.objects.filter(compound=compound, programme__name__contains=programme_contains)
        .select_related("acceptance", "programme")
        .first()
    )


def _suggestions(
    *, compound: Compound, project: Project | None, start: dt.datetime, count: int, offset: int
) -> list[Suggestion]:
    """`count` answered and closed suggestions from `start`; one in eight took more than a day
    (so the share answered within a day is a real figure, not 100%)."""
    rows = []
    for i in range(count):
        received = start + dt.timedelta(hours=i * 3)
        hours = 30 + i % 12 if (i + offset) % 8 == 7 else 2 + (i * 5) % 20
        answered = received + dt.timedelta(hours=hours)
        rows.append(
            Suggestion(
                compound=compound,
                project=project,
                kind=Suggestion.Kind.SUGGESTION,
                channel=Suggestion.Channel.MEETING if i % 3 else Suggestion.Channel.VISIT,
                text=SUGGESTION_TEXTS[(i + offset) % len(SUGGESTION_TEXTS)],
                received_at=received,
                status=Suggestion.Status.CLOSED,
                assigned_to="自改委",
                assigned_at=received + dt.timedelta(hours=1),
                answer=ANSWER_TEXT,
                answered_at=answered,
                closed_at=answered + dt.timedelta(hours=1),
            )
        )
    return rows


def _named_committee(
    compound: Compound, kind: str, name: str, formed_on: dt.date, admin
) -> ResidentCommittee:
    committee, created = ResidentCommittee.objects.get_or_create(
        compound=compound,
        kind=kind,
        name=name,
        defaults={
            "street_id": compound.street_id,
            "area_id": compound.area_id,
            "formed_on": formed_on,
            "term_ends_on": formed_on + dt.timedelta(days=3 * 365),
            "notes": DEMO_NOTE,
            "created_by": admin,
            "updated_by": admin,
        },
    )
    if created:
        members = MEMBERS.get(compound.name, [])
        CommitteeMember.objects.bulk_create(
            CommitteeMember(
                committee=committee,
                name=n,
                role=role,
                building=building,
                unit=unit,
                is_party_member=party,
                phone=phone,
                created_by=admin,
                updated_by=admin,
            )
            for n, role, building, unit, party, phone in members
        )
        ResidentCommittee.objects.filter(pk=committee.pk).update(headcount=len(members))
    return committee


# --- 峨山 ----------------------------------------------------------------------------------


def eshan_suggestions() -> None:
    """The 56 suggestions of the phase-1 survey forms, one row per suggestion."""
    surveys = list(
        OpinionSurvey.objects.filter(
            project__compound__street__district__code=ESHAN, scope_label__contains="一期"
        )
        .select_related("project__compound")
        .order_by("project_id")
    )
    if Suggestion.objects.filter(compound__street__district__code=ESHAN).exists():
        return
    rows = []
    for offset, survey in enumerate(surveys):
        rows += _suggestions(
            compound=survey.project.compound,
            project=survey.project,
            start=aware(survey.held_on, 9),
            count=survey.suggestions,
            offset=offset,
        )
    Suggestion.objects.bulk_create(rows)


# --- 青羊 ----------------------------------------------------------------------------------


def qingyang_networks(admin) -> None:
    """91 courtyard party branches with their 484 grid workers, and 376 volunteers in 121 teams."""
    if ResidentCommittee.objects.filter(
        street__district__code=QINGYANG, kind=ResidentCommittee.Kind.PARTY_BRANCH
    ).exists():
        return
    fourteenth = Project.objects.filter(
        programme__district__code=QINGYANG, programme__name__contains="十四五"
    )
    branch_compounds = list(
        Compound.objects.filter(projects__in=fourteenth, street__name__in=BRANCH_STREETS).order_by(
            "code"
        )[:PARTY_BRANCHES]
    )
    formed = dt.date(2022, 7, 15)  # seed: 2022年7月起集中利用1个月时间
    committees = []
    for compound, grid in zip(branch_compounds, split(GRID_WORKERS, PARTY_BRANCHES), strict=True):
        committees.append(
            ResidentCommittee(
                street_id=compound.street_id,
                compound=compound,
                area_id=compound.area_id,
                kind=ResidentCommittee.Kind.PARTY_BRANCH,
                name=f"{compound.name}院落党支部",
                formed_on=formed,
                created_by=admin,
                updated_by=admin,
            )
        )
        committees.append(
            ResidentCommittee(
                street_id=compound.street_id,
                compound=compound,
                area_id=compound.area_id,
                kind=ResidentCommittee.Kind.GRID_TEAM,
                name=f"{compound.name}微网实格员",
                formed_on=formed,
                headcount=grid,
                created_by=admin,
                updated_by=admin,
            )
        )
    volunteer_compounds = list(
        Compound.objects.filter(projects__in=fourteenth).order_by("-code")[:VOLUNTEER_TEAMS]
    )
    for i, (compound, people) in enumerate(
        zip(volunteer_compounds, split(VOLUNTEERS, VOLUNTEER_TEAMS), strict=True)
    ):
        committees.append(
            ResidentCommittee(
                street_id=compound.street_id,
                compound=compound,
                area_id=compound.area_id,
                kind=ResidentCommittee.Kind.VOLUNTEER_TEAM,
                name=f"{compound.name}志愿队",
                formed_on=dt.date(2021, 3, 1) + dt.timedelta(days=3 * i),
                headcount=people,
                created_by=admin,
                updated_by=admin,
            )
        )
    ResidentCommittee.objects.bulk_create(committees)


def qunhe(admin) -> None:
    """群和街2号: the self-renovation committee, the seven-step meetings, 100% satisfaction."""
    compound = _compound(QINGYANG, "群和街2号")
    project = compound and _project(compound, "十四五")
    if compound is None or project is None:
        return
    survey = project.surveys.order_by("held_on").first()
    start = survey.held_on - dt.timedelta(days=40) if survey else dt.date(2021, 10, 1)
    _named_committee(
        compound, ResidentCommittee.Kind.SELF_RENOVATION, "群和街2号自改委", start, admin
    )
    if not Meeting.objects.filter(compound=compound).exists():
        Meeting.objects.bulk_create(
            Meeting(
                compound=compound,
                project=project,
                kind=kind,
                # Six steps before and during the works, the evaluation after completion.
                held_on=start + dt.timedelta(days=10 + 20 * i)
                if i < 6
                else (project.completed_on or start) + dt.timedelta(days=15),
                attendance=compound.households - 10 + i,
                topics=topics,
                resolutions=resolution,
                created_by=admin,
            )
            for i, (kind, topics, resolution) in enumerate(QUNHE_STEPS)
        )
    if survey and not Suggestion.objects.filter(compound=compound).exists():
        Suggestion.objects.bulk_create(
            _suggestions(
                compound=compound,
                project=project,
                start=aware(survey.held_on, 9),
                count=survey.suggestions,
                offset=3,
            )
        )
    if project.completed_on and not SatisfactionSurvey.objects.filter(project=project).exists():
        SatisfactionSurvey.objects.create(  # seed: 改造后满意度高达100%
            project=project,
            held_on=project.completed_on + dt.timedelta(days=14),
            respondents=compound.households,
            satisfied=compound.households,
            notes="测评反馈（七步工作法第七步）。",
            created_by=admin,
        )
    if project.completed_on and not LongTermManagement.objects.filter(compound=compound).exists():
        LongTermManagement.objects.create(
            compound=compound,
            project=project,
            mode=LongTermManagement.Mode.SELF_MANAGEMENT,
            provider="群和街2号自改委",
            fee_per_m2=Decimal("0.30"),
            starts_on=project.completed_on + dt.timedelta(days=30),
            notes="自改委主导的居民自治管理（收费标准为演示数据）。",
            created_by=admin,
        )


def shuangqing(admin) -> None:
    """双清中路98号教师公寓: 5 courtyard meetings, 22 suggestions, maintenance fund 100%."""
    compound = _compound(QINGYANG, "双清中路98号教师公寓")
    project = compound and _project(compound, "十四五")
    if compound is None or project is None:
        return
    survey = project.surveys.order_by("held_on").first()
    held = survey.held_on if survey else dt.date(2022, 1, 10)
    _named_committee(
        compound,
        ResidentCommittee.Kind.SELF_RENOVATION,
        "了不起的自改小组",
        held - dt.timedelta(days=60),
        admin,
    )
    if not Meeting.objects.filter(compound=compound).exists():
        topics = ["改不改", "改什么", "怎么改", "维修资金归集", "设计方案确认"]
        Meeting.objects.bulk_create(  # seed: 组织“坝坝会”5场
            Meeting(
                compound=compound,
                project=project,
                kind=Meeting.Kind.COURTYARD,
                held_on=held - dt.timedelta(days=50 - 12 * i),
                attendance=180 + 17 * i,
                topics=f"坝坝会第{i + 1}场：{topic}",
                resolutions="群众说了算：形成会议纪要并公示。",
                created_by=admin,
            )
            for i, topic in enumerate(topics)
        )
    if not Suggestion.objects.filter(compound=compound).exists():
        Suggestion.objects.bulk_create(  # seed: 收集意见建议22条
            _suggestions(
                compound=compound,
                project=project,
                start=aware(held - dt.timedelta(days=45), 19),
                count=survey.suggestions if survey else 22,
                offset=5,
            )
        )
    if not FundCollection.objects.filter(project=project).exists():
        expected = (compound.floor_area * 5).quantize(Decimal("0.01"))  # 不低于5元/㎡
        FundCollection.objects.create(  # seed: 维修资金100%归集到位
            project=project,
            as_of=held + dt.timedelta(days=20),
            standard="5元/㎡",
            households_expected=compound.households,
            households_paid=compound.households,
            amount_expected=expected,
            amount_collected=expected,
            created_by=admin,
        )


def huanhua(admin) -> None:
    compound = _compound(QINGYANG, "浣花小区")
    if compound is not None:
        _named_committee(
            compound,
            ResidentCommittee.Kind.SELF_RENOVATION,
            "浣花小区自改委",
            dt.date(2020, 11, 1),
            admin,
        )


def caotang_management(admin) -> None:
    """草堂街道: public-benefit, low-margin property service at 0.4 yuan/m² for the compounds
    handed over in the 14th five-year plan."""
    projects = list(
        Project.objects.filter(
            programme__district__code=QINGYANG,
            programme__name__contains="十四五",
            compound__street__name="草堂街道",
            stage=Stage.HANDED_OVER,
        )
        .exclude(compound__management_arrangements__isnull=False)
        .select_related("compound")
    )
    LongTermManagement.objects.bulk_create(
        LongTermManagement(
            compound=p.compound,
            project=p,
            mode=LongTermManagement.Mode.PUBLIC_BENEFIT,
            provider="草堂街道片区公益物业",
            fee_per_m2=CAOTANG_FEE,
            starts_on=(p.completed_on or dt.date(p.year, 12, 20)) + dt.timedelta(days=30),
            created_by=admin,
        )
        for p in projects
    )


# --- 西工: elevator votes ------------------------------------------------------------------


def ballot_sheet(rooms: list[tuple[str, str, Decimal, str]]) -> SimpleUploadedFile:
    lines = ["房号,业主,专有面积,表决意见"]
    lines += [f"{room},{owner},{area},{choice}" for room, owner, area, choice in rooms]
    return SimpleUploadedFile("ballots.csv", "\n".join(lines).encode("utf-8"), "text/csv")


def xigong_elevator_votes(admin) -> None:
    """Two elevator votes on building units of 道南路70号院 (art. 278: renovation needs 3/4):
    1栋2单元 passes on per-owner ballots; 3栋1单元 fails the 2/3 quorum."""
    compound = _compound(XIGONG, "道南路70号院")
    if compound is None or OwnerVote.objects.filter(compound=compound).exists():
        return
    buildings = {b.name: b for b in Building.objects.filter(compound=compound)}
    first, third = buildings.get("1栋"), buildings.get("3栋")
    if first is None or third is None:
        return
    held = dt.date(2023, 4, 16)
    passing = services.owner_vote_create(
        compound=compound,
        by=admin,
        matter=Matter.RENOVATE,
        title="1栋2单元加装电梯",
        held_on=held,
        scope_kind=ScopeKind.UNIT,
        building=first,
        unit="2单元",
        eligible_owners=12,
        eligible_area=Decimal("876.00"),
    )
    # 12 flats of 73 m² on six floors: 11 owners vote, 10 in favour, the ground floor against.
    rooms = [
        (f"1-2-{floor}0{door}", "", Decimal("73.00"), "同意")
        for floor in range(2, 7)
        for door in (1, 2)
    ]
    rooms.append(("1-2-101", "", Decimal("73.00"), "反对"))
    services.owner_vote_import_ballots(
        vote=passing, by=admin, upload=ballot_sheet(rooms), dry_run=False
    )
    failing = services.owner_vote_create(
        compound=compound,
        by=admin,
        matter=Matter.RENOVATE,
        title="3栋1单元加装电梯",
        held_on=held + dt.timedelta(days=7),
        scope_kind=ScopeKind.UNIT,
        building=third,
        unit="1单元",
        eligible_owners=12,
        eligible_area=Decimal("864.00"),
    )
    # Only 7 of 12 owners (504 of 864 m²) took part: below two thirds of either.
    services.owner_vote_tally(
        vote=failing,
        by=admin,
        version=failing.version,
        participating_owners=7,
        participating_area=Decimal("504.00"),
        agree_owners=7,
        agree_area=Decimal("504.00"),
        oppose_owners=0,
        oppose_area=Decimal("0.00"),
    )


# --- The 2026 programme --------------------------------------------------------------------


def programme_2026(admin, as_of: dt.date) -> None:
    projects = Project.objects.filter(
        programme__district__code=QINGYANG, programme__name__contains="2026"
    ).select_related("compound")
    # The consultation project without a survey decided by an owners' vote instead.
    unsurveyed = (
        projects.filter(stage=Stage.CONSULTATION, surveys__isnull=True).order_by("id").first()
    )
    if unsurveyed is not None and not OwnerVote.objects.filter(project=unsurveyed).exists():
        compound = unsurveyed.compound
        area = compound.floor_area or Decimal(compound.households * 70)
        vote = services.owner_vote_create(
            compound=compound,
            project=unsurveyed,
            by=admin,
            matter=Matter.RENOVATE,
            title=f"{compound.name}提升改造业主表决",
            held_on=as_of - dt.timedelta(days=2),
            eligible_owners=compound.households,
            eligible_area=area,
        )
        part = Decimal("0.82")
        agree = Decimal("0.80")
        services.owner_vote_tally(
            vote=vote,
            by=admin,
            version=vote.version,
            participating_owners=round(compound.households * part),
            participating_area=(area * part).quantize(Decimal("0.01")),
            agree_owners=round(compound.households * part * agree),
            agree_area=(area * part * agree).quantize(Decimal("0.01")),
            oppose_owners=round(compound.households * part)
            - round(compound.households * part * agree),
            oppose_area=(area * part).quantize(Decimal("0.01"))
            - (area * part * agree).quantize(Decimal("0.01")),
        )
    # Disclosures: 浣花小区's plan (closed) and one approved plan still open for objections.
    huanhua = projects.filter(compound__name="浣花小区").first()
    approved = projects.filter(stage=Stage.APPROVED).order_by("id").first()
    huanhua_start = ((huanhua.started_on if huanhua else None) or as_of) - dt.timedelta(days=40)
    for project, token, start in (
        (huanhua, "demo-huanhua-2026", huanhua_start),
        (approved, "demo-approved-2026", as_of - dt.timedelta(days=3)),
    ):
        if project is None or Disclosure.objects.filter(token=token).exists():
            continue
        Disclosure.objects.create(
            project=project,
            title=f"{project.compound.name}改造方案公示",
            summary=(
                f"{project.name or project.compound.name}：{project.get_category_display()}。"
                "方案经居民代表、设计单位和相关部门联合审查（“三上三下”），现予公示。"
                "如有意见，请在截止日期前提出。"
            ),
            window_starts_on=start,
            window_ends_on=start + dt.timedelta(days=9),
            objection_deadline=start + dt.timedelta(days=7),
            published=True,
            published_at=aware(start, 9),
            token=token,
            created_by=admin,
        )


@transaction.atomic
def load_governance_demo(as_of: dt.date | None = None) -> None:
    """Write the governance demo on top of `load_demo`'s data; safe to run again."""
    as_of = as_of or min(timezone.localdate(), dt.date(2026, 12, 20))
    admin = get_user_model().objects.filter(username="admin").first()
    if admin is None:
        return  # load_demo has not run
    eshan_suggestions()
    qingyang_networks(admin)
    qunhe(admin)
    shuangqing(admin)
    huanhua(admin)
    caotang_management(admin)
    xigong_elevator_votes(admin)
    programme_2026(admin, as_of)

"""Money as officials count it, in the demo (issue 14): the fictional 2026 programme of 青羊区 gets
pooled district money (part attributed to projects from the pool, part not yet), contributions
in kind, a line published as combining sub-types (one still combined, one split), and
corrections by counter-entry (冲销), so each case shows on the pages.

Illustrative, not from the seeds: funders, amounts and dates. Everything is written through the
funding services as the district's official (`district`), with their validation and history,
so the demo obeys the same rules as real input. Dates fall between the programme's first
construction start and today. Idempotent: skipped when its commitments exist (by reference).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from funding import corrections, in_kind, lines, services, vouchers
from funding.lines import SplitPart
from funding.models import Commitment, Kind, SubType
from programmes.models import Programme, Project

from . import seeds as S

REFERENCE = "青羊区2026年资金（演示，资金池与实物出资）"
WAN = Decimal(10_000)
# A one-page PDF standing for a scanned bank slip (进账单).
SLIP_PDF = (
    b"%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n"
    b"2 0 obj <</Type /Pages /Kids [3 0 R] /Count 1>> endobj\n"
    b"3 0 obj <</Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]>> endobj\n"
    b"trailer <</Root 1 0 R>>\n%%EOF\n"
)


def _programme() -> Programme | None:
    return Programme.objects.filter(
        district__code=S.QINGYANG["district"][1], start_year=2026, name__contains="2026"
    ).first()


def qingyang_2026_pooled() -> bool:
    programme = _programme()
    official = get_user_model().objects.filter(username="district").first()
    if (
        programme is None
        or official is None
        or Commitment.objects.filter(reference=REFERENCE).exists()
    ):
        return False
    building = list(
        Project.objects.filter(programme=programme, stage__in=["construction", "accepted"])
        .select_related("compound")
        .order_by("compound__code", "id")
    )
    today = timezone.localdate()
    starts = [p.started_on for p in building if p.started_on]
    floor = min(starts) if starts else dt.date(2026, 1, 5)
    if len(building) < 4 or floor > today:
        return False
    span = (today - floor).days

    def day(fraction: float) -> dt.date:
        """A date `fraction` of the way from the first construction start to today."""
        return floor + dt.timedelta(days=int(span * fraction))

    def plan(**fields) -> Commitment:
        fields.setdefault("reference", REFERENCE)
        commitment = services.commitment_create(by=official, **fields)
        return services.commitment_approve(commitment=commitment, by=official)

    _pooled_subsidy(programme, building, official, plan, day)
    _split_line(programme, building, official, plan, day)
    _in_kind(programme, building, official, plan, day)
    _corrections(programme, building, official, plan, day)
    return True


def _pooled_subsidy(programme, building, official, plan, day) -> None:
    """中央和省级补助 as published (one line, not yet split). Three projects have their part
    allocated before the money came and received on their own lines; then a transfer arrives
    in the district's pool, and the parts allocated to two more projects are attributed from it.
    The rest waits in the pool, not yet attributed."""
    line = plan(
        programme=programme,
        year=2026,
        kind=Kind.GOVERNMENT,
        sub_type=SubType.COMBINED,
        combines=[SubType.CENTRAL_SUBSIDY, SubType.PROVINCIAL_SUBSIDY],
        funder="中央和省级财政（城镇老旧小区改造补助资金）",
        amount=1200 * WAN,
        note="上级下达文件合并列示中央和省级补助，具体拆分待省财政厅明确。",
    )

    def third_of_budget(project: Project) -> Decimal:
        return (project.budget * Decimal("0.35") / WAN).quantize(Decimal(1)) * WAN

    for project in building[:3]:
        allocated = third_of_budget(project)
        services.allocation_set(commitment=line, project=project, amount=allocated, by=official)
        services.receipt_record(
            commitment=line,
            project=project,
            by=official,
            amount=(allocated * Decimal("0.6") / WAN).quantize(Decimal(1)) * WAN,
            received_on=day(0.2),
        )
    services.receipt_record(
        commitment=line,
        by=official,
        amount=400 * WAN,
        received_on=day(0.4),
        note="第二批资金拨入区级资金池",
    )
    for project in building[3:5]:
        services.allocation_set(
            commitment=line, project=project, amount=third_of_budget(project), by=official
        )


def _split_line(programme, building, official, plan, day) -> None:
    """Another line published as 中央和省级, split once the province gave the amounts: the
    combined line stays, reversed, and its money is re-booked on the parts."""
    project = building[5 % len(building)]
    line = plan(
        project=project,
        kind=Kind.GOVERNMENT,
        sub_type=SubType.COMBINED,
        combines=[SubType.CENTRAL_SUBSIDY, SubType.PROVINCIAL_SUBSIDY],
        funder="中央和省级财政（加装电梯补助）",
        amount=Decimal(96 * WAN),
    )
    services.receipt_record(commitment=line, by=official, amount=60 * WAN, received_on=day(0.4))
    line.refresh_from_db()
    lines.commitment_split(
        commitment=line,
        by=official,
        parts=[
            SplitPart(SubType.CENTRAL_SUBSIDY, 64 * WAN, "中央财政"),
            SplitPart(SubType.PROVINCIAL_SUBSIDY, 32 * WAN, "四川省财政厅"),
        ],
        reason="川财建〔2026〕演示号文件明确：中央补助64万元、省级补助32万元（演示）",
        version=line.version,
    )


def _in_kind(programme, building, official, plan, day) -> None:
    """A gas company lays pipes free of charge (value assessed); the water company replaces
    old pipes free for most compounds (value not yet assessed, flagged)."""
    for index, project in enumerate(building[:4]):
        gas = plan(
            project=project,
            kind=Kind.MARKET,
            sub_type=SubType.UTILITY,
            funder="成都燃气有限责任公司",
            amount=Decimal(0),
            mode=Commitment.Mode.FREE_WORKS,
            works="免费实施小区庭院燃气管道改造及户内燃气安全检查（演示）",
        )
        if index < 3:
            in_kind.commitment_value_assess(
                commitment=gas,
                by=official,
                amount=Decimal(18 + 4 * index) * WAN,
                reason="按燃气公司提交的工程结算单评估（演示）",
            )
    plan(
        programme=programme,
        year=2026,
        kind=Kind.MARKET,
        sub_type=SubType.UTILITY,
        funder="成都市自来水有限责任公司",
        amount=Decimal(0),
        mode=Commitment.Mode.IN_KIND,
        works="为计划内多数小区免费更换老旧供水管网、实施一户一表改造（演示）",
        note="价值待自来水公司完成结算后评估。",
    )


def _corrections(programme, building, official, plan, day) -> None:
    """A receipt booked twice and reversed (冲销), with the bank slip of the one that stands; a
    commitment entered under the wrong sub-type, reversed and planned again."""
    project = building[1]
    budget = plan(
        project=project,
        sub_type=SubType.DISTRICT_BUDGET,
        funder="青羊区财政局",
        amount=60 * WAN,
    )
    first = services.receipt_record(
        commitment=budget, by=official, amount=25 * WAN, received_on=day(0.5)
    )
    twice = services.receipt_record(
        commitment=budget, by=official, amount=25 * WAN, received_on=day(0.5)
    )
    budget.refresh_from_db()
    corrections.receipt_reverse(
        receipt=twice,
        by=official,
        reason="同一笔拨款重复录入（演示）",
        version=budget.version,
    )
    vouchers.voucher_attach(
        record=first,
        by=official,
        file=SimpleUploadedFile("进账单.pdf", SLIP_PDF, content_type="application/pdf"),
        title="银行进账单（演示）",
    )
    wrong = plan(
        project=building[2],
        sub_type=SubType.GENERAL_BOND,
        funder="四川省政府一般债券（青羊区）",
        amount=50 * WAN,
    )
    corrections.commitment_reverse(
        commitment=wrong,
        by=official,
        reason="应为专项债券，误录为一般债券，冲销后重新录入（演示）",
        version=wrong.version,
    )
    plan(
        project=building[2],
        sub_type=SubType.SPECIAL_BOND,
        funder="四川省政府专项债券（青羊区）",
        amount=50 * WAN,
    )

"""Funding demo data from the seed reports: `load_funding_demo()`, run after `load_demo`.

Seed figures (must come back exactly from the funding-mix report):

* 峨山县 phase 1 (seed 002): 3,200万元 in all — central subsidy 1,741万, residents' parking-rights
  income 1,200万, utility companies' social capital 259万 (government 54.4%, residents 37.5%,
  market 8.1%).
* 青羊区 2022 (seed 000, “4个一点”): government subsidy 1.59亿, special bonds 1.6亿, general bonds
  0.77亿, municipal funds applied for after completion 0.76亿, policy-based financial instruments
  0.46亿; property-rights units 0.22亿; social donations 0.24亿; residents' maintenance funds at
  5 元/m² and 800 元 per household for water meters.

Illustrative (not in the seeds): how totals are spread over compounds (by budget or households),
funders' names where the seeds give none, dates, what has arrived and been spent, and the few
compounds whose water-meter share is not fully collected.

Idempotent: each block is skipped when its commitments exist (found by their reference). Rows are
written in bulk with their history (a historical import by the demo administrator). The 2026
block (money_cases.py: pooled money, contributions in kind, combined lines, reversals) is written
through the funding services instead.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from funding.models import (
    SUBTYPE_KIND,
    Allocation,
    Commitment,
    ContributionRule,
    Expenditure,
    FundingSource,
    Kind,
    Receipt,
    SubType,
)
from programmes.models import Batch, Programme, Project

from . import seeds as S
from .money_cases import qingyang_2026_pooled
from .split import split_decimal

WAN = Decimal(10_000)
CENT = Decimal("0.01")
REASON = "演示数据导入（种子报告）"

ES_REFERENCE = "峨山县一期资金（演示，种子002）"
QY_REFERENCE = "青羊区2022年资金（演示，种子000）"

ES_PHASE1 = {  # seed 002, in 万元
    "central": Decimal(1741),
    "parking": Decimal(1200),
    "utilities": Decimal(259),
}
# Illustrative split of the utilities' 259万 (the seed names the four networks, not the amounts).
ES_UTILITIES = [
    ("中国电信峨山分公司", Decimal(78)),
    ("云南电网峨山供电局", Decimal(82)),
    ("峨山县自来水公司", Decimal(48)),
    ("峨山县天然气公司", Decimal(51)),
]
QY_2022 = {  # seed 000, in 亿元
    "district_budget": Decimal("1.59"),
    "special_bond": Decimal("1.6"),
    "general_bond": Decimal("0.77"),
    "municipal": Decimal("0.76"),
    "policy_instrument": Decimal("0.46"),
    "property_units": Decimal("0.22"),
    "donations": Decimal("0.24"),
}
YI = Decimal(100_000_000)
QY_MAINTENANCE_RATE = Decimal("5.00")  # seed: 不低于5元/平方米
QY_WATER_METER_RATE = Decimal("800.00")  # seed: 800元/户


class _Book:
    """Collects rows and writes them in bulk with history, in dependency order."""

    def __init__(self, user, when: dt.datetime) -> None:
        self.user = user
        self.when = when
        self.sources: dict[tuple, FundingSource] = {}

    def source(self, district, sub_type: str, funder: str, kind: str | None = None):
        kind = kind or Kind(_kind_of(sub_type))
        key = (district.pk, kind, sub_type, funder)
        if key not in self.sources:
            source, _ = FundingSource.objects.get_or_create(
                district=district,
                kind=kind,
                sub_type=sub_type,
                funder=funder,
                defaults={"created_by": self.user, "updated_by": self.user},
            )
            self.sources[key] = source
        return self.sources[key]

    def create(self, model, rows: list) -> list:
        for row in rows:
            row.created_by = self.user
            row.updated_by = self.user
        return bulk_create_with_history(
            rows,
            model,
            batch_size=500,
            default_user=self.user,
            default_change_reason=REASON,
            default_date=self.when,
        )


def _kind_of(sub_type: str) -> str:
    return SUBTYPE_KIND[sub_type]


def _approved(book: _Book, **fields) -> Commitment:
    return Commitment(
        status=Commitment.Status.APPROVED,
        approved_by=book.user,
        approved_at=book.when,
        **fields,
    )


def _date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def _projects(programme: Programme, **filters) -> list[Project]:
    return list(
        Project.objects.filter(programme=programme, **filters)
        .select_related("compound", "batch")
        .order_by("compound__code", "id")
    )


def _spread(total: Decimal, projects: list[Project], weight) -> list[Decimal]:
    return split_decimal(total, [max(float(weight(p)), 0.01) for p in projects])


def _allocate_receive_spend(
    book: _Book,
    rng: random.Random,
    commitment: Commitment,
    projects: list[Project],
    *,
    received: tuple[dt.date, dt.date],
    spent: tuple[dt.date, dt.date] | None,
) -> None:
    """Allocate a programme-level commitment over projects by budget; each project's part
    arrives in full and (when `spent` is given) is spent in full."""
    parts = _spread(commitment.amount, projects, lambda p: p.budget)
    book.create(
        Allocation,
        [
            Allocation(commitment=commitment, project=p, amount=part)
            for p, part in zip(projects, parts, strict=True)
        ],
    )
    _receive_spend(book, rng, commitment, list(zip(projects, parts, strict=True)), received, spent)


def _receive_spend(book, rng, commitment, lines, received, spent) -> None:
    """Receipts (and expenditures) of a programme-level commitment, one per project line."""
    book.create(
        Receipt,
        [
            Receipt(commitment=commitment, project=p, amount=a, received_on=_date(rng, *received))
            for p, a in lines
        ],
    )
    if spent:
        book.create(
            Expenditure,
            [
                Expenditure(
                    commitment=commitment,
                    project=p,
                    amount=a,
                    spent_on=_date(rng, *spent),
                    payee=p.contractor,
                )
                for p, a in lines
            ],
        )


def _receive_spend_own(
    book, rng, commitments, received, spent, *, payee=None, collected=None
) -> None:
    """Project-level commitments: the money (or `collected(c)` of it) arrives and, when
    `spent` is given, is spent in full."""
    amounts = {c.pk: (collected(c) if collected else c.amount) for c in commitments}
    book.create(
        Receipt,
        [
            Receipt(
                commitment=c,
                project=c.project,
                amount=amounts[c.pk],
                received_on=_date(rng, *received),
            )
            for c in commitments
            if amounts[c.pk] > 0
        ],
    )
    if spent:
        book.create(
            Expenditure,
            [
                Expenditure(
                    commitment=c,
                    project=c.project,
                    amount=amounts[c.pk],
                    spent_on=_date(rng, *spent),
                    payee=payee(c) if payee else c.project.contractor,
                )
                for c in commitments
                if amounts[c.pk] > 0
            ],
        )


# --- 峨山县 phase 1 -------------------------------------------------------------------------


def eshan_phase1(book: _Book) -> bool:
    programme = Programme.objects.filter(
        district__code=S.ESHAN["district"][1], name="峨山县老旧小区改造"
    ).first()
    if programme is None or Commitment.objects.filter(reference=ES_REFERENCE).exists():
        return False
    district = programme.district
    batch = Batch.objects.get(programme=programme, name="一期")
    projects = _projects(programme, batch=batch)
    rng = random.Random(S.RANDOM_SEED + 2)  # nosec B311: reproducible demo data, nothing secret
    received = (dt.date(2020, 1, 10), dt.date(2020, 5, 31))
    spent = (dt.date(2020, 6, 1), dt.date(2020, 10, 31))

    central = book.create(
        Commitment,
        [
            _approved(
                book,
                source=book.source(
                    district, SubType.CENTRAL_SUBSIDY, "中央财政（老旧小区改造专项补助）"
                ),
                programme=programme,
                batch=batch,
                year=2020,
                amount=ES_PHASE1["central"] * WAN,
                reference=ES_REFERENCE,
                note="中央专项补助1741万元，按项目预算分配到一期22个小区。",
            )
        ],
    )[0]
    _allocate_receive_spend(book, rng, central, projects, received=received, spent=spent)

    # Residents lease parking-space use rights (居民承租车位使用权): per compound, by households.
    parking_source = book.source(district, SubType.PARKING_RIGHTS, "一期小区居民（承租车位使用权）")
    parts = _spread(ES_PHASE1["parking"] * WAN, projects, lambda p: p.compound.households)
    parking = book.create(
        Commitment,
        [
            _approved(
                book,
                source=parking_source,
                programme=programme,
                project=p,
                batch=batch,
                year=2020,
                amount=part,
                reference=ES_REFERENCE,
            )
            for p, part in zip(projects, parts, strict=True)
        ],
    )
    _receive_spend_own(book, rng, parking, received, spent)

    # Utilities build their own networks in each compound (in kind): booked as received and
    # spent when delivered.
    utility_rows = []
    for funder, total in ES_UTILITIES:
        source = book.source(district, SubType.UTILITY, funder)
        shares = _spread(total * WAN, projects, lambda p: p.compound.households)
        utility_rows += [
            _approved(
                book,
                source=source,
                programme=programme,
                project=p,
                batch=batch,
                year=2020,
                amount=share,
                reference=ES_REFERENCE,
                note="实物出资（管网改造）",
                mode=Commitment.Mode.IN_KIND,
                works=f"{funder}出资改造小区内自有管网（按出资额计价）",
            )
            for p, share in zip(projects, shares, strict=True)
        ]
    utilities = book.create(Commitment, utility_rows)
    _receive_spend_own(book, rng, utilities, spent, spent, payee=lambda c: c.source.funder)
    return True


# --- 青羊区 2022 ---------------------------------------------------------------------------


def qingyang_2022(book: _Book) -> bool:
    programme = Programme.objects.filter(
        district__code=S.QINGYANG["district"][1], name__contains="十四五"
    ).first()
    if programme is None or Commitment.objects.filter(reference=QY_REFERENCE).exists():
        return False
    district = programme.district
    batch = Batch.objects.filter(programme=programme, year=2022).first()
    projects = _projects(programme, year=2022)
    rng = random.Random(S.RANDOM_SEED + 1)  # nosec B311: reproducible demo data, nothing secret
    received = (dt.date(2022, 3, 1), dt.date(2022, 6, 30))
    spent = (dt.date(2022, 8, 15), dt.date(2022, 12, 20))

    def programme_level(sub_type, funder, amount, note, approved=True) -> Commitment:
        fields = {
            "source": book.source(district, sub_type, funder),
            "programme": programme,
            "batch": batch,
            "year": 2022,
            "amount": amount,
            "reference": QY_REFERENCE,
            "note": note,
        }
        row = _approved(book, **fields) if approved else Commitment(**fields)
        return book.create(Commitment, [row])[0]

    # 政府补一点: subsidy and bonds allocated to the year's projects, arrived and spent.
    for sub_type, funder, key, note in (
        (
            SubType.DISTRICT_BUDGET,
            "青羊区财政（政府补助资金）",
            "district_budget",
            "政府补助资金1.59亿元",
        ),
        (
            SubType.SPECIAL_BOND,
            "四川省政府专项债券（青羊区老旧小区改造）",
            "special_bond",
            "发行专项债1.6亿元",
        ),
        (SubType.GENERAL_BOND, "四川省政府一般债券（青羊区）", "general_bond", "一般债0.77亿元"),
    ):
        commitment = programme_level(sub_type, funder, QY_2022[key] * YI, note)
        _allocate_receive_spend(book, rng, commitment, projects, received=received, spent=spent)
    # Municipal funds applied for after completion: approved and paid into the district pool.
    municipal = programme_level(
        SubType.MUNICIPAL_SUBSIDY,
        "成都市财政（竣工后申报市级资金）",
        QY_2022["municipal"] * YI,
        "改造竣工后申报市级财政资金0.76亿元",
    )
    _receive_spend(
        book,
        rng,
        municipal,
        [(None, municipal.amount)],
        (dt.date(2023, 3, 1), dt.date(2023, 6, 30)),
        None,
    )
    # Candidate projects for policy-based financial instruments: applied for, not yet approved.
    programme_level(
        SubType.POLICY_INSTRUMENT,
        "政策性开发性金融工具（备选项目）",
        QY_2022["policy_instrument"] * YI,
        "申报政策性开发性金融工具备选项目资金0.46亿元",
        approved=False,
    )
    # 社会帮一点: donations received by the district in 2022.
    donations = programme_level(
        SubType.DONATION,
        "社会捐助（2022年全区汇总）",
        QY_2022["donations"] * YI,
        "接受社会捐助0.24亿元",
    )
    _receive_spend(book, rng, donations, [(None, donations.amount)], received, None)

    # 市场投一点: property-rights units joined the area-wide (连片) renovations.
    in_areas = [p for p in projects if p.compound.area_id] or projects
    chosen = in_areas[: min(12, len(in_areas))]
    shares = _spread(QY_2022["property_units"] * YI, chosen, lambda p: p.budget)
    units = book.create(
        Commitment,
        [
            _approved(
                book,
                source=book.source(district, SubType.PROPERTY_UNIT, f"{p.compound.name}产权单位"),
                programme=programme,
                project=p,
                batch=batch,
                year=2022,
                amount=share,
                reference=QY_REFERENCE,
            )
            for p, share in zip(chosen, shares, strict=True)
        ],
    )
    _receive_spend_own(book, rng, units, received, spent)

    # 居民出一点: 5 元/m² maintenance funds and 800 元 per household for water meters.
    rules = {}
    for name, sub_type, basis, rate in (
        (
            "专项维修资金归集",
            SubType.MAINTENANCE_FUND,
            ContributionRule.Basis.PER_M2,
            QY_MAINTENANCE_RATE,
        ),
        (
            "自来水户表改造居民分担",
            SubType.RESIDENT_SHARING,
            ContributionRule.Basis.PER_HOUSEHOLD,
            QY_WATER_METER_RATE,
        ),
    ):
        rules[sub_type], _ = ContributionRule.objects.get_or_create(
            programme=programme,
            name=name,
            defaults={
                "sub_type": sub_type,
                "basis": basis,
                "rate": rate,
                "year": 2022,
                "created_by": book.user,
                "updated_by": book.user,
            },
        )
    resident_rows = []
    for p in projects:
        for sub_type, funder, amount in (
            (
                SubType.MAINTENANCE_FUND,
                f"{p.compound.name}业主（专项维修资金）",
                (QY_MAINTENANCE_RATE * p.compound.floor_area).quantize(CENT),
            ),
            (
                SubType.RESIDENT_SHARING,
                f"{p.compound.name}住户（自来水户表改造分担）",
                QY_WATER_METER_RATE * p.compound.households,
            ),
        ):
            resident_rows.append(
                _approved(
                    book,
                    source=book.source(district, sub_type, funder),
                    programme=programme,
                    project=p,
                    batch=batch,
                    year=2022,
                    amount=amount,
                    rule=rules[sub_type],
                    reference=QY_REFERENCE,
                )
            )
    residents = book.create(Commitment, resident_rows)

    short = {p.pk for i, p in enumerate(projects) if i % 9 == 4}

    def collected(c: Commitment) -> Decimal:
        # Illustrative: one compound in nine has collected only 90% of its water-meter share.
        if c.rule_id == rules[SubType.RESIDENT_SHARING].pk and c.project_id in short:
            return (c.amount * Decimal("0.9")).quantize(CENT)
        return c.amount

    _receive_spend_own(book, rng, residents, received, None, collected=collected)
    return True


@transaction.atomic
def load_funding_demo() -> dict[str, bool]:
    """Add the funding demo (after `load_demo`); returns which blocks were written this run."""
    admin = get_user_model().objects.filter(username="admin").first()
    when = dt.datetime(2023, 1, 1, 9, 0, tzinfo=dt.UTC)
    book = _Book(admin, when)
    return {
        "eshan_phase1": eshan_phase1(book),
        "qingyang_2022": qingyang_2022(book),
        "qingyang_2026_pooled": qingyang_2026_pooled(),
    }

"""The funding-mix report: sums, shares that add up to exactly 100.0%, scope, query counts."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from funding import services
from funding.models import SubType
from funding.selectors import (
    FundingScope,
    funding_mix,
    funding_scope_resolve,
    shares_percent,
)
from funding.templatetags.money import format_amount
from programmes.selectors import ScopeNotFound

pytestmark = pytest.mark.django_db


# --- Shares and amounts (no database) ------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["1", "1", "1"], ["33.4", "33.3", "33.3"]),
        (["1741", "1200", "259"], ["54.4", "37.5", "8.1"]),
        (["2", "1", "0"], ["66.7", "33.3", "0.0"]),
        (["1", "0", "0", "0"], ["100.0", "0.0", "0.0", "0.0"]),
        (
            ["1", "1", "1", "1", "1", "1", "1"],
            ["14.3", "14.3", "14.3", "14.3", "14.3", "14.3", "14.2"],
        ),
    ],
)
def test_shares_use_largest_remainder(values, expected):
    shares = shares_percent([Decimal(v) for v in values])
    assert shares == [Decimal(e) for e in expected]
    assert sum(shares) == Decimal("100.0")


def test_shares_of_nothing_are_none():
    assert shares_percent([Decimal(0), Decimal(0)]) == [None, None]


@pytest.mark.django_db(False)
def test_shares_always_add_up_to_exactly_100():
    rng = random.Random(7)
    for _ in range(2000):
        n = rng.randint(1, 16)
        values = [Decimal(rng.randint(0, 10 ** rng.randint(1, 12))) / 100 for _ in range(n)]
        if not any(values):
            continue
        shares = shares_percent(values)
        assert sum(shares) == Decimal("100.0"), values
        exact = [v * 100 / sum(values) for v in values]
        assert all(abs(s - e) < Decimal("0.1") for s, e in zip(shares, exact, strict=True))


@pytest.mark.parametrize(
    ("amount", "unit", "shown"),
    [
        ("17410000", "wan", "1,741.00"),
        ("159000000", "yi", "1.59"),
        ("46000000", "yi", "0.46"),
        ("1234.565", "yuan", "1,234.57"),
        ("-0.001", "yuan", "0.00"),
        ("5", "nonsense", "0.00"),
    ],
)
@pytest.mark.django_db(False)
def test_amount_display_units(amount, unit, shown):
    assert format_amount(Decimal(amount), unit) == shown


# --- The mix -------------------------------------------------------------------------------


def test_mix_sums_and_shares(funded_project, district_official):
    mix = funding_mix(user=district_official, scope=FundingScope(project=funded_project["project"]))
    assert mix.total.planned == Decimal("1000.00")
    assert mix.total.approved == Decimal("1000.00")
    assert mix.total.received == Decimal("800.00")
    assert mix.total.spent == Decimal("200.00")
    assert mix.total.gap == Decimal("200.00")
    gov, market, residents, society = mix.kinds
    assert (gov.kind, gov.planned, gov.share_planned) == (
        "government",
        Decimal("600.00"),
        Decimal("60.0"),
    )
    assert (residents.planned, residents.share_planned) == (Decimal("300.00"), Decimal("30.0"))
    assert (market.planned, market.share_planned, market.received) == (
        Decimal("100.00"),
        Decimal("10.0"),
        Decimal("0.00"),
    )
    assert society.planned == 0
    assert society.share_planned == Decimal("0.0")
    assert gov.share_received == Decimal("62.5")
    assert residents.share_received == Decimal("37.5")
    assert [row.sub_type for row in gov.sub_types] == [SubType.DISTRICT_BUDGET]
    assert sum(k.share_planned for k in mix.kinds) == Decimal("100.0")


def test_planned_and_approved_differ_until_approval(plan, project, district_official):
    plan(project=project, amount="300.00")
    mix = funding_mix(user=district_official, scope=FundingScope(project=project))
    assert mix.total.planned == Decimal("300.00")
    assert mix.total.approved == Decimal("0.00")


def test_thirds_add_up_to_100(approved, project, district_official):
    for sub_type, funder in (
        (SubType.CENTRAL_SUBSIDY, "中央"),
        (SubType.PROPERTY_UNIT, "产权单位"),
        (SubType.DONATION, "捐助"),
    ):
        approved(project=project, amount="333.33", sub_type=sub_type, funder=funder)
    mix = funding_mix(user=district_official, scope=FundingScope(project=project))
    shares = [k.share_planned for k in mix.kinds]
    assert sum(shares) == Decimal("100.0")
    assert sorted(shares) == [Decimal("0.0"), Decimal("33.3"), Decimal("33.3"), Decimal("33.4")]


def test_programme_money_whole_vs_attributed(
    bond, project, other_project, district_official, street_officer, yesterday
):
    services.allocation_set(
        commitment=bond, project=project, amount="3000.00", by=district_official
    )
    services.allocation_set(
        commitment=bond, project=other_project, amount="2000.00", by=district_official
    )
    services.receipt_record(
        commitment=bond,
        project=project,
        by=district_official,
        amount="1000.00",
        received_on=yesterday,
    )
    services.receipt_record(
        commitment=bond, by=district_official, amount="500.00", received_on=yesterday
    )
    # The district sees the whole bond and every receipt, allocations not counted twice.
    whole = funding_mix(user=district_official, scope=FundingScope(programme=bond.programme))
    assert not whole.attributed
    assert (whole.total.planned, whole.total.received) == (Decimal("10000.00"), Decimal("1500.00"))
    # A street's view counts what was allocated to (and received for) its projects.
    street = funding_mix(user=district_official, scope=FundingScope(street=project.compound.street))
    assert street.attributed
    assert (street.total.planned, street.total.received) == (Decimal("3000.00"), Decimal("1000.00"))
    # The street officer, asking for the whole programme, still sees only its own street.
    own = funding_mix(user=street_officer, scope=FundingScope(programme=bond.programme))
    assert (own.total.planned, own.total.received) == (Decimal("3000.00"), Decimal("1000.00"))


def test_street_officer_never_counts_another_street(
    approved, project, other_project, street_officer, street_officer_b
):
    approved(project=project, amount="100.00")
    approved(project=other_project, amount="900.00")
    assert funding_mix(user=street_officer).total.planned == Decimal("100.00")
    assert funding_mix(user=street_officer_b).total.planned == Decimal("900.00")


def test_other_district_sees_nothing(funded_project, other_district_official):
    assert funding_mix(user=other_district_official).total.planned == 0


def test_year_and_batch_scope(approved, programme, project, district_official):
    approved(programme=programme, year=2022, amount="100.00", funder="A")
    approved(programme=programme, year=2023, amount="50.00", funder="B")
    mix = funding_mix(user=district_official, scope=FundingScope(year=2022))
    assert mix.total.planned == Decimal("100.00")


def test_scope_resolution_refuses_out_of_scope_ids(street_officer, other_project, project):
    assert funding_scope_resolve(user=street_officer, params={"project": str(project.pk)}).project
    for params in (
        {"project": str(other_project.pk)},
        {"street": str(other_project.compound.street_id)},
        {"project": "abc"},
        {"year": "99999"},
    ):
        with pytest.raises(ScopeNotFound):
            funding_scope_resolve(user=street_officer, params=params)


def test_mix_query_count_is_constant(
    district_official, programme, make_funded_projects, django_assert_max_num_queries
):
    make_funded_projects(2)
    with django_assert_max_num_queries(8) as small:
        funding_mix(user=district_official, scope=FundingScope(programme=programme))
    make_funded_projects(25)
    with django_assert_max_num_queries(len(small.captured_queries)):
        mix = funding_mix(user=district_official, scope=FundingScope(programme=programme))
    assert mix.total.spent == Decimal("20.00") * 27


def test_resident_contributions_against_expectation(
    programme, project, approved, district_official, yesterday
):
    from funding.models import ContributionRule

    project.compound.floor_area = Decimal("1000.50")
    project.compound.households = 10
    project.compound.save()
    fund = ContributionRule.objects.create(
        programme=programme,
        name="维修资金",
        sub_type=SubType.MAINTENANCE_FUND,
        basis=ContributionRule.Basis.PER_M2,
        rate=Decimal("5.00"),
    )
    meters = ContributionRule.objects.create(
        programme=programme,
        name="水表",
        sub_type=SubType.RESIDENT_SHARING,
        basis=ContributionRule.Basis.PER_HOUSEHOLD,
        rate=Decimal("800.00"),
    )
    commitment = approved(
        project=project,
        amount="8000.00",
        sub_type=SubType.RESIDENT_SHARING,
        funder="住户",
        rule=meters,
    )
    services.receipt_record(
        commitment=commitment, by=district_official, amount="6000.00", received_on=yesterday
    )
    rows = {
        r.name: r
        for r in funding_mix(user=district_official, scope=FundingScope(project=project)).residents
    }
    assert rows["维修资金"].expected == Decimal("5002.50")
    assert rows["维修资金"].collected == 0
    assert rows["水表"].expected == Decimal("8000.00")
    assert rows["水表"].collected == Decimal("6000.00")
    assert rows["水表"].collection_rate == Decimal("75.0")
    assert fund.pk
    assert meters.pk

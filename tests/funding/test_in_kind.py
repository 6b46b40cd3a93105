"""Contributions in kind: zero allowed while not assessed (flagged), a description required,
cash still refuses zero; assessment with a reason and history."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from funding import in_kind, services
from funding.models import Commitment, FundingSource, Kind, SubType
from renovation.errors import ConflictError

pytestmark = pytest.mark.django_db

GAS = {
    "sub_type": SubType.UTILITY,
    "funder": "洛阳新奥燃气有限公司",
    "mode": Commitment.Mode.FREE_WORKS,
    "works": "免费铺设小区燃气管道1.2公里并入户改造",
}


def test_in_kind_commitment_at_zero_is_flagged_not_assessed(plan, project):
    commitment = plan(project=project, amount="0", **GAS)
    assert commitment.amount == 0
    assert commitment.in_kind
    assert not commitment.value_assessed
    assert commitment.works == GAS["works"]


def test_in_kind_commitment_with_an_estimate_is_assessed(plan, project):
    commitment = plan(project=project, amount="860000.00", **GAS)
    assert commitment.value_assessed


@pytest.mark.parametrize("mode", ["in_kind", "agency_build", "free_works"])
def test_every_form_in_kind_needs_its_description(plan, project, mode):
    with pytest.raises(ValidationError) as caught:
        plan(project=project, amount="0", sub_type=SubType.UTILITY, funder="水务", mode=mode)
    assert "works" in caught.value.message_dict
    assert not Commitment.objects.exists()
    assert not FundingSource.objects.exists()


def test_cash_still_refuses_zero(plan, project):
    with pytest.raises(ValidationError) as caught:
        plan(project=project, amount="0")
    assert "amount" in caught.value.message_dict
    assert not Commitment.objects.exists()


def test_unknown_form_is_refused(plan, project):
    with pytest.raises(ValidationError) as caught:
        plan(project=project, amount="1", mode="barter", works="x")
    assert "mode" in caught.value.message_dict


def test_in_kind_value_cannot_be_negative(plan, project):
    with pytest.raises(ValidationError) as caught:
        plan(project=project, amount="-1", **GAS)
    assert "amount" in caught.value.message_dict


def test_database_refuses_cash_at_zero_and_in_kind_without_description(plan, project):
    commitment = plan(project=project, amount="1.00")
    with pytest.raises(IntegrityError), transaction.atomic():
        Commitment.objects.filter(pk=commitment.pk).update(amount=Decimal(0))
    with pytest.raises(IntegrityError), transaction.atomic():
        Commitment.objects.filter(pk=commitment.pk).update(mode=Commitment.Mode.IN_KIND)


def test_assessment_sets_the_value_with_reason_and_history(plan, project, district_official):
    commitment = plan(project=project, amount="0", **GAS)
    assessed = in_kind.commitment_value_assess(
        commitment=commitment,
        by=district_official,
        amount="860000.00",
        reason="按燃气公司结算单评估",
        version=commitment.version,
    )
    assert assessed.amount == Decimal("860000.00")
    assert assessed.value_assessed
    assert assessed.version == commitment.version + 1
    rows = list(assessed.history.order_by("history_id"))
    assert [r.amount for r in rows] == [Decimal("0.00"), Decimal("860000.00")]
    assert rows[-1].history_user == district_official
    assert "按燃气公司结算单评估" in rows[-1].history_change_reason


def test_assessment_needs_a_reason(plan, project, district_official):
    commitment = plan(project=project, amount="0", **GAS)
    with pytest.raises(ValidationError) as caught:
        in_kind.commitment_value_assess(
            commitment=commitment, by=district_official, amount="1.00", reason=""
        )
    assert "reason" in caught.value.message_dict
    commitment.refresh_from_db()
    assert commitment.amount == 0


def test_money_is_never_revalued(plan, project, district_official):
    commitment = plan(project=project, amount="100.00")
    with pytest.raises(ValidationError):
        in_kind.commitment_value_assess(
            commitment=commitment, by=district_official, amount="200.00", reason="改"
        )
    commitment.refresh_from_db()
    assert commitment.amount == Decimal("100.00")


def test_assessment_on_a_stale_version_is_a_conflict(plan, project, district_official):
    commitment = plan(project=project, amount="0", **GAS)
    with pytest.raises(ConflictError):
        in_kind.commitment_value_assess(
            commitment=commitment,
            by=district_official,
            amount="1.00",
            reason="评估",
            version=commitment.version + 3,
        )


def test_value_of_approved_contribution_is_set_by_the_district(approved, project, street_officer):
    commitment = approved(project=project, amount="0", **GAS)
    with pytest.raises(PermissionDenied):
        in_kind.commitment_value_assess(
            commitment=commitment, by=street_officer, amount="1.00", reason="评估"
        )


def test_value_not_below_what_is_allocated(approved, programme, project, district_official):
    water = approved(
        programme=programme,
        year=programme.start_year,
        amount="500000.00",
        sub_type=SubType.UTILITY,
        funder="洛阳水务集团",
        kind=Kind.MARKET,
        mode=Commitment.Mode.IN_KIND,
        works="为多数小区免费更换老旧供水管网",
    )
    services.allocation_set(
        commitment=water, project=project, amount="300000.00", by=district_official
    )
    with pytest.raises(ValidationError) as caught:
        in_kind.commitment_value_assess(
            commitment=water, by=district_official, amount="200000.00", reason="重估"
        )
    assert "amount" in caught.value.message_dict

"""Corrections without deletes (冲销): counter-entries with a reason, kept in history, counted
net in every sum; refusals that save nothing; who may correct; conflicts."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum

from funding import corrections, services
from funding.models import Allocation, Commitment, Expenditure, Receipt, SubType
from funding.selectors import FundingScope, funding_mix
from renovation.errors import ConflictError

pytestmark = pytest.mark.django_db


def total(model, **filters) -> Decimal:
    return model.objects.filter(**filters).aggregate(t=Sum("amount"))["t"] or Decimal(0)


@pytest.fixture
def booked(approved, project, district_official, yesterday):
    """600 planned for the project, 500 received, 200 spent."""
    commitment = approved(project=project, amount="600.00", sub_type=SubType.DISTRICT_BUDGET)
    receipt = services.receipt_record(
        commitment=commitment, by=district_official, amount="500.00", received_on=yesterday
    )
    expenditure = services.expenditure_record(
        commitment=commitment, by=district_official, amount="200.00", spent_on=yesterday
    )
    commitment.refresh_from_db()
    return commitment, receipt, expenditure


# --- Receipts and expenditures -------------------------------------------------------------


def test_expenditure_reversal_is_a_counter_entry_counted_net(booked, district_official):
    commitment, _receipt, expenditure = booked
    counter = corrections.expenditure_reverse(
        expenditure=expenditure, by=district_official, reason="重复录入", version=commitment.version
    )
    assert counter.amount == Decimal("-200.00")
    assert counter.reverses == expenditure
    assert counter.spent_on == expenditure.spent_on
    assert counter.project_id == expenditure.project_id
    assert counter.reversal_reason == "重复录入"
    # The original is kept; the sums are net.
    assert Expenditure.objects.filter(pk=expenditure.pk).exists()
    assert total(Expenditure, commitment=commitment) == 0
    mix = funding_mix(user=district_official, scope=FundingScope(project=commitment.project))
    assert mix.total.spent == 0
    assert mix.total.received == Decimal("500.00")


def test_reversal_keeps_history_with_who_and_why(booked, street_officer):
    commitment, _receipt, expenditure = booked
    counter = corrections.expenditure_reverse(
        expenditure=expenditure, by=street_officer, reason="金额录错"
    )
    row = counter.history.get()
    assert row.history_user == street_officer
    assert "金额录错" in row.history_change_reason
    commitment.refresh_from_db()
    assert commitment.history.latest().history_user == street_officer
    assert commitment.updated_by == street_officer


def test_receipt_reversal_refused_while_its_money_is_spent(booked, district_official):
    commitment, receipt, _expenditure = booked
    with pytest.raises(ValidationError) as caught:
        corrections.receipt_reverse(receipt=receipt, by=district_official, reason="错")
    assert "200.00" in " ".join(caught.value.messages)
    assert not Receipt.objects.filter(reverses__isnull=False).exists()
    assert Commitment.objects.get(pk=commitment.pk).version == commitment.version


def test_receipt_reversed_after_its_spending(booked, district_official):
    commitment, receipt, expenditure = booked
    corrections.expenditure_reverse(expenditure=expenditure, by=district_official, reason="退回")
    corrections.receipt_reverse(receipt=receipt, by=district_official, reason="退回")
    assert total(Receipt, commitment=commitment) == 0
    assert total(Expenditure, commitment=commitment) == 0


def test_reversal_needs_a_reason_and_saves_nothing_without(booked, district_official):
    _commitment, _receipt, expenditure = booked
    for reason in ("", "   ", None):
        with pytest.raises(ValidationError) as caught:
            corrections.expenditure_reverse(
                expenditure=expenditure, by=district_official, reason=reason
            )
        assert "reason" in caught.value.message_dict
    assert Expenditure.objects.count() == 1


def test_a_record_is_reversed_once(booked, district_official):
    _commitment, _receipt, expenditure = booked
    corrections.expenditure_reverse(expenditure=expenditure, by=district_official, reason="一")
    with pytest.raises(ValidationError):
        corrections.expenditure_reverse(expenditure=expenditure, by=district_official, reason="二")
    assert Expenditure.objects.count() == 2


def test_a_counter_entry_is_not_reversed(booked, district_official):
    _commitment, _receipt, expenditure = booked
    counter = corrections.expenditure_reverse(
        expenditure=expenditure, by=district_official, reason="一"
    )
    with pytest.raises(ValidationError):
        corrections.expenditure_reverse(expenditure=counter, by=district_official, reason="二")


def test_database_keeps_one_counter_entry_per_record(booked, district_official):
    _commitment, _receipt, expenditure = booked
    corrections.expenditure_reverse(expenditure=expenditure, by=district_official, reason="一")
    with pytest.raises(IntegrityError), transaction.atomic():
        Expenditure.objects.create(
            commitment=expenditure.commitment,
            project=expenditure.project,
            amount=-expenditure.amount,
            spent_on=expenditure.spent_on,
            reverses=expenditure,
            reversal_reason="再冲",
        )


def test_database_refuses_negative_records_that_reverse_nothing(booked):
    commitment, receipt, _expenditure = booked
    with pytest.raises(IntegrityError), transaction.atomic():
        Receipt.objects.create(
            commitment=commitment,
            project=receipt.project,
            amount=Decimal("-1.00"),
            received_on=receipt.received_on,
        )


def test_database_refuses_a_counter_entry_without_reason(booked):
    _commitment, receipt, _expenditure = booked
    with pytest.raises(IntegrityError), transaction.atomic():
        Receipt.objects.create(
            commitment=receipt.commitment,
            project=receipt.project,
            amount=-receipt.amount,
            received_on=receipt.received_on,
            reverses=receipt,
        )


def test_stale_version_is_a_conflict_and_saves_nothing(booked, district_official):
    commitment, _receipt, expenditure = booked
    with pytest.raises(ConflictError):
        corrections.expenditure_reverse(
            expenditure=expenditure,
            by=district_official,
            reason="错",
            version=commitment.version - 1,
        )
    assert Expenditure.objects.count() == 1


def test_street_officer_of_another_street_may_not_reverse(booked, street_officer_b):
    _commitment, _receipt, expenditure = booked
    with pytest.raises(PermissionDenied):
        corrections.expenditure_reverse(expenditure=expenditure, by=street_officer_b, reason="错")
    assert Expenditure.objects.count() == 1


def test_reversing_keeps_the_year_the_entry_was_booked_in(booked, district_official):
    commitment, receipt, expenditure = booked
    corrections.expenditure_reverse(expenditure=expenditure, by=district_official, reason="错")
    counter = corrections.receipt_reverse(receipt=receipt, by=district_official, reason="错")
    assert counter.received_on == receipt.received_on
    year = receipt.received_on.year
    assert total(Receipt, commitment=commitment, received_on__year=year) == 0


def test_superuser_corrects_through_the_same_service(booked, django_user_model):
    admin = django_user_model.objects.create_superuser("root", password="x" * 12)
    _commitment, _receipt, expenditure = booked
    counter = corrections.expenditure_reverse(expenditure=expenditure, by=admin, reason="修复")
    assert counter.created_by == admin
    assert counter.history.get().history_user == admin


# --- Commitments ---------------------------------------------------------------------------


def test_commitment_reversal_reverses_what_is_booked_on_it(booked, district_official):
    commitment, receipt, expenditure = booked
    counter = corrections.commitment_reverse(
        commitment=commitment, by=district_official, reason="重复立项", version=commitment.version
    )
    assert counter.amount == Decimal("-600.00")
    assert counter.reverses == commitment
    assert counter.status == commitment.status
    assert counter.source_id == commitment.source_id
    assert total(Commitment, project=commitment.project) == 0
    assert total(Receipt, commitment=commitment) == 0
    assert total(Expenditure, commitment=commitment) == 0
    assert Receipt.objects.get(reverses=receipt).reversal_reason == "重复立项"
    assert Expenditure.objects.get(reverses=expenditure).reversal_reason == "重复立项"
    mix = funding_mix(user=district_official, scope=FundingScope(project=commitment.project))
    assert (mix.total.planned, mix.total.approved, mix.total.received, mix.total.spent) == (
        0,
        0,
        0,
        0,
    )


def test_nothing_more_is_booked_on_a_reversed_commitment(booked, district_official, yesterday):
    commitment, _receipt, _expenditure = booked
    counter = corrections.commitment_reverse(
        commitment=commitment, by=district_official, reason="错"
    )
    for target in (commitment, counter):
        with pytest.raises(ValidationError):
            services.receipt_record(
                commitment=target, by=district_official, amount="1.00", received_on=yesterday
            )
    with pytest.raises(ValidationError):
        corrections.commitment_reverse(commitment=commitment, by=district_official, reason="再")
    with pytest.raises(ValidationError):
        corrections.commitment_reverse(commitment=counter, by=district_official, reason="再")
    assert Commitment.objects.count() == 2


def test_planned_commitment_reversed_cannot_be_approved(plan, project, district_official):
    commitment = plan(project=project)
    corrections.commitment_reverse(commitment=commitment, by=district_official, reason="作废")
    with pytest.raises(ValidationError):
        services.commitment_approve(commitment=commitment, by=district_official)


def test_street_officer_reverses_planned_money_but_not_approved(
    plan, approved, project, street_officer
):
    planned = plan(project=project, by=street_officer)
    corrections.commitment_reverse(commitment=planned, by=street_officer, reason="录错")
    accepted = approved(project=project, funder="区财政")
    with pytest.raises(PermissionDenied):
        corrections.commitment_reverse(commitment=accepted, by=street_officer, reason="录错")


def test_programme_money_reversal_zeroes_its_allocations(
    bond, project, district_official, yesterday
):
    services.allocation_set(
        commitment=bond, project=project, amount="4000.00", by=district_official
    )
    services.receipt_record(
        commitment=bond,
        project=project,
        by=district_official,
        amount="1000.00",
        received_on=yesterday,
    )
    corrections.commitment_reverse(commitment=bond, by=district_official, reason="发行取消")
    allocation = Allocation.objects.get(commitment=bond)
    assert allocation.amount == 0
    assert allocation.history.latest().history_user == district_official
    street_mix = funding_mix(
        user=district_official, scope=FundingScope(street=project.compound.street)
    )
    assert street_mix.total.planned == 0
    assert street_mix.total.received == 0
    district_mix = funding_mix(
        user=district_official, scope=FundingScope(district=bond.programme.district)
    )
    assert district_mix.total.planned == 0

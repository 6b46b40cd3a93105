"""The money rules: states, refusals that save nothing, scope of writes, history, conflicts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from funding import services
from funding.models import (
    Allocation,
    Commitment,
    Expenditure,
    FundingSource,
    Kind,
    Receipt,
    SubType,
)
from renovation.errors import ConflictError

pytestmark = pytest.mark.django_db


def messages(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- Creating commitments ------------------------------------------------------------------


@pytest.mark.parametrize("amount", ["-1.00", "-0.01", "0", "1.001", "abc", "NaN", "Infinity"])
def test_bad_amounts_are_refused_and_nothing_saved(plan, project, amount):
    with pytest.raises(ValidationError) as caught:
        plan(project=project, amount=amount)
    assert "amount" in caught.value.message_dict
    assert not Commitment.objects.exists()
    assert not FundingSource.objects.exists()


def test_negative_amount_message_is_clear(plan, project):
    with pytest.raises(ValidationError) as caught:
        plan(project=project, amount="-5")
    assert "cannot be negative" in messages(caught.value) or "不能为负" in messages(caught.value)


def test_float_amounts_are_refused(plan, project):
    with pytest.raises(ValidationError):
        plan(project=project, amount=0.1)
    assert not Commitment.objects.exists()


def test_sub_type_booked_under_another_kind_is_refused(plan, project):
    with pytest.raises(ValidationError) as caught:
        plan(project=project, sub_type=SubType.SPECIAL_BOND, kind=Kind.RESIDENTS)
    assert "sub_type" in caught.value.message_dict
    assert not Commitment.objects.exists()
    assert not FundingSource.objects.exists()


def test_other_sub_type_needs_a_kind_and_takes_any(plan, project):
    with pytest.raises(ValidationError):
        plan(project=project, sub_type=SubType.OTHER)
    commitment = plan(project=project, sub_type=SubType.OTHER, kind=Kind.SOCIETY, funder="某基金会")
    assert commitment.source.kind == Kind.SOCIETY


def test_database_refuses_a_source_of_the_wrong_kind(district):
    with pytest.raises(IntegrityError), transaction.atomic():
        FundingSource.objects.create(
            district=district, kind=Kind.RESIDENTS, sub_type=SubType.SPECIAL_BOND, funder="x"
        )


def test_database_refuses_negative_commitments(plan, project):
    commitment = plan(project=project)
    with pytest.raises(IntegrityError), transaction.atomic():
        Commitment.objects.filter(pk=commitment.pk).update(amount=Decimal("-1"))


def test_commitment_takes_project_year_programme_and_batch(plan, project):
    commitment = plan(project=project, amount="12.50")
    assert commitment.programme_id == project.programme_id
    assert commitment.year == project.year
    assert commitment.amount == Decimal("12.50")
    assert commitment.status == Commitment.Status.PLANNED


def test_street_officer_plans_money_for_own_street_only(
    plan, project, other_project, street_officer
):
    mine = plan(project=project, by=street_officer)
    assert mine.created_by == street_officer
    with pytest.raises(PermissionDenied):
        plan(project=other_project, by=street_officer)
    assert Commitment.objects.count() == 1


def test_programme_level_money_is_planned_by_the_district(plan, programme, street_officer):
    with pytest.raises(PermissionDenied):
        plan(programme=programme, year=programme.start_year, by=street_officer)
    assert not Commitment.objects.exists()


def test_officials_of_another_district_cannot_plan(plan, project, other_district_official):
    with pytest.raises(PermissionDenied):
        plan(project=project, by=other_district_official)


# --- Approval ------------------------------------------------------------------------------


def test_only_district_officials_approve(plan, project, street_officer, district_official):
    commitment = plan(project=project, by=street_officer)
    with pytest.raises(PermissionDenied):
        services.commitment_approve(commitment=commitment, by=street_officer)
    commitment.refresh_from_db()
    assert commitment.status == Commitment.Status.PLANNED

    approved = services.commitment_approve(commitment=commitment, by=district_official)
    assert approved.status == Commitment.Status.APPROVED
    assert approved.approved_by == district_official
    assert approved.approved_at is not None


def test_approving_twice_is_refused(approved, project, district_official):
    commitment = approved(project=project)
    with pytest.raises(ValidationError):
        services.commitment_approve(commitment=commitment, by=district_official)


def test_stale_version_is_a_conflict(plan, project, district_official):
    commitment = plan(project=project)
    stale = commitment.version
    services.commitment_approve(commitment=commitment, by=district_official, version=stale)
    with pytest.raises(ConflictError):
        services.receipt_record(
            commitment=commitment,
            by=district_official,
            amount="1.00",
            received_on=timezone.localdate(),
            version=stale,
        )
    assert not Receipt.objects.exists()


# --- Receipts ------------------------------------------------------------------------------


def test_money_is_received_only_on_approved_commitments(plan, project, district_official):
    commitment = plan(project=project)
    with pytest.raises(ValidationError):
        services.receipt_record(
            commitment=commitment,
            by=district_official,
            amount="10.00",
            received_on=timezone.localdate(),
        )
    assert not Receipt.objects.exists()


def test_receipt_above_commitment_needs_a_reason(approved, project, district_official, yesterday):
    commitment = approved(project=project, amount="1000.00")
    services.receipt_record(
        commitment=commitment, by=district_official, amount="900.00", received_on=yesterday
    )
    with pytest.raises(ValidationError) as caught:
        services.receipt_record(
            commitment=commitment, by=district_official, amount="100.01", received_on=yesterday
        )
    assert "amount" in caught.value.message_dict
    assert Receipt.objects.count() == 1

    extra = services.receipt_record(
        commitment=commitment,
        by=district_official,
        amount="100.01",
        received_on=yesterday,
        over_reason="Interest paid on the late transfer",
    )
    assert extra.over_reason
    assert Receipt.objects.count() == 2


def test_receipt_up_to_the_commitment_needs_no_reason(approved, project, district_official):
    commitment = approved(project=project, amount="1000.00")
    services.receipt_record(
        commitment=commitment,
        by=district_official,
        amount="1000.00",
        received_on=timezone.localdate(),
    )
    assert Receipt.objects.get().project == project


def test_future_dates_are_refused(approved, project, district_official):
    commitment = approved(project=project, amount="1000.00")
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as caught:
        services.receipt_record(
            commitment=commitment, by=district_official, amount="1.00", received_on=tomorrow
        )
    assert "received_on" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.expenditure_record(
            commitment=commitment, by=district_official, amount="1.00", spent_on=tomorrow
        )
    assert "spent_on" in caught.value.message_dict
    assert not Receipt.objects.exists()
    assert not Expenditure.objects.exists()


def test_negative_receipt_is_refused(approved, project, district_official, yesterday):
    commitment = approved(project=project)
    with pytest.raises(ValidationError):
        services.receipt_record(
            commitment=commitment, by=district_official, amount="-5.00", received_on=yesterday
        )
    assert not Receipt.objects.exists()


def test_street_officer_books_receipts_for_own_street_only(
    approved, project, other_project, street_officer, yesterday
):
    mine = approved(project=project)
    theirs = approved(project=other_project)
    services.receipt_record(
        commitment=mine, by=street_officer, amount="1.00", received_on=yesterday
    )
    with pytest.raises(PermissionDenied):
        services.receipt_record(
            commitment=theirs, by=street_officer, amount="1.00", received_on=yesterday
        )
    assert list(Receipt.objects.values_list("commitment", flat=True)) == [mine.pk]


# --- Expenditures --------------------------------------------------------------------------


def test_spending_above_received_is_refused(approved, project, district_official, yesterday):
    commitment = approved(project=project, amount="1000.00")
    with pytest.raises(ValidationError):
        services.expenditure_record(
            commitment=commitment, by=district_official, amount="0.01", spent_on=yesterday
        )
    services.receipt_record(
        commitment=commitment, by=district_official, amount="400.00", received_on=yesterday
    )
    services.expenditure_record(
        commitment=commitment, by=district_official, amount="399.99", spent_on=yesterday
    )
    with pytest.raises(ValidationError) as caught:
        services.expenditure_record(
            commitment=commitment, by=district_official, amount="0.02", spent_on=yesterday
        )
    assert "amount" in caught.value.message_dict
    assert Expenditure.objects.count() == 1


def test_expenditure_names_a_work_item_of_its_project(
    approved, project, item_small, other_street_records, district_official, yesterday
):
    commitment = approved(project=project)
    services.receipt_record(
        commitment=commitment, by=district_official, amount="100.00", received_on=yesterday
    )
    with pytest.raises(ValidationError):
        services.expenditure_record(
            commitment=commitment,
            by=district_official,
            amount="10.00",
            spent_on=yesterday,
            work_item=other_street_records["item"],
        )
    spent = services.expenditure_record(
        commitment=commitment,
        by=district_official,
        amount="10.00",
        spent_on=yesterday,
        work_item=item_small,
    )
    assert spent.work_item == item_small


# --- Programme-level money -----------------------------------------------------------------


def test_allocations_cannot_exceed_the_commitment(bond, project, other_project, district_official):
    services.allocation_set(
        commitment=bond, project=project, amount="6000.00", by=district_official
    )
    with pytest.raises(ValidationError):
        services.allocation_set(
            commitment=bond, project=other_project, amount="4000.01", by=district_official
        )
    services.allocation_set(
        commitment=bond, project=other_project, amount="4000.00", by=district_official
    )
    # Changing an allocation counts the others, not itself.
    services.allocation_set(
        commitment=bond, project=project, amount="5000.00", by=district_official
    )
    assert sorted(Allocation.objects.values_list("amount", flat=True)) == [
        Decimal("4000.00"),
        Decimal("5000.00"),
    ]


def test_street_officer_cannot_allocate(bond, project, street_officer):
    with pytest.raises(PermissionDenied):
        services.allocation_set(commitment=bond, project=project, amount="1.00", by=street_officer)
    assert not Allocation.objects.exists()


def test_project_lines_of_programme_money(
    bond, project, other_project, district_official, street_officer, yesterday
):
    # Money for a project that has no allocation is refused.
    with pytest.raises(ValidationError):
        services.receipt_record(
            commitment=bond,
            project=project,
            by=district_official,
            amount="1.00",
            received_on=yesterday,
        )
    services.allocation_set(
        commitment=bond, project=project, amount="3000.00", by=district_official
    )
    # The street office books its own project's line of the district bond.
    services.receipt_record(
        commitment=bond,
        project=project,
        by=street_officer,
        amount="3000.00",
        received_on=yesterday,
    )
    with pytest.raises(ValidationError):  # above the allocation, no reason
        services.receipt_record(
            commitment=bond,
            project=project,
            by=street_officer,
            amount="1.00",
            received_on=yesterday,
        )
    # The pool (no project) is the district's alone.
    with pytest.raises(PermissionDenied):
        services.receipt_record(
            commitment=bond, by=street_officer, amount="1.00", received_on=yesterday
        )
    services.receipt_record(
        commitment=bond, by=district_official, amount="7000.00", received_on=yesterday
    )
    # Spending is checked per line: the project's 3000 cannot pay for 3000.01.
    with pytest.raises(ValidationError):
        services.expenditure_record(
            commitment=bond,
            project=project,
            by=street_officer,
            amount="3000.01",
            spent_on=yesterday,
        )
    services.expenditure_record(
        commitment=bond, project=project, by=street_officer, amount="3000.00", spent_on=yesterday
    )
    assert Receipt.objects.filter(project__isnull=True).get().amount == Decimal("7000.00")
    assert Expenditure.objects.get().project == project
    # An allocation cannot drop below what its project has received.
    with pytest.raises(ValidationError):
        services.allocation_set(
            commitment=bond, project=project, amount="2999.99", by=district_official
        )


# --- History -------------------------------------------------------------------------------


def test_every_write_keeps_history_with_who(
    plan, project, street_officer, district_official, yesterday
):
    commitment = plan(project=project, by=street_officer, amount="500.00")
    services.commitment_approve(commitment=commitment, by=district_official)
    receipt = services.receipt_record(
        commitment=commitment, by=street_officer, amount="200.00", received_on=yesterday
    )
    spent = services.expenditure_record(
        commitment=commitment, by=street_officer, amount="50.00", spent_on=yesterday
    )
    rows = list(commitment.history.order_by("history_id"))
    assert [r.history_user for r in rows] == [
        street_officer,
        district_official,
        street_officer,
        street_officer,
    ]
    assert [r.status for r in rows][:2] == ["planned", "approved"]
    assert receipt.history.get().history_user == street_officer
    assert spent.history.get().history_user == street_officer
    assert commitment.source.history.get().history_type == "+"

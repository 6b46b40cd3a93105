"""Lines as published: a combined line (中央和省级补助) is booked as such and split later into its
sub-types; amounts must add up, money follows or is attributed, history is kept, totals net."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum

from funding import lines, services
from funding.lines import SplitPart
from funding.models import (
    Allocation,
    Commitment,
    Expenditure,
    FundingSource,
    Kind,
    Receipt,
    SubType,
)
from funding.selectors import FundingScope, funding_mix
from renovation.errors import ConflictError

pytestmark = pytest.mark.django_db

CENTRAL, PROVINCIAL = SubType.CENTRAL_SUBSIDY, SubType.PROVINCIAL_SUBSIDY
COMBINED = {
    "sub_type": SubType.COMBINED,
    "kind": Kind.GOVERNMENT,
    "funder": "中央和省级财政",
    "combines": [CENTRAL, PROVINCIAL],
}


def net(model, **filters) -> Decimal:
    return model.objects.filter(**filters).aggregate(t=Sum("amount"))["t"] or Decimal(0)


def by_sub_type(model, **filters) -> dict[str, Decimal]:
    rows = (
        model.objects.filter(**filters)
        .values_list("commitment__source__sub_type")
        .annotate(t=Sum("amount"))
    )
    return {sub_type: t for sub_type, t in rows if t}


# --- Booking a combined line ---------------------------------------------------------------


def test_combined_line_is_booked_as_published(plan, project, district_official):
    commitment = plan(project=project, amount="3200.00", **COMBINED)
    source = commitment.source
    assert source.sub_type == SubType.COMBINED
    assert source.combined_sub_types == [CENTRAL, PROVINCIAL]
    assert "+" in source.sub_type_label
    mix = funding_mix(user=district_official, scope=FundingScope(project=project))
    government = mix.kind(Kind.GOVERNMENT)
    assert [row.sub_type for row in government.sub_types] == [SubType.COMBINED]
    assert government.planned == Decimal("3200.00")


@pytest.mark.parametrize(
    ("combines", "kind"),
    [
        ([CENTRAL], Kind.GOVERNMENT),  # one sub-type is no combination
        ([CENTRAL, SubType.MAINTENANCE_FUND], Kind.GOVERNMENT),  # another kind's sub-type
        ([CENTRAL, SubType.OTHER], Kind.GOVERNMENT),
        ([CENTRAL, "no_such_type"], Kind.GOVERNMENT),
        ([], Kind.GOVERNMENT),
    ],
)
def test_bad_combinations_are_refused(plan, project, combines, kind):
    with pytest.raises(ValidationError) as caught:
        plan(project=project, **{**COMBINED, "combines": combines, "kind": kind})
    assert "combines" in caught.value.message_dict
    assert not Commitment.objects.exists()
    assert not FundingSource.objects.exists()


def test_only_a_combined_line_names_sub_types(plan, project):
    with pytest.raises(ValidationError) as caught:
        plan(project=project, sub_type=CENTRAL, combines=[CENTRAL, PROVINCIAL])
    assert "combines" in caught.value.message_dict


def test_database_refuses_a_combined_source_without_its_sub_types(district):
    with pytest.raises(IntegrityError), transaction.atomic():
        FundingSource.objects.create(
            district=district, kind=Kind.GOVERNMENT, sub_type=SubType.COMBINED, funder="x"
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        FundingSource.objects.create(
            district=district, kind=Kind.GOVERNMENT, sub_type=CENTRAL, funder="x", combines="a,b"
        )


# --- Splitting -----------------------------------------------------------------------------


def parts(central: str, provincial: str) -> list[SplitPart]:
    return [
        SplitPart(CENTRAL, Decimal(central), "中央财政"),
        SplitPart(PROVINCIAL, Decimal(provincial), "省财政"),
    ]


def test_split_of_a_project_line_moves_its_money_in_order(
    approved, project, district_official, yesterday
):
    line = approved(project=project, amount="3200.00", **COMBINED)
    receipt = services.receipt_record(
        commitment=line, by=district_official, amount="2500.00", received_on=yesterday
    )
    services.expenditure_record(
        commitment=line, by=district_official, amount="2100.00", spent_on=yesterday
    )
    line.refresh_from_db()
    created = lines.commitment_split(
        commitment=line,
        by=district_official,
        parts=parts("2000.00", "1200.00"),
        reason="省财政厅文件明确中央2000万、省级1200万",
        version=line.version,
    )
    central, provincial = created
    assert [c.source.sub_type for c in created] == [CENTRAL, PROVINCIAL]
    assert [c.amount for c in created] == [Decimal("2000.00"), Decimal("1200.00")]
    assert all(c.split_from == line for c in created)
    assert all(c.status == Commitment.Status.APPROVED for c in created)
    # The combined line is reversed and kept; the totals do not move.
    assert Commitment.objects.get(reverses=line).amount == Decimal("-3200.00")
    assert net(Commitment, project=project) == Decimal("3200.00")
    assert net(Receipt, project=project) == Decimal("2500.00")
    assert net(Expenditure, project=project) == Decimal("2100.00")
    # Received money fills the central part first, then the provincial one.
    assert by_sub_type(Receipt, project=project) == {
        CENTRAL: Decimal("2000.00"),
        PROVINCIAL: Decimal("500.00"),
    }
    assert by_sub_type(Expenditure, project=project) == {
        CENTRAL: Decimal("2000.00"),
        PROVINCIAL: Decimal("100.00"),
    }
    assert set(
        Receipt.objects.filter(moved_from=receipt).values_list("received_on", flat=True)
    ) == {receipt.received_on}
    mix = funding_mix(user=district_official, scope=FundingScope(project=project))
    government = mix.kind(Kind.GOVERNMENT)
    assert {row.sub_type: row.planned for row in government.sub_types if row.planned} == {
        CENTRAL: Decimal("2000.00"),
        PROVINCIAL: Decimal("1200.00"),
    }
    assert government.received == Decimal("2500.00")
    # Who split it, and why, is in the history of every row written.
    assert central.history.get().history_user == district_official
    assert "省财政厅文件" in provincial.history.get().history_change_reason


def test_receipts_can_be_attributed_to_a_part(approved, project, district_official, yesterday):
    line = approved(project=project, amount="3200.00", **COMBINED)
    first = services.receipt_record(
        commitment=line, by=district_official, amount="1200.00", received_on=yesterday
    )
    second = services.receipt_record(
        commitment=line, by=district_official, amount="2000.00", received_on=yesterday
    )
    lines.commitment_split(
        commitment=line,
        by=district_official,
        parts=parts("2000.00", "1200.00"),
        reason="按拨款文件",
        receipts={first.pk: 1, second.pk: 0},
    )
    assert by_sub_type(Receipt, project=project) == {
        CENTRAL: Decimal("2000.00"),
        PROVINCIAL: Decimal("1200.00"),
    }
    assert Receipt.objects.get(moved_from=first).commitment.source.sub_type == PROVINCIAL


def test_attribution_that_overfills_a_part_is_refused(
    approved, project, district_official, yesterday
):
    line = approved(project=project, amount="3200.00", **COMBINED)
    receipt = services.receipt_record(
        commitment=line, by=district_official, amount="2000.00", received_on=yesterday
    )
    with pytest.raises(ValidationError) as caught:
        lines.commitment_split(
            commitment=line,
            by=district_official,
            parts=parts("2000.00", "1200.00"),
            reason="按文件",
            receipts={receipt.pk: 1},
        )
    assert "receipts" in caught.value.message_dict
    assert Commitment.objects.count() == 1
    assert Receipt.objects.count() == 1


def test_parts_must_add_up_to_the_line(approved, project, district_official):
    line = approved(project=project, amount="3200.00", **COMBINED)
    with pytest.raises(ValidationError) as caught:
        lines.commitment_split(
            commitment=line, by=district_official, parts=parts("2000.00", "1000.00"), reason="x"
        )
    assert "3000.00" in " ".join(caught.value.messages)
    assert Commitment.objects.count() == 1


@pytest.mark.parametrize(
    "bad",
    [
        [SplitPart(SubType.MUNICIPAL_SUBSIDY, Decimal("3200.00"))],  # not in the line
        [SplitPart(CENTRAL, Decimal("-1.00")), SplitPart(PROVINCIAL, Decimal("3201.00"))],
        [SplitPart(CENTRAL, Decimal("0")), SplitPart(PROVINCIAL, Decimal("3200.00"))],
        [SplitPart(CENTRAL, Decimal("1600.00")), SplitPart(CENTRAL, Decimal("1600.00"))],
        [],
    ],
)
def test_bad_parts_are_refused_and_nothing_changes(approved, project, district_official, bad):
    line = approved(project=project, amount="3200.00", **COMBINED)
    with pytest.raises(ValidationError):
        lines.commitment_split(commitment=line, by=district_official, parts=bad, reason="x")
    assert Commitment.objects.count() == 1
    assert FundingSource.objects.count() == 1


def test_split_needs_a_reason(approved, project, district_official):
    line = approved(project=project, amount="3200.00", **COMBINED)
    with pytest.raises(ValidationError) as caught:
        lines.commitment_split(
            commitment=line, by=district_official, parts=parts("2000.00", "1200.00"), reason=" "
        )
    assert "reason" in caught.value.message_dict


def test_only_a_combined_line_is_split(approved, project, district_official):
    line = approved(project=project, amount="3200.00", sub_type=CENTRAL)
    with pytest.raises(ValidationError):
        lines.commitment_split(
            commitment=line,
            by=district_official,
            parts=[SplitPart(CENTRAL, Decimal("3200.00"))],
            reason="x",
        )


def test_a_split_line_is_closed(approved, project, district_official):
    line = approved(project=project, amount="3200.00", **COMBINED)
    lines.commitment_split(
        commitment=line, by=district_official, parts=parts("2000.00", "1200.00"), reason="文件"
    )
    with pytest.raises(ValidationError):
        lines.commitment_split(
            commitment=line, by=district_official, parts=parts("2000.00", "1200.00"), reason="再"
        )


def test_street_officer_does_not_split(plan, project, street_officer):
    line = plan(project=project, amount="3200.00", **COMBINED)
    with pytest.raises(PermissionDenied):
        lines.commitment_split(
            commitment=line, by=street_officer, parts=parts("2000.00", "1200.00"), reason="x"
        )


def test_split_on_a_stale_version_is_a_conflict(approved, project, district_official):
    line = approved(project=project, amount="3200.00", **COMBINED)
    with pytest.raises(ConflictError):
        lines.commitment_split(
            commitment=line,
            by=district_official,
            parts=parts("2000.00", "1200.00"),
            reason="x",
            version=line.version - 1,
        )
    assert Commitment.objects.count() == 1


def test_split_of_pooled_money_follows_allocations_and_pool(
    approved, programme, project, other_project, district_official, yesterday
):
    line = approved(programme=programme, year=programme.start_year, amount="10000.00", **COMBINED)
    services.allocation_set(
        commitment=line, project=project, amount="5000.00", by=district_official
    )
    services.allocation_set(
        commitment=line, project=other_project, amount="3000.00", by=district_official
    )
    services.receipt_record(
        commitment=line,
        project=project,
        by=district_official,
        amount="5000.00",
        received_on=yesterday,
    )
    services.receipt_record(
        commitment=line,
        project=other_project,
        by=district_official,
        amount="1000.00",
        received_on=yesterday,
    )
    services.receipt_record(
        commitment=line, by=district_official, amount="1500.00", received_on=yesterday
    )
    services.expenditure_record(
        commitment=line,
        project=other_project,
        by=district_official,
        amount="800.00",
        spent_on=yesterday,
    )
    central, provincial = lines.commitment_split(
        commitment=line,
        by=district_official,
        parts=parts("6000.00", "4000.00"),
        reason="下达文件",
    )
    allocations = {
        (a.commitment_id, a.project_id): a.amount
        for a in Allocation.objects.exclude(amount=0).exclude(commitment=line)
    }
    assert allocations == {
        (central.pk, project.pk): Decimal("5000.00"),
        (central.pk, other_project.pk): Decimal("1000.00"),
        (provincial.pk, other_project.pk): Decimal("2000.00"),
    }
    assert Allocation.objects.filter(commitment=line, amount__gt=0).count() == 0
    # Per project and for the pool, the money is where it was.
    assert net(Receipt, project=project) == Decimal("5000.00")
    assert net(Receipt, project=other_project) == Decimal("1000.00")
    assert net(Receipt, project__isnull=True) == Decimal("1500.00")
    assert net(Expenditure, project=other_project) == Decimal("800.00")
    # No line of a part received more than it may there.
    for part in (central, provincial):
        for allocation in Allocation.objects.filter(commitment=part):
            assert net(Receipt, commitment=part, project=allocation.project) <= allocation.amount
        assert net(Receipt, commitment=part) <= part.amount
        for project_id in (project.pk, other_project.pk, None):
            assert net(Expenditure, commitment=part, project_id=project_id) <= net(
                Receipt, commitment=part, project_id=project_id
            )
    for scope in (
        FundingScope(district=programme.district),
        FundingScope(street=project.compound.street),
        FundingScope(project=other_project),
    ):
        mix = funding_mix(user=district_official, scope=scope)
        government = mix.kind(Kind.GOVERNMENT)
        assert SubType.COMBINED not in {r.sub_type for r in government.sub_types if r.planned}
    district = funding_mix(user=district_official, scope=FundingScope(district=programme.district))
    assert district.total.planned == Decimal("10000.00")
    assert district.total.received == Decimal("7500.00")
    assert district.total.spent == Decimal("800.00")

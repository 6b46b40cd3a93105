"""The API lists, scoped to the user."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import DecimalField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from ..models import ZERO, Allocation, Commitment, Expenditure, FundingSource, Receipt
from ..records import voucher_count

if TYPE_CHECKING:
    from renovation.models import User


def funding_source_list(*, user: User) -> QuerySet[FundingSource]:
    return FundingSource.objects.visible_to(user)


def _line_total(model) -> Coalesce:
    """The sum of a commitment's receipts, expenditures or allocations (a correlated subquery,
    so the list stays one query and joins never multiply rows)."""
    total = (
        model.objects.filter(commitment=OuterRef("pk"))
        .order_by()
        .values("commitment")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    money = DecimalField(max_digits=18, decimal_places=2)
    return Coalesce(Subquery(total, output_field=money), Value(ZERO), output_field=money)


def commitment_list(*, user: User) -> QuerySet[Commitment]:
    """Commitments the user may see with their allocated, received and spent totals."""
    return (
        Commitment.objects.visible_to(user)
        .select_related("source", "programme", "approved_by", "created_by", "reversed_by")
        .annotate(
            allocated=_line_total(Allocation),
            received=_line_total(Receipt),
            spent=_line_total(Expenditure),
        )
    )


def allocation_list(*, user: User) -> QuerySet[Allocation]:
    return Allocation.objects.visible_to(user).select_related("commitment__source")


def receipt_list(*, user: User) -> QuerySet[Receipt]:
    return (
        Receipt.objects.visible_to(user)
        .select_related("commitment__source", "created_by", "reversed_by")
        .annotate(voucher_count=voucher_count("receipt"))
    )


def expenditure_list(*, user: User) -> QuerySet[Expenditure]:
    return (
        Expenditure.objects.visible_to(user)
        .select_related("commitment__source", "created_by", "reversed_by")
        .annotate(voucher_count=voucher_count("expenditure"))
    )

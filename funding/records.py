"""Reads of receipts, expenditures and commitments as the pages and API show them: each
reversed entry followed by its counter-entry (冲销), with the number of vouchers of each
receipt and expenditure. Every function adds joins or subqueries to a scoped queryset it is
given, so a list stays one query whatever its length."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from django.db.models import Count, Exists, F, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.expressions import OrderBy
from django.db.models.functions import Coalesce

from .models import Commitment, Expenditure, Receipt, Voucher

if TYPE_CHECKING:
    from renovation.models import User

Q_ = TypeVar("Q_", bound=QuerySet)


def voucher_count(field: str) -> Coalesce:
    """The number of vouchers of each receipt (`field` "receipt") or expenditure."""
    counted = (
        Voucher.objects.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def paired(queryset: Q_, *first: str | OrderBy) -> Q_:
    """Ordered by `first`, then each entry followed by its counter-entry (same line and date)."""
    return queryset.order_by(
        *first,
        Coalesce("reverses_id", "id").desc(),
        F("reverses_id").asc(nulls_first=True),
    )


def line_records(queryset: Q_, date_field: str, voucher_field: str) -> Q_:
    """Receipts or expenditures with their reversal links and voucher counts, paired."""
    return paired(
        queryset.select_related("reversed_by", "reverses").annotate(
            voucher_count=voucher_count(voucher_field)
        ),
        F(date_field).desc(),
    )


def receipts_shown(queryset: QuerySet[Receipt]) -> QuerySet[Receipt]:
    return line_records(queryset, "received_on", "receipt")


def expenditures_shown(queryset: QuerySet[Expenditure]) -> QuerySet[Expenditure]:
    return line_records(queryset, "spent_on", "expenditure")


def commitments_shown(queryset: QuerySet[Commitment]) -> QuerySet[Commitment]:
    """Commitments with their counter-entries right after them (same budget year), and
    whether each was split into its sub-types (`is_split`)."""
    split = Commitment.objects.filter(split_from=OuterRef("pk"))
    return (
        queryset.select_related("reversed_by", "reverses", "split_from")
        .annotate(is_split=Exists(split))
        .order_by(
            "-year",
            Coalesce("reverses_id", "id"),
            F("reverses_id").asc(nulls_first=True),
        )
    )


def receipt_detail(*, user: User, pk: int) -> Receipt:
    """A receipt the user may see, with its line and corrections (DoesNotExist otherwise)."""
    return (
        Receipt.objects.visible_to(user)
        .select_related(
            "commitment__source",
            "commitment__programme__district",
            "project__compound__street",
            "reverses",
            "reversed_by",
            "moved_from",
            "created_by",
        )
        .get(pk=pk)
    )


def expenditure_detail(*, user: User, pk: int) -> Expenditure:
    return (
        Expenditure.objects.visible_to(user)
        .select_related(
            "commitment__source",
            "commitment__programme__district",
            "project__compound__street",
            "work_item__work_type",
            "reverses",
            "reversed_by",
            "moved_from",
            "created_by",
        )
        .get(pk=pk)
    )


def voucher_list(*, user: User) -> QuerySet[Voucher]:
    return Voucher.objects.visible_to(user).select_related("created_by")


def record_vouchers(*, user: User, record: Receipt | Expenditure) -> QuerySet[Voucher]:
    field = "receipt" if isinstance(record, Receipt) else "expenditure"
    return voucher_list(user=user).filter(**{field: record.pk})

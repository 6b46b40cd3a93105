"""Building blocks of the writes that correct or move money without deleting it: the
counter-entry (冲销) of a receipt or expenditure, the same money booked again on another line
(`moved_from`), the records still counting on a commitment, and line sums.

No checks and no permissions here: the services that call these (corrections.py, lines.py,
services.allocation_set through pool.py, attribution.py) lock the commitment, check the rules and
the caller, bump its version and mark the statistics stale.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Sum
from django.utils.translation import gettext as _

from renovation.audit import stamp

from .models import ZERO, Commitment, Expenditure, Receipt

if TYPE_CHECKING:
    from renovation.models import User

LineRecord = Receipt | Expenditure
CENT = Decimal("0.01")


def line_sum(model: type[LineRecord], commitment: Commitment, project_id: int | None) -> Decimal:
    """Net amount of a commitment's receipts or expenditures on one line (None: the pool)."""
    total = model.objects.filter(commitment=commitment, project_id=project_id).aggregate(
        total=Sum("amount")
    )["total"]
    return (total or ZERO).quantize(CENT)


def open_records(commitment: Commitment, **filters) -> tuple[list[Receipt], list[Expenditure]]:
    """The receipts and expenditures still counting on a commitment, oldest first: neither
    reversed nor counter-entries themselves (two queries)."""
    receipts = list(
        Receipt.objects.filter(
            commitment=commitment, reverses__isnull=True, reversed_by__isnull=True, **filters
        ).order_by("received_on", "id")
    )
    expenditures = list(
        Expenditure.objects.filter(
            commitment=commitment, reverses__isnull=True, reversed_by__isnull=True, **filters
        ).order_by("spent_on", "id")
    )
    return receipts, expenditures


def counter_entry(record: LineRecord, by: User, reason: str) -> LineRecord:
    """The record's counter-entry, saved: same line and date, opposite amount, the reason."""
    fields = {
        "commitment_id": record.commitment_id,
        "project_id": record.project_id,
        "amount": -record.amount,
        "note": record.note,
        "reverses": record,
        "reversal_reason": reason,
    }
    counter: LineRecord
    if isinstance(record, Receipt):
        counter = Receipt(received_on=record.received_on, **fields)
    else:
        counter = Expenditure(
            spent_on=record.spent_on,
            work_item_id=record.work_item_id,
            payee=record.payee,
            **fields,
        )
    stamp(counter, by=by, reason=_("Reversal: %(reason)s") % {"reason": reason})
    counter.save()
    return counter


def rebook(
    record: LineRecord,
    *,
    commitment: Commitment,
    project_id: int | None,
    amount: Decimal,
    by: User,
    reason: str,
    over_reason: str = "",
) -> LineRecord:
    """Part of a (reversed) record booked again on a line, with its date, payee and note."""
    fields = {
        "commitment": commitment,
        "project_id": project_id,
        "amount": amount,
        "note": record.note,
        "moved_from": record,
    }
    copy: LineRecord
    if isinstance(record, Receipt):
        copy = Receipt(
            received_on=record.received_on,
            over_reason=record.over_reason or over_reason,
            **fields,
        )
    else:
        work_item = record.work_item_id if record.project_id == project_id else None
        copy = Expenditure(
            spent_on=record.spent_on, work_item_id=work_item, payee=record.payee, **fields
        )
    stamp(copy, by=by, reason=reason)
    copy.save()
    return copy

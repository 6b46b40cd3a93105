"""Pooled programme money (资金池): programme-level money received at the district's pool and
attributed to projects afterwards.

An allocation (services.allocation_set) earmarks part of a programme-level commitment for a
project. When the pool already holds money received and not yet spent, raising an allocation
attributes that money to the project: the pool's receipts are reversed (冲销) and booked again on
the project's line with their dates, oldest first, so each yuan counts once at every scope (the
programme and district see the same total; the project and its street now see their part). The
part of an allocation that the pool cannot cover is money still to arrive on the project's line,
and no more of that is earmarked than the commitment still has to receive: once the pool has
received everything, allocating means attributing what it received.

Spending paid from the pool is attributed the same way (attribution.pool_spending_attribute).
No checks of role or version here: the calling service locks the commitment and checks them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Sum
from django.utils.translation import gettext as _

from . import entries
from .models import ZERO, Allocation, Commitment, Expenditure, Receipt

if TYPE_CHECKING:
    from programmes.models import Project
    from renovation.models import User


@dataclass(frozen=True)
class PoolPosition:
    """Where a programme-level commitment's money is, in yuan."""

    committed: Decimal
    received: Decimal  # on every line, the pool included
    pool_received: Decimal
    pool_spent: Decimal
    outstanding: Decimal  # allocated to projects and not yet received on their lines

    @property
    def pool_available(self) -> Decimal:
        """Received into the pool, neither spent there nor attributed to a project."""
        return max(self.pool_received - self.pool_spent, ZERO)

    @property
    def still_due(self) -> Decimal:
        """What the commitment has still to receive."""
        return max(self.committed - self.received, ZERO)


def position(commitment: Commitment) -> PoolPosition:
    """Three grouped queries whatever the number of projects."""
    received: dict[int | None, Decimal] = {
        project: total or ZERO
        for project, total in Receipt.objects.filter(commitment=commitment)
        .values_list("project")
        .annotate(total=Sum("amount"))
        .values_list("project", "total")
    }
    allocated = dict(
        Allocation.objects.filter(commitment=commitment).values_list("project", "amount")
    )
    pool_spent = entries.line_sum(Expenditure, commitment, None)
    outstanding = sum(
        (max(amount - received.get(project, ZERO), ZERO) for project, amount in allocated.items()),
        ZERO,
    )
    return PoolPosition(
        committed=commitment.amount,
        received=sum(received.values(), ZERO).quantize(entries.CENT),
        pool_received=received.get(None, ZERO).quantize(entries.CENT),
        pool_spent=pool_spent,
        outstanding=outstanding.quantize(entries.CENT),
    )


def attribution_reason(project: Project) -> str:
    return _("Attributed from the programme pool to %(project)s") % {
        "project": project.compound.name
    }


def move_pool_receipts(
    commitment: Commitment, project: Project, amount: Decimal, by: User
) -> Decimal:
    """Attribute `amount` of the pool's receipts to the project's line, oldest first (the
    caller has checked that the pool holds it). Returns what was moved."""
    receipts, _expenditures = entries.open_records(commitment, project__isnull=True)
    return _move(receipts, commitment, project, amount, by)


def move_pool_spending(
    commitment: Commitment, project: Project, amount: Decimal, by: User
) -> Decimal:
    """Attribute `amount` of the pool's spending to the project's line, oldest first."""
    _receipts, expenditures = entries.open_records(commitment, project__isnull=True)
    return _move(expenditures, commitment, project, amount, by)


def _move(
    records: Sequence[entries.LineRecord],
    commitment: Commitment,
    project: Project,
    amount: Decimal,
    by: User,
) -> Decimal:
    """Reverse the pool's records, oldest first, until `amount` is taken: each is booked again
    on the project's line for the part taken and on the pool for the rest. Returns what moved."""
    reason = attribution_reason(project)
    left = amount
    for record in records:
        if left <= 0:
            break
        taken = min(record.amount, left)
        entries.counter_entry(record, by, reason)
        entries.rebook(
            record, commitment=commitment, project_id=project.pk, amount=taken, by=by, reason=reason
        )
        if record.amount > taken:
            entries.rebook(
                record,
                commitment=commitment,
                project_id=None,
                amount=record.amount - taken,
                by=by,
                reason=reason,
            )
        left -= taken
    return amount - left

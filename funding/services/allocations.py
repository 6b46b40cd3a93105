"""Allocation of programme-level money to projects."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from programmes.models import Project
from renovation.access import can_manage_programme_money, require
from renovation.audit import stamp

from .. import pool, stale
from ..models import ZERO, Allocation, Commitment, Receipt
from ._common import _bump, _lock, _sum, parse_amount

if TYPE_CHECKING:
    from renovation.models import User


@transaction.atomic
def allocation_set(
    *,
    commitment: Commitment,
    project: Project,
    amount: object,
    by: User,
    version: int | None = None,
) -> Allocation:
    """Earmark part of a programme-level commitment for one project (or change that part).

    Money the pool received and has not spent is attributed to the project first when the
    allocation grows (funding/pool.py); the rest must still be due on the commitment. In all,
    no more is allocated than was committed or, if more arrived, than was received."""
    require(
        can_manage_programme_money(by, commitment.programme),
        _("Programme-level money is allocated by the district's officials."),
    )
    locked = _lock(commitment, version)
    if not locked.is_programme_level:
        raise ValidationError(_("Only programme-level money is allocated to projects."))
    value = parse_amount(amount, allow_zero=True)
    if project.programme_id != locked.programme_id:
        raise ValidationError({"project": _("The project belongs to another programme.")})
    existing = Allocation.objects.filter(commitment=locked, project=project).first()
    others = _sum(Allocation.objects.filter(commitment=locked).exclude(project=project))
    where = pool.position(locked)
    cap = max(locked.amount, where.received)
    if others + value > cap:
        raise ValidationError(
            {
                "amount": _(
                    "Only %(free)s yuan of this commitment is not yet allocated; %(value)s "
                    "is too much."
                )
                % {"free": cap - others, "value": value}
            }
        )
    _attribute_from_pool(locked, project, existing, value, where, by)
    received = _sum(Receipt.objects.filter(commitment=locked, project=project))
    if value < received:
        raise ValidationError(
            {
                "amount": _(
                    "%(received)s yuan has already been received for this project; the "
                    "allocation cannot be smaller."
                )
                % {"received": received}
            }
        )
    if existing is None:
        allocation = Allocation(commitment=locked, project=project, amount=value)
    else:
        allocation = existing
        allocation.amount = value
        allocation.version += 1
    stamp(allocation, by=by)
    allocation.save()
    _bump(locked, by, "allocation")
    stale.mark_dirty(commitment_ids=[locked.pk])
    return allocation


def _attribute_from_pool(
    commitment: Commitment,
    project: Project,
    existing: Allocation | None,
    value: Decimal,
    where: pool.PoolPosition,
    by: User,
) -> Decimal:
    """On a larger allocation: move pool money to the project's line, and refuse what neither
    the pool holds nor the commitment has still to receive. Returns what was moved."""
    growth = value - (existing.amount if existing else ZERO)
    if growth <= 0:
        return ZERO
    received = _sum(Receipt.objects.filter(commitment=commitment, project=project))
    open_before = max((existing.amount if existing else ZERO) - received, ZERO)
    moved = min(growth, max(value - received, ZERO), where.pool_available)
    new_outstanding = where.outstanding - open_before + max(value - received - moved, ZERO)
    if new_outstanding > where.still_due:
        raise ValidationError(
            {
                "amount": _(
                    "The pool holds %(pool)s yuan not yet spent or attributed, and %(due)s "
                    "yuan of this commitment is still to arrive, %(earmarked)s of it already "
                    "allocated to projects: %(value)s yuan cannot be allocated to this project."
                )
                % {
                    "pool": where.pool_available,
                    "due": where.still_due,
                    "earmarked": where.outstanding - open_before,
                    "value": value,
                }
            }
        )
    if moved > 0:
        pool.move_pool_receipts(commitment, project, moved, by)
    return moved

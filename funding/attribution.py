"""Spending paid from the programme's pool attributed to a project afterwards (a district-level
payment to a contractor covering several compounds, later known per compound).

Like money received into the pool (funding/pool.py, through allocations), the pool's
expenditures are reversed (冲销) and booked again on the project's line with their dates, payees
and notes, oldest first; the project's line must have received the money first. Each yuan of
spending counts once at every scope.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from renovation.access import require

from . import entries, pool, services, stale
from .models import Expenditure, Receipt

if TYPE_CHECKING:
    from programmes.models import Project
    from renovation.models import User

    from .models import Commitment


@transaction.atomic
def pool_spending_attribute(
    *,
    commitment: Commitment,
    project: Project,
    amount: Decimal | str,
    by: User,
    version: int | None = None,
) -> Decimal:
    """Attribute `amount` of the pool's spending to the project; returns the amount moved."""
    require(
        services.can_manage_programme_money(by, commitment.programme),
        _("Programme-level money is allocated by the district's officials."),
    )
    locked = services._lock(commitment, version)
    if not locked.is_programme_level:
        raise ValidationError(_("Only programme-level money is allocated to projects."))
    if project.programme_id != locked.programme_id:
        raise ValidationError({"project": _("The project belongs to another programme.")})
    value = services.parse_amount(amount)
    pool_spent = entries.line_sum(Expenditure, locked, None)
    received = entries.line_sum(Receipt, locked, project.pk)
    spent = entries.line_sum(Expenditure, locked, project.pk)
    if value > pool_spent:
        raise ValidationError(
            {
                "amount": _(
                    "Only %(spent)s yuan has been spent from the pool and not yet attributed."
                )
                % {"spent": pool_spent}
            }
        )
    if spent + value > received:
        raise ValidationError(
            {
                "amount": _(
                    "The project's line has received %(received)s yuan and spent %(spent)s: "
                    "allocate money to it before attributing more spending."
                )
                % {"received": received, "spent": spent}
            }
        )
    moved = pool.move_pool_spending(locked, project, value, by)
    services._bump(locked, by, "spending attributed")
    stale.mark_dirty(programme_ids=[locked.programme_id], project_ids=[project.pk])
    return moved

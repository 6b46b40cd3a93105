"""Contributions in kind (实物), built on the programme's behalf (代建) or done free of charge
(免费实施): a gas company laying pipes, a water company replacing them.

Such a commitment is planned like money (commitment_create with `mode` and `works`) with its
estimated value as the amount; zero is allowed while the value is not assessed, and the pages,
API and exports flag it "value not assessed". When the value is assessed (or reassessed), this
service sets it with the reason; the history keeps every earlier estimate. Money is never
revalued: a wrong cash amount is reversed (funding/corrections.py) and planned again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from renovation.access import can_assess, require

from . import corrections, services, stale
from .models import Allocation, Commitment, Receipt

if TYPE_CHECKING:
    from decimal import Decimal

    from renovation.models import User


@transaction.atomic
def commitment_value_assess(
    *,
    commitment: Commitment,
    by: User,
    amount: Decimal | str,
    reason: str,
    version: int | None = None,
) -> Commitment:
    """Set the estimated value of a contribution in kind (zero: not assessed)."""
    require(
        can_assess(by, commitment),
        _("The value of approved contributions is set by the district's officials."),
    )
    locked = services._lock(commitment, version)
    if not locked.in_kind:
        raise ValidationError(
            _(
                "Only a contribution in kind is valued. A wrong amount of money is reversed "
                "(冲销) and planned again."
            )
        )
    errors: dict[str, list[str]] = {}
    value = None
    try:
        value = services.parse_amount(amount, allow_zero=True)
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        reason = corrections.clean_reason(reason)
    except ValidationError:
        errors["reason"] = [_("Say how the value was assessed (who assessed it, on what basis).")]
    if value is not None:
        allocated = services._sum(Allocation.objects.filter(commitment=locked))
        delivered = services._sum(Receipt.objects.filter(commitment=locked))
        floor = max(allocated, delivered)
        if value < floor:
            errors.setdefault("amount", []).append(
                _(
                    "%(floor)s yuan of this contribution is already allocated or recorded as "
                    "delivered; the value cannot be lower."
                )
                % {"floor": floor}
            )
    if errors or value is None:
        raise ValidationError(errors)
    locked.amount = value
    services._bump(locked, by, _("Value assessed: %(reason)s") % {"reason": reason})
    stale.mark_dirty(commitment_ids=[locked.pk])
    return locked

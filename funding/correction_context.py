"""What the commitment page offers for corrections, lines as published and contributions in
kind: the same rules the services check (funding/corrections.py, lines.py, in_kind.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import corrections, in_kind, lines, pool, services

if TYPE_CHECKING:
    from renovation.models import User

    from .models import Commitment


def correction_context(user: User, commitment: Commitment) -> dict[str, Any]:
    """`commitment` comes from selectors.commitment_detail (reversal links selected, split
    parts prefetched): no query but the pool position's three (programme-level money)."""
    reversed_by = getattr(commitment, "reversed_by", None)
    is_open = not commitment.is_reversal and reversed_by is None
    return {
        "is_open": is_open,
        "can_reverse": is_open and corrections.can_reverse_commitment(user, commitment),
        "can_split": is_open
        and lines.is_splittable(commitment)
        and lines.can_split(user, commitment),
        "can_assess": is_open and commitment.in_kind and in_kind.can_assess(user, commitment),
        "split_parts": list(commitment.split_parts.all()),
        # Where programme-level money is: received into the pool and not yet attributed.
        "pool": pool.position(commitment) if commitment.is_programme_level else None,
        "can_attribute_spending": is_open
        and commitment.is_programme_level
        and services.can_manage_programme_money(user, commitment.programme),
    }

"""Booking the money of a historical record (a project entered with its past dates): one
commitment, approved, with its receipt and spending, through the ordinary funding services.
Registered into programmes (`programmes.gates.register_hook`) by FundingConfig.ready."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from . import services
from .models import SubType

if TYPE_CHECKING:
    from programmes.models import Project
    from renovation.models import User


def historical_money_book(*, project: Project, by: User, row: Mapping[str, object]) -> None:
    commitment = services.commitment_create(
        by=by,
        project=project,
        sub_type=str(row.get("sub_type") or ""),
        kind=row.get("kind") or None,
        funder=str(row.get("funder") or ""),
        amount=row.get("amount"),
    )
    commitment = services.commitment_approve(commitment=commitment, by=by)
    if row.get("received") not in (None, ""):
        services.receipt_record(
            commitment=commitment,
            by=by,
            amount=row.get("received"),
            received_on=row.get("received_on"),
        )
    if row.get("spent") not in (None, ""):
        services.expenditure_record(
            commitment=commitment, by=by, amount=row.get("spent"), spent_on=row.get("spent_on")
        )


def money_sub_type_choices() -> list[tuple[str, str]]:
    return list(SubType.choices)

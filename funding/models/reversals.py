"""Counter-entries (冲销): a wrong commitment, receipt or expenditure is never deleted; a record
of the opposite amount reverses it and gives the reason, so every sum is net
(funding/corrections.py). The fields and the reason's check, the same on every kind of entry."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def reverses_field() -> models.OneToOneField[Any, Any]:
    """The entry this counter-entry reverses (empty on an ordinary entry)."""
    return models.OneToOneField(
        "self",
        verbose_name=_("reverses"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="reversed_by",
    )


def reversal_reason_field() -> models.TextField[Any, Any]:
    return models.TextField(_("reason for the reversal"), blank=True, default="")


def reversal_reason_constraint(model: str) -> models.CheckConstraint:
    """A counter-entry gives its reason."""
    return models.CheckConstraint(
        condition=Q(reverses__isnull=True) | ~Q(reversal_reason=""),
        name=f"{model}_reversal_has_reason",
    )

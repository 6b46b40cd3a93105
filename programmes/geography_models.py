"""The audit record of merged duplicate compounds (the geography models are in models.py)."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from renovation.access import ScopedQuerySet
from renovation.validation import event_date, stored_date_range


class CompoundMergeQuerySet(ScopedQuerySet):
    scope_paths: ClassVar = {
        "street": "kept__street",
        "district": "kept__street__district",
        "city": "kept__street__district__city",
    }


class CompoundMerge(models.Model):
    """Two registry entries found to be one compound: the duplicate's records moved onto the
    kept one and the duplicate deleted. The duplicate's own fields and what moved are kept
    here, since its row (and so its id) is gone."""

    kept = models.ForeignKey(
        "programmes.Compound",
        verbose_name=_("kept compound"),
        on_delete=models.CASCADE,
        related_name="merges",
    )
    duplicate_id = models.PositiveBigIntegerField(_("duplicate's id"))
    duplicate_name = models.CharField(_("duplicate's name"), max_length=128)
    duplicate_code = models.CharField(_("duplicate's registry code"), max_length=32, blank=True)
    # The duplicate's fields as they were, and per kind of record the ids that moved, e.g.
    # {"programmes.Building": [4, 5], "programmes.Project": [9], "buildings_joined": {"7": 3}}.
    duplicate_fields = models.JSONField(_("duplicate's fields"), default=dict)
    moved = models.JSONField(_("records moved"), default=dict)
    reason = models.TextField(_("reason"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"), default=timezone.now, validators=[event_date])

    objects = CompoundMergeQuerySet.as_manager()

    class Meta:
        verbose_name = _("compound merge")
        verbose_name_plural = _("compound merges")
        constraints = [
            stored_date_range("at", name="prog_compoundmerge_at_range", is_datetime=True),
        ]
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.duplicate_name} → {self.kept}"

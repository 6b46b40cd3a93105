"""Receipts (到位) and expenditures, booked on a line: a commitment and the project the money is
for (empty for a programme-level commitment's unassigned pool)."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from renovation.access import ScopedQuerySet
from renovation.models import Audited
from renovation.validation import event_date, stored_date_range

from .choices import MONEY
from .commitments import Commitment
from .reversals import reversal_reason_constraint, reversal_reason_field, reverses_field


class LineRecordQuerySet(ScopedQuerySet):
    """Receipts and expenditures: a street officer sees those booked for its projects; the
    district sees every record of its programmes, including the unassigned pool."""

    scope_paths: ClassVar = {
        "street": "project__compound__street",
        "district": "commitment__programme__district",
        "city": "commitment__programme__district__city",
    }


class LineRecord(Audited):
    commitment = models.ForeignKey(
        Commitment,
        verbose_name=_("funding commitment"),
        on_delete=models.PROTECT,
        related_name="%(class)ss",
    )
    # The project the money is for: the commitment's own project, an allocated project of a
    # programme-level commitment, or empty for the programme's unassigned pool.
    project = models.ForeignKey(
        "programmes.Project",
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="funding_%(class)ss",
    )
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    note = models.TextField(_("note"), blank=True)
    # A wrong record is never deleted: its counter-entry (冲销) has the opposite amount, the same
    # line and date, and the reason, so every sum is net (funding/corrections.py).
    reverses = reverses_field()
    reversal_reason = reversal_reason_field()
    # Re-booked from a record of another line (a combined line split into its sub-types).
    moved_from = models.ForeignKey(
        "self",
        verbose_name=_("moved from"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="moved_to",
    )

    objects = LineRecordQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_reversal(self) -> bool:
        return self.reverses_id is not None


def _sign_constraints(model: str) -> list[models.CheckConstraint]:
    """A record is positive and its counter-entry negative; a counter-entry gives its reason."""
    return [
        models.CheckConstraint(
            condition=Q(reverses__isnull=True, amount__gt=0)
            | Q(reverses__isnull=False, amount__lt=0),
            name=f"{model}_amount_sign",
        ),
        reversal_reason_constraint(model),
    ]


class Receipt(LineRecord):
    """Money that has actually arrived (到位)."""

    received_on = models.DateField(_("received on"), db_index=True, validators=[event_date])
    over_reason = models.TextField(
        _("reason for receiving more than committed"),
        blank=True,
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        ordering = ["-received_on", "-id"]
        constraints = [
            stored_date_range("received_on", name="fund_receipt_received_on_range"),
            *_sign_constraints("receipt"),
        ]

    def __str__(self) -> str:
        return f"{self.received_on} {self.amount}"

    def get_absolute_url(self) -> str:
        return reverse("funding:receipt-detail", args=[self.pk])


class Expenditure(LineRecord):
    spent_on = models.DateField(_("spent on"), db_index=True, validators=[event_date])
    work_item = models.ForeignKey(
        "programmes.WorkItem",
        verbose_name=_("work item"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="expenditures",
    )
    payee = models.CharField(_("payee"), max_length=160, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("expenditure")
        verbose_name_plural = _("expenditures")
        ordering = ["-spent_on", "-id"]
        constraints = [
            stored_date_range("spent_on", name="fund_expenditure_spent_on_range"),
            *_sign_constraints("expenditure"),
        ]

    def __str__(self) -> str:
        return f"{self.spent_on} {self.amount}"

    def get_absolute_url(self) -> str:
        return reverse("funding:expenditure-detail", args=[self.pk])

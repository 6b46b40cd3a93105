"""Commitments: money (or work valued at an estimate) planned from a source for a project or a
programme, and the allocation of programme-level money to projects."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from renovation.access import ScopedQuerySet
from renovation.models import Audited
from renovation.validation import event_date, plan_year, stored_date_range, stored_year_range

from .choices import MONEY
from .contributions import ContributionRule
from .reversals import reversal_reason_constraint, reversal_reason_field, reverses_field
from .sources import FundingSource


class CommitmentQuerySet(ScopedQuerySet):
    # Project-level money is street business; programme-level money (project empty) is seen by
    # district-level users only — a street officer sees it through allocations to its projects.
    scope_paths: ClassVar = {
        "street": "project__compound__street",
        "district": "programme__district",
        "city": "programme__district__city",
    }


class Commitment(Audited):
    """Money (or work valued at an estimate) planned from a source.

    Never deleted: a wrong commitment is reversed by a counter-entry (冲销, `reverses`), a
    commitment of the opposite amount with the reason, so every sum over commitments is net
    (funding/corrections.py). A combined line split into its sub-types is reversed the same
    way and its parts point back to it (`split_from`, funding/lines.py)."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        APPROVED = "approved", _("Approved / pledged")

    class Mode(models.TextChoices):
        """How the contribution is made: money, or goods and work valued at an estimate (a gas
        company laying pipes free of charge, a water company replacing them)."""

        CASH = "cash", _("Money")  # 资金
        IN_KIND = "in_kind", _("In kind")  # 实物
        AGENCY_BUILD = "agency_build", _("Built on the programme's behalf")  # 代建
        FREE_WORKS = "free_works", _("Works done free of charge")  # 免费实施

    source = models.ForeignKey(
        FundingSource,
        verbose_name=_("funding source"),
        on_delete=models.PROTECT,
        related_name="commitments",
    )
    programme = models.ForeignKey(
        "programmes.Programme",
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="funding_commitments",
    )
    project = models.ForeignKey(
        "programmes.Project",
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="funding_commitments",
        help_text=_("Empty for programme-level money, which is allocated to projects."),
    )
    batch = models.ForeignKey(
        "programmes.Batch",
        verbose_name=_("batch"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="funding_commitments",
    )
    year = models.PositiveSmallIntegerField(_("budget year"), db_index=True, validators=[plan_year])
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    rule = models.ForeignKey(
        ContributionRule,
        verbose_name=_("resident contribution rule"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="commitments",
    )
    reference = models.CharField(_("document reference"), max_length=160, blank=True)
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=Status.choices,
        default=Status.PLANNED,
        editable=False,
        db_index=True,
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    approved_at = models.DateTimeField(
        _("approved at"), null=True, blank=True, editable=False, validators=[event_date]
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    mode = models.CharField(
        _("form of contribution"),
        max_length=16,
        choices=Mode.choices,
        default=Mode.CASH,
        help_text=_(
            "In kind, built or done free of charge: the amount is the estimated value, zero "
            "while it is not assessed."
        ),
    )
    works = models.TextField(
        _("work or goods contributed"),
        blank=True,
        default="",
        help_text=_("For a contribution in kind: what is supplied or done, and where."),
    )
    reverses = reverses_field()
    reversal_reason = reversal_reason_field()
    split_from = models.ForeignKey(
        "self",
        verbose_name=_("split from"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="split_parts",
    )

    objects = CommitmentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("funding commitment")
        verbose_name_plural = _("funding commitments")
        ordering = ["programme_id", "-year", "id"]
        constraints = [
            stored_year_range("year", name="fund_commitment_year_range", earliest=1990),
            stored_date_range(
                "approved_at", name="fund_commitment_approved_at_range", is_datetime=True
            ),
            # An entry is never negative and its counter-entry never positive; money (unlike
            # an unassessed contribution in kind) is never planned at zero.
            models.CheckConstraint(
                condition=(
                    Q(reverses__isnull=True, amount__gte=0) & (~Q(mode="cash") | Q(amount__gt=0))
                )
                | Q(reverses__isnull=False, amount__lte=0),
                name="commitment_amount_sign",
            ),
            reversal_reason_constraint("commitment"),
            models.CheckConstraint(
                condition=Q(mode="cash") | ~Q(works=""), name="commitment_in_kind_described"
            ),
            models.CheckConstraint(
                condition=Q(status="planned") | Q(approved_at__isnull=False),
                name="commitment_approved_has_time",
            ),
        ]

    def __str__(self) -> str:
        target = self.project if self.project_id else self.programme
        return f"{self.source} → {target} ({self.year})"

    def get_absolute_url(self) -> str:
        return reverse("funding:commitment-detail", args=[self.pk])

    @property
    def is_programme_level(self) -> bool:
        return self.project_id is None

    @property
    def is_reversal(self) -> bool:
        return self.reverses_id is not None

    @property
    def in_kind(self) -> bool:
        return self.mode != self.Mode.CASH

    @property
    def value_assessed(self) -> bool:
        """False for a contribution in kind booked at zero: its value is not assessed yet."""
        return not self.in_kind or self.amount != 0 or self.is_reversal


class AllocationQuerySet(ScopedQuerySet):
    scope_paths: ClassVar = {
        "street": "project__compound__street",
        "district": "commitment__programme__district",
        "city": "commitment__programme__district__city",
    }


class Allocation(Audited):
    """The part of a programme-level commitment earmarked for one project."""

    commitment = models.ForeignKey(
        Commitment,
        verbose_name=_("funding commitment"),
        on_delete=models.PROTECT,
        related_name="allocations",
    )
    project = models.ForeignKey(
        "programmes.Project",
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        related_name="funding_allocations",
    )
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = AllocationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        ordering = ["commitment_id", "project_id"]
        constraints = [
            models.UniqueConstraint(fields=["commitment", "project"], name="allocation_unique"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="allocation_amount_nonneg"),
        ]

    def __str__(self) -> str:
        return f"{self.commitment.source} → {self.project}: {self.amount}"

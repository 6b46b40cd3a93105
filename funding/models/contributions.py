"""Resident contributions: what residents are expected to pay under a programme."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from renovation.models import Audited
from renovation.validation import plan_year, stored_year_range

from .choices import Kind, SubType, subtypes_of


class ContributionRule(Audited):
    """What residents are expected to pay under a programme: per m² of floor area (维修资金,
    at least 5 元/m² in 青羊) or per household (800 元 per household for water meters)."""

    class Basis(models.TextChoices):
        PER_M2 = "per_m2", _("per m² of floor area")
        PER_HOUSEHOLD = "per_household", _("per household")

    programme = models.ForeignKey(
        "programmes.Programme",
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="contribution_rules",
    )
    name = models.CharField(_("name"), max_length=128)
    sub_type = models.CharField(
        _("sub-type"),
        max_length=24,
        choices=[(s, SubType(s).label) for s in subtypes_of(Kind.RESIDENTS)],
    )
    basis = models.CharField(_("basis"), max_length=16, choices=Basis.choices)
    rate = models.DecimalField(_("rate (yuan)"), max_digits=10, decimal_places=2)
    year = models.PositiveSmallIntegerField(
        _("plan year"),
        null=True,
        blank=True,
        help_text=_("Applies to the projects of this plan year; leave empty for every year."),
        validators=[plan_year],
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("resident contribution rule")
        verbose_name_plural = _("resident contribution rules")
        ordering = ["programme_id", "name"]
        constraints = [
            stored_year_range("year", name="fund_contributionrule_year_range", earliest=1990),
            models.UniqueConstraint(fields=["programme", "name"], name="contributionrule_unique"),
            models.CheckConstraint(condition=Q(rate__gte=0), name="contributionrule_rate_nonneg"),
            models.CheckConstraint(
                condition=Q(sub_type__in=subtypes_of(Kind.RESIDENTS)),
                name="contributionrule_residents_subtype",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.rate} {self.get_basis_display()}"

"""After the works: satisfaction surveys, long-term management and maintenance-fund collection."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from renovation.models import Audited
from renovation.validation import event_date, plan_date, stored_date_range

from ._common import ZERO, CompoundScopedQuerySet, ProjectScopedQuerySet, percent
from .votes import OwnerVote


class SatisfactionSurvey(Audited):
    """The joint evaluation after acceptance (效果共评): how many residents answered and how many
    were satisfied. One is needed before a project is handed over to long-term management."""

    project = models.ForeignKey(
        "programmes.Project",
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="satisfaction_surveys",
    )
    held_on = models.DateField(_("held on"), validators=[event_date])
    respondents = models.PositiveIntegerField(_("respondents"), validators=[MinValueValidator(1)])
    satisfied = models.PositiveIntegerField(_("satisfied"))
    dissatisfied = models.PositiveIntegerField(_("dissatisfied"), default=0)
    notes = models.TextField(_("notes"), blank=True)

    objects = ProjectScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("satisfaction evaluation")
        verbose_name_plural = _("satisfaction evaluations")
        ordering = ["project_id", "-held_on", "-id"]
        constraints = [
            stored_date_range("held_on", name="gov_satisfactionsurvey_held_on_range"),
            models.CheckConstraint(
                condition=Q(respondents__gt=0), name="satisfaction_has_respondents"
            ),
            models.CheckConstraint(
                condition=Q(respondents__gte=F("satisfied") + F("dissatisfied")),
                name="satisfaction_answers_within_respondents",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.held_on}"

    @property
    def satisfied_rate(self) -> Decimal | None:
        return percent(self.satisfied, self.respondents)


class LongTermManagement(Audited):
    """How the compound is looked after once the works are done (长效管理)."""

    class Mode(models.TextChoices):
        PROPERTY_COMPANY = "property_company", _("Professional property company")
        SELF_MANAGEMENT = "self_management", _("Residents' self-management")
        COMMUNITY_SERVICE = "community_service", _("Community property service")
        PUBLIC_BENEFIT = "public_benefit", _("Public-benefit or low-margin property service")

    compound = models.ForeignKey(
        "programmes.Compound",
        verbose_name=_("compound"),
        on_delete=models.CASCADE,
        related_name="management_arrangements",
    )
    project = models.ForeignKey(
        "programmes.Project",
        verbose_name=_("project"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="management_arrangements",
    )
    mode = models.CharField(_("mode"), max_length=24, choices=Mode.choices)
    provider = models.CharField(_("provider"), max_length=160, blank=True)
    fee_per_m2 = models.DecimalField(
        _("fee (yuan per m² per month)"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(ZERO)],
    )
    starts_on = models.DateField(_("starts on"), validators=[plan_date])
    decided_by = models.ForeignKey(
        OwnerVote,
        verbose_name=_("decided by vote"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    notes = models.TextField(_("notes"), blank=True)

    objects = CompoundScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("long-term management")
        verbose_name_plural = _("long-term management arrangements")
        ordering = ["compound_id", "-starts_on", "-id"]
        constraints = [
            stored_date_range("starts_on", name="gov_longtermmanagement_starts_on_range"),
            models.CheckConstraint(condition=Q(fee_per_m2__gte=0), name="ltm_fee_nonnegative"),
        ]

    def __str__(self) -> str:
        return f"{self.compound} · {self.get_mode_display()}"


class FundCollection(Audited):
    """Collection of the residents' maintenance fund for a project (维修资金归集): one row per
    project, updated as money comes in."""

    project = models.OneToOneField(
        "programmes.Project",
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="fund_collection",
    )
    as_of = models.DateField(_("as of"), validators=[event_date])
    standard = models.CharField(
        _("standard"), max_length=64, blank=True, help_text=_("For example 5 yuan per m².")
    )
    households_expected = models.PositiveIntegerField(
        _("households expected to pay"), validators=[MinValueValidator(1)]
    )
    households_paid = models.PositiveIntegerField(_("households paid"))
    amount_expected = models.DecimalField(
        _("amount expected (yuan)"), max_digits=14, decimal_places=2
    )
    amount_collected = models.DecimalField(
        _("amount collected (yuan)"), max_digits=14, decimal_places=2
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ProjectScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("maintenance-fund collection")
        verbose_name_plural = _("maintenance-fund collections")
        constraints = [
            stored_date_range("as_of", name="gov_fundcollection_as_of_range"),
            models.CheckConstraint(
                condition=Q(households_expected__gt=0)
                & Q(households_paid__lte=F("households_expected")),
                name="fund_paid_within_expected",
            ),
            models.CheckConstraint(
                condition=Q(amount_expected__gte=0) & Q(amount_collected__gte=0),
                name="fund_amounts_nonnegative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.as_of}"

    @property
    def household_rate(self) -> Decimal | None:
        return percent(self.households_paid, self.households_expected)

    @property
    def amount_rate(self) -> Decimal | None:
        return percent(self.amount_collected, self.amount_expected)

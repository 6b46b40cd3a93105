"""Programmes with their yearly and local targets and batches; the category and stage choices."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from renovation.access import ScopedQuerySet
from renovation.models import Audited
from renovation.validation import plan_year, stored_year_range

from .geography import Area, District, Street
from .registry import ZERO


class ProgrammeQuerySet(ScopedQuerySet):
    scope_paths: ClassVar = {"street": None, "district": "district", "city": "district__city"}


class Programme(Audited):
    district = models.ForeignKey(
        District, verbose_name=_("district"), on_delete=models.PROTECT, related_name="programmes"
    )
    name = models.CharField(_("name"), max_length=128)
    start_year = models.PositiveSmallIntegerField(_("start year"), validators=[plan_year])
    end_year = models.PositiveSmallIntegerField(_("end year"), validators=[plan_year])
    description = models.TextField(_("description"), blank=True)
    # Stage-gate settings (峨山 decided its plan with more than 90% support).
    support_threshold = models.DecimalField(
        _("support-rate threshold (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("90.00"),
        validators=[MinValueValidator(ZERO), MaxValueValidator(Decimal("100"))],
        help_text=_("Share of returned survey forms in favour needed to leave consultation."),
    )
    min_survey_return_rate = models.DecimalField(
        _("minimum survey return rate"),
        max_digits=5,
        decimal_places=4,
        default=Decimal("0.6667"),
        validators=[MinValueValidator(ZERO), MaxValueValidator(Decimal("1"))],
        help_text=_(
            "Share of the compound's households whose survey forms must be returned, as a "
            "fraction from 0 to 1 (0.6667 is two thirds)."
        ),
    )
    report_overdue_days = models.PositiveSmallIntegerField(
        _("days without a progress report before a project is flagged"), default=3
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ProgrammeQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["district_id", "-start_year", "name"]
        constraints = [
            stored_year_range("start_year", name="prog_programme_start_year_range", earliest=1990),
            stored_year_range("end_year", name="prog_programme_end_year_range", earliest=1990),
            models.CheckConstraint(
                condition=Q(end_year__gte=models.F("start_year")), name="programme_years_ordered"
            ),
            models.CheckConstraint(
                condition=Q(support_threshold__gte=0) & Q(support_threshold__lte=100),
                name="programme_threshold_percent",
            ),
            models.CheckConstraint(
                condition=Q(min_survey_return_rate__gte=0) & Q(min_survey_return_rate__lte=1),
                name="programme_return_rate_fraction",
            ),
            models.UniqueConstraint(fields=["district", "name"], name="programme_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class YearTarget(models.Model):
    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="targets"
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[plan_year])
    compounds = models.PositiveIntegerField(_("compounds to renovate"))
    households = models.PositiveIntegerField(_("households to benefit"), default=0)
    buildings = models.PositiveIntegerField(_("buildings"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("yearly target")
        verbose_name_plural = _("yearly targets")
        ordering = ["programme_id", "year"]
        constraints = [
            stored_year_range("year", name="prog_yeartarget_year_range", earliest=1990),
            models.UniqueConstraint(fields=["programme", "year"], name="yeartarget_unique_year"),
        ]

    def __str__(self) -> str:
        return f"{self.programme} {self.year}"


class LocalTarget(models.Model):
    """The share of a yearly target given to one street office or one area (分解到街道/片区),
    so that their own pages compare against their own figures."""

    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="local_targets",
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[plan_year])
    street = models.ForeignKey(
        Street,
        verbose_name=_("street office"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="targets",
    )
    area = models.ForeignKey(
        Area,
        verbose_name=_("area"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="targets",
    )
    compounds = models.PositiveIntegerField(_("compounds to renovate"))
    households = models.PositiveIntegerField(_("households to benefit"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("street or area target")
        verbose_name_plural = _("street and area targets")
        ordering = ["programme_id", "year", "street_id", "area_id"]
        constraints = [
            stored_year_range("year", name="prog_localtarget_year_range", earliest=1990),
            models.CheckConstraint(
                condition=Q(street__isnull=True, area__isnull=False)
                | Q(street__isnull=False, area__isnull=True),
                name="localtarget_street_or_area",
            ),
            models.UniqueConstraint(
                fields=["programme", "year", "street"],
                condition=Q(street__isnull=False),
                name="localtarget_unique_street_year",
            ),
            models.UniqueConstraint(
                fields=["programme", "year", "area"],
                condition=Q(area__isnull=False),
                name="localtarget_unique_area_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme} {self.year} {self.street or self.area}"


class Batch(models.Model):
    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="batches"
    )
    name = models.CharField(_("name"), max_length=64)
    year = models.PositiveSmallIntegerField(_("year"), validators=[plan_year])
    sequence = models.PositiveSmallIntegerField(_("sequence"), default=1)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("batch")
        verbose_name_plural = _("batches")
        ordering = ["programme_id", "year", "sequence"]
        constraints = [
            stored_year_range("year", name="prog_batch_year_range", earliest=1990),
            models.UniqueConstraint(fields=["programme", "name"], name="batch_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.programme} {self.name}"


class Category(models.TextChoices):
    """The three categories of the national guideline (国办发〔2020〕23号)."""

    BASIC = "basic", _("Basic")
    IMPROVEMENT = "improvement", _("Improvement")
    ENHANCEMENT = "enhancement", _("Enhancement")

    @classmethod
    def join(cls, values) -> str:
        """Categories as stored on a project: known values, in the guideline's order."""
        chosen = set(values)
        return ",".join(value for value in cls.values if value in chosen)

    @classmethod
    def split(cls, stored: str) -> list[str]:
        return [value for value in (stored or "").split(",") if value in cls.values]


class Stage(models.TextChoices):
    """The lifecycle of a project, in order. A stage changes only through the stage service."""

    SURVEYED = "surveyed", _("Surveyed")
    CONSULTATION = "consultation", _("Consultation")
    DESIGN = "design", _("Design")
    APPROVED = "approved", _("Approved")
    TENDERING = "tendering", _("Tendering")
    CONSTRUCTION = "construction", _("Construction")
    ACCEPTED = "accepted", _("Accepted")
    HANDED_OVER = "handed_over", _("Long-term management")

    @classmethod
    def order(cls, stage: str) -> int:
        return cls.values.index(stage)

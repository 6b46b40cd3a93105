"""The compound registry: compounds (小区) and their buildings."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from renovation.access import ScopedQuerySet
from renovation.models import Audited
from renovation.validation import stored_year_range, year_built_range

from .geography import Area, Community, Street

ZERO = Decimal("0")


class CompoundQuerySet(ScopedQuerySet):
    pass


class Compound(Audited):
    class SurveyStatus(models.TextChoices):
        ELIGIBLE = "eligible", _("Eligible for renovation")
        GOOD = "good", _("In good condition")
        REDEVELOPED = "redeveloped", _("Already redeveloped")
        PENDING = "pending", _("Pending survey")

    code = models.CharField(
        _("registry code"),
        max_length=32,
        unique=True,
        null=True,
        blank=True,
        help_text=_("The district's unique number for the compound, used by census imports."),
    )
    name = models.CharField(_("name"), max_length=128)
    address = models.CharField(_("address"), max_length=255, blank=True)
    street = models.ForeignKey(
        Street, verbose_name=_("street office"), on_delete=models.PROTECT, related_name="compounds"
    )
    community = models.ForeignKey(
        Community,
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="compounds",
    )
    area = models.ForeignKey(
        Area,
        verbose_name=_("area"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="compounds",
    )
    year_built = models.PositiveSmallIntegerField(
        _("year built"),
        null=True,
        blank=True,
        validators=[year_built_range],
    )
    building_count = models.PositiveIntegerField(_("buildings"), default=0)
    households = models.PositiveIntegerField(_("households"), default=0)
    # NULL: not known (a blank census cell), never read as 0.
    residents = models.PositiveIntegerField(_("residents"), null=True, blank=True)
    floor_area = models.DecimalField(
        _("floor area (m²)"), max_digits=12, decimal_places=2, default=ZERO
    )
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    survey_status = models.CharField(
        _("survey status"),
        max_length=16,
        choices=SurveyStatus.choices,
        default=SurveyStatus.PENDING,
        db_index=True,
    )
    # Problem flags from the census (摸排): the four problems the national standard names,
    # plus an explicit safety-hazard flag because safety comes first (保安全).
    flag_incomplete_functions = models.BooleanField(_("incomplete functions"), default=False)
    flag_ageing_facilities = models.BooleanField(_("ageing facilities"), default=False)
    flag_poor_quality = models.BooleanField(_("poor living quality"), default=False)
    flag_poor_management = models.BooleanField(_("poor management"), default=False)
    flag_safety_hazard = models.BooleanField(_("safety hazards"), default=False)
    notes = models.TextField(_("notes"), blank=True)
    # The project of the most recent programme, kept by Project.save so that lists filter and
    # sort on the current stage with one join instead of a correlated subquery per row.
    current_project = models.ForeignKey(
        "Project",
        verbose_name=_("current project"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = CompoundQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("compound")
        verbose_name_plural = _("compounds")
        ordering = ["street_id", "name", "id"]
        indexes = [
            models.Index(fields=["name"], name="compound_name_idx"),
            # The list's default order: a deep page walks the index instead of sorting.
            models.Index(fields=["street", "name", "id"], name="compound_street_name_idx"),
        ]
        constraints = [
            stored_year_range("year_built", name="prog_compound_year_built_range"),
            models.CheckConstraint(
                condition=Q(floor_area__gte=0), name="compound_floor_area_nonnegative"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("programmes:compound-detail", args=[self.pk])

    PROBLEM_FLAGS: ClassVar[tuple[str, ...]] = (
        "flag_incomplete_functions",
        "flag_ageing_facilities",
        "flag_poor_quality",
        "flag_poor_management",
        "flag_safety_hazard",
    )

    @property
    def problem_flag_labels(self) -> list[str]:
        return [
            str(self._meta.get_field(name).verbose_name)
            for name in self.PROBLEM_FLAGS
            if getattr(self, name)
        ]


class BuildingQuerySet(ScopedQuerySet):
    scope_paths: ClassVar = {
        "street": "compound__street",
        "district": "compound__street__district",
        "city": "compound__street__district__city",
    }


class Building(Audited):
    compound = models.ForeignKey(
        Compound, verbose_name=_("compound"), on_delete=models.CASCADE, related_name="buildings"
    )
    name = models.CharField(_("building"), max_length=64)
    floors = models.PositiveSmallIntegerField(_("floors"), default=0)
    units = models.PositiveSmallIntegerField(_("units"), default=1)
    households = models.PositiveIntegerField(_("households"), default=0)
    has_elevator = models.BooleanField(_("has elevator"), default=False)
    year_built = models.PositiveSmallIntegerField(
        _("year built"), null=True, blank=True, validators=[year_built_range]
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = BuildingQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        ordering = ["compound_id", "name"]
        constraints = [
            stored_year_range("year_built", name="prog_building_year_built_range"),
            models.UniqueConstraint(fields=["compound", "name"], name="building_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.compound} {self.name}"

"""Geography, the compound registry, programmes, projects, work items, progress and problems."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from renovation.access import ScopedQuerySet
from renovation.figures.rounding import rate
from renovation.models import Audited
from renovation.validation import (
    event_date,
    plan_date,
    plan_year,
    stored_date_range,
    stored_year_range,
    year_built_range,
)

ZERO = Decimal("0")


# --- Geography -----------------------------------------------------------------------------


class Province(models.Model):
    name = models.CharField(_("name"), max_length=64, unique=True)
    code = models.CharField(_("code"), max_length=12, unique=True)

    class Meta:
        verbose_name = _("province")
        verbose_name_plural = _("provinces")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class CityQuerySet(ScopedQuerySet):
    scope_paths: ClassVar = {"street": None, "district": None, "city": ""}


class City(models.Model):
    province = models.ForeignKey(
        Province, verbose_name=_("province"), on_delete=models.PROTECT, related_name="cities"
    )
    name = models.CharField(_("name"), max_length=64)
    code = models.CharField(_("code"), max_length=12, unique=True)

    objects = CityQuerySet.as_manager()

    class Meta:
        verbose_name = _("city")
        verbose_name_plural = _("cities")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["province", "name"], name="city_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class DistrictQuerySet(ScopedQuerySet):
    scope_paths: ClassVar = {"street": None, "district": "", "city": "city"}


class District(models.Model):
    city = models.ForeignKey(
        City, verbose_name=_("city"), on_delete=models.PROTECT, related_name="districts"
    )
    name = models.CharField(_("name"), max_length=64)
    code = models.CharField(_("code"), max_length=12, unique=True)

    objects = DistrictQuerySet.as_manager()

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["city", "name"], name="district_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class StreetQuerySet(ScopedQuerySet):
    scope_paths: ClassVar = {"street": "", "district": "district", "city": "district__city"}


class Street(models.Model):
    district = models.ForeignKey(
        District, verbose_name=_("district"), on_delete=models.PROTECT, related_name="streets"
    )
    name = models.CharField(_("name"), max_length=64)

    objects = StreetQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("street office")
        verbose_name_plural = _("street offices")
        ordering = ["district_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["district", "name"], name="street_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Community(models.Model):
    street = models.ForeignKey(
        Street,
        verbose_name=_("street office"),
        on_delete=models.PROTECT,
        related_name="communities",
    )
    name = models.CharField(_("name"), max_length=64)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        ordering = ["street_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["street", "name"], name="community_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class AreaQuerySet(ScopedQuerySet):
    # An area (片区) can span streets; a street officer sees the areas of its district, and
    # every figure about an area is computed over the compounds the officer may see.
    scope_paths: ClassVar = {"street": None, "district": "district", "city": "district__city"}


class Area(models.Model):
    district = models.ForeignKey(
        District, verbose_name=_("district"), on_delete=models.PROTECT, related_name="areas"
    )
    name = models.CharField(_("name"), max_length=64)
    description = models.TextField(_("description"), blank=True)

    objects = AreaQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["district_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["district", "name"], name="area_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


# --- Registry ------------------------------------------------------------------------------


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


# --- Programmes ----------------------------------------------------------------------------


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


class ProjectQuerySet(ScopedQuerySet):
    scope_paths: ClassVar = {
        "street": "compound__street",
        "district": "compound__street__district",
        "city": "compound__street__district__city",
    }

    def started(self) -> ProjectQuerySet:
        return self.filter(started_on__isnull=False)

    def completed(self) -> ProjectQuerySet:
        return self.filter(completed_on__isnull=False)


class Project(Audited):
    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="projects"
    )
    compound = models.ForeignKey(
        Compound, verbose_name=_("compound"), on_delete=models.PROTECT, related_name="projects"
    )
    batch = models.ForeignKey(
        Batch,
        verbose_name=_("batch"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="projects",
    )
    year = models.PositiveSmallIntegerField(_("plan year"), db_index=True, validators=[plan_year])
    name = models.CharField(_("name"), max_length=160, blank=True)
    # The main category (statistics that count a project once, by category, read it) ...
    category = models.CharField(
        _("main category"), max_length=16, choices=Category.choices, default=Category.BASIC
    )
    # ... and every category of its works, comma-separated in the guideline's order
    # ("basic,improvement"); kept by the set-up services, `category` is the first of them.
    # Empty means "the main category only" (rows written before, or by bulk loads).
    categories = models.CharField(_("categories"), max_length=48, blank=True, default="")
    budget = models.DecimalField(_("budget (yuan)"), max_digits=14, decimal_places=2, default=ZERO)
    contractor = models.CharField(_("contractor"), max_length=160, blank=True)
    supervisor = models.CharField(_("supervisor (监理)"), max_length=160, blank=True)
    designer = models.CharField(_("designer"), max_length=160, blank=True)
    planned_start = models.DateField(
        _("planned start"), null=True, blank=True, validators=[plan_date]
    )
    planned_end = models.DateField(
        _("planned completion"), null=True, blank=True, validators=[plan_date]
    )
    # Set by the stage service: started (新开工) on entering construction, completed (完工) at
    # acceptance, which is how the national statistics count them.
    started_on = models.DateField(
        _("started on"), null=True, blank=True, editable=False, validators=[event_date]
    )
    completed_on = models.DateField(
        _("completed on"), null=True, blank=True, editable=False, validators=[event_date]
    )
    stage = models.CharField(
        _("stage"),
        max_length=16,
        choices=Stage.choices,
        default=Stage.SURVEYED,
        editable=False,
        db_index=True,
    )
    stage_changed_at = models.DateTimeField(
        _("stage changed at"), null=True, editable=False, validators=[event_date]
    )
    # Budget-weighted completion of the work items in percent, kept by the progress service.
    progress = models.DecimalField(
        _("progress (%)"), max_digits=5, decimal_places=2, default=ZERO, editable=False
    )
    last_report_on = models.DateField(
        _("last report"), null=True, blank=True, editable=False, validators=[event_date]
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ProjectQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-year", "compound__name", "id"]
        indexes = [
            models.Index(fields=["started_on"], name="project_started_idx"),
            models.Index(fields=["completed_on"], name="project_completed_idx"),
        ]
        constraints = [
            stored_year_range("year", name="prog_project_year_range", earliest=1990),
            stored_date_range("last_report_on", name="prog_project_last_report_on_range"),
            stored_date_range(
                "stage_changed_at", name="prog_project_stage_changed_at_range", is_datetime=True
            ),
            stored_date_range("completed_on", name="prog_project_completed_on_range"),
            stored_date_range("started_on", name="prog_project_started_on_range"),
            stored_date_range("planned_end", name="prog_project_planned_end_range"),
            stored_date_range("planned_start", name="prog_project_planned_start_range"),
            models.UniqueConstraint(
                fields=["programme", "compound"], name="project_one_per_compound_and_programme"
            ),
            models.CheckConstraint(condition=Q(budget__gte=0), name="project_budget_nonnegative"),
            models.CheckConstraint(
                condition=Q(progress__gte=0) & Q(progress__lte=100),
                name="project_progress_percent",
            ),
        ]

    def __str__(self) -> str:
        return self.name or f"{self.compound} ({self.year})"

    def save(self, *args, **kwargs) -> None:
        if self.category not in Category.split(self.categories):
            # Written by code that knows one category only: that one is the list.
            self.categories = self.category
        super().save(*args, **kwargs)
        compound_current_project_refresh(compound_ids=[self.compound_id])

    def get_absolute_url(self) -> str:
        return reverse("programmes:compound-detail", args=[self.compound_id])

    @property
    def stage_index(self) -> int:
        return Stage.order(self.stage)

    @property
    def category_list(self) -> list[str]:
        return Category.split(self.categories) or [self.category]

    @staticmethod
    def has_category_q(value: str, prefix: str = "") -> Q:
        """Projects whose works include the category (the list, or the main one alone)."""
        return Q(**{f"{prefix}categories__contains": value}) | Q(
            **{f"{prefix}categories": "", f"{prefix}category": value}
        )

    @property
    def categories_display(self) -> str:
        return "、".join(str(Category(value).label) for value in self.category_list)


def compound_current_project_refresh(*, compound_ids: list[int] | None = None) -> int:
    """Point each compound at the project of its most recent programme (one UPDATE)."""
    latest = (
        Project.objects.filter(compound=models.OuterRef("pk"))
        .order_by("-programme__start_year", "-year", "-id")
        .values("id")[:1]
    )
    compounds = Compound.objects.all()
    if compound_ids is not None:
        compounds = compounds.filter(pk__in=compound_ids)
    return compounds.update(current_project=models.Subquery(latest))


class StageTransition(models.Model):
    """An append-only log of stage changes: who moved which project, when and why."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="transitions"
    )
    from_stage = models.CharField(_("from"), max_length=16, choices=Stage.choices)
    to_stage = models.CharField(_("to"), max_length=16, choices=Stage.choices)
    reason = models.TextField(_("reason"))
    gate_evidence = models.TextField(_("gate evidence"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True, validators=[event_date])
    # The day the stage really changed (a past project entered with its history); `at` stays
    # the time of entry. Statistics count started and completed projects by these dates.
    effective_on = models.DateField(
        _("effective date"), null=True, db_index=True, validators=[event_date]
    )
    # Entered as a historical record: the gate was not checked, on `by`'s word, for this reason.
    gate_waived = models.BooleanField(_("gate waived for a historical record"), default=False)
    waiver_reason = models.TextField(_("reason for waiving the gate"), blank=True)

    class Meta:
        verbose_name = _("stage transition")
        verbose_name_plural = _("stage transitions")
        ordering = ["project_id", "at", "id"]
        constraints = [
            stored_date_range("at", name="prog_stagetransition_at_range", is_datetime=True),
            stored_date_range("effective_on", name="prog_stagetransition_effective_on_range"),
            models.CheckConstraint(
                condition=Q(gate_waived=False) | ~Q(waiver_reason=""),
                name="transition_waiver_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project}: {self.get_from_stage_display()} → {self.get_to_stage_display()}"


class AcceptanceRecordQuerySet(ScopedQuerySet):
    scope_paths: ClassVar = {
        key: f"project__{value}" for key, value in ProjectQuerySet.scope_paths.items()
    }


class AcceptanceRecord(Audited):
    """The completion acceptance (竣工验收); the gate to 'accepted' needs residents present."""

    project = models.OneToOneField(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="acceptance"
    )
    accepted_on = models.DateField(_("accepted on"), validators=[event_date])
    residents_present = models.PositiveIntegerField(_("resident representatives present"))
    participants = models.TextField(_("participating units"), blank=True)
    passed = models.BooleanField(_("passed"), default=True)
    notes = models.TextField(_("notes"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = AcceptanceRecordQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        constraints = [
            stored_date_range("accepted_on", name="prog_acceptancerecord_accepted_on_range"),
        ]
        verbose_name = _("acceptance record")
        verbose_name_plural = _("acceptance records")

    def __str__(self) -> str:
        return f"{self.project} {self.accepted_on}"


# --- Work and progress ---------------------------------------------------------------------


class WorkTypeQuerySet(models.QuerySet):
    def visible_to(self, user) -> WorkTypeQuerySet:
        """The national catalogue and the types of the districts the user may read."""
        return self.filter(
            Q(district__isnull=True) | Q(district__in=District.objects.visible_to(user))
        )

    def usable_in(self, district_id: int) -> WorkTypeQuerySet:
        """What a project of a district may use: the national catalogue and its own types."""
        return self.filter(Q(district__isnull=True) | Q(district_id=district_id))


class WorkType(models.Model):
    class Unit(models.TextChoices):
        METRE = "m", pgettext_lazy("unit of measure", "m")
        SQUARE_METRE = "m2", pgettext_lazy("unit of measure", "m²")
        SET = "set", pgettext_lazy("unit of measure", "sets")
        HOUSEHOLD = "household", pgettext_lazy("unit of measure", "households")
        SPACE = "space", pgettext_lazy("unit of measure", "spaces")
        UNIT = "unit", pgettext_lazy("unit of measure", "units")
        PLACE = "place", pgettext_lazy("unit of measure", "places")
        ROOM = "room", pgettext_lazy("unit of measure", "rooms")
        STATION = "station", pgettext_lazy("unit of measure", "stations")
        TREE = "tree", pgettext_lazy("unit of measure", "trees")
        ITEM = "item", pgettext_lazy("unit of measure", "items")
        BUILDING = "building", pgettext_lazy("unit of measure", "buildings")

    code = models.SlugField(_("code"), max_length=48, unique=True)
    # Empty for the national catalogue; a district's own types are seen in that district only.
    district = models.ForeignKey(
        District,
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="work_types",
    )
    name_zh = models.CharField(_("Chinese name"), max_length=64)
    name_en = models.CharField(_("English name"), max_length=96)
    unit = models.CharField(_("unit"), max_length=16, choices=Unit.choices)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    objects = WorkTypeQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("work type")
        verbose_name_plural = _("work types")
        ordering = ["sort_order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["name_zh"],
                condition=Q(district__isnull=True),
                name="worktype_national_unique_name",
            ),
            models.UniqueConstraint(
                fields=["district", "name_zh"],
                condition=Q(district__isnull=False),
                name="worktype_district_unique_name",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "").startswith("en") else self.name_zh


class WorkItemQuerySet(ScopedQuerySet):
    scope_paths: ClassVar = {
        key: f"project__{value}" for key, value in ProjectQuerySet.scope_paths.items()
    }


class WorkItem(Audited):
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="work_items"
    )
    work_type = models.ForeignKey(
        WorkType, verbose_name=_("work type"), on_delete=models.PROTECT, related_name="items"
    )
    description = models.CharField(_("description"), max_length=255, blank=True)
    planned_quantity = models.DecimalField(_("planned quantity"), max_digits=14, decimal_places=2)
    budget = models.DecimalField(_("budget (yuan)"), max_digits=14, decimal_places=2, default=ZERO)
    planned_start = models.DateField(
        _("planned start"), null=True, blank=True, validators=[plan_date]
    )
    planned_end = models.DateField(
        _("planned completion"), null=True, blank=True, validators=[plan_date]
    )
    # The latest reported cumulative quantity (never a sum of reports); kept by the service.
    completed_quantity = models.DecimalField(
        _("completed to date"), max_digits=14, decimal_places=2, default=ZERO, editable=False
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = WorkItemQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("work item")
        verbose_name_plural = _("work items")
        ordering = ["project_id", "work_type__sort_order", "id"]
        constraints = [
            stored_date_range("planned_start", name="prog_workitem_planned_start_range"),
            stored_date_range("planned_end", name="prog_workitem_planned_end_range"),
            models.UniqueConstraint(
                fields=["project", "work_type"], name="workitem_one_per_type_and_project"
            ),
            models.CheckConstraint(
                condition=Q(planned_quantity__gte=0), name="workitem_planned_nonnegative"
            ),
            models.CheckConstraint(condition=Q(budget__gte=0), name="workitem_budget_nonnegative"),
            models.CheckConstraint(
                condition=Q(completed_quantity__gte=0), name="workitem_completed_nonnegative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.work_type} ({self.project})"

    @property
    def completion_percent(self) -> Decimal:
        if not self.planned_quantity:
            return ZERO
        return (
            rate(min(self.completed_quantity, self.planned_quantity), self.planned_quantity) or ZERO
        )


class ProgressReportQuerySet(WorkItemQuerySet):
    pass


class ProgressReport(Audited):
    """The daily progress form (工程日进度一栏表): completed quantity to date per work item."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned for correction")

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="reports"
    )
    report_date = models.DateField(_("report date"), validators=[event_date])
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.SUBMITTED
    )
    return_comment = models.TextField(_("return comment"), blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("returned by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    returned_at = models.DateTimeField(
        _("returned at"), null=True, blank=True, validators=[event_date]
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ProgressReportQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["project_id", "-report_date", "-id"]
        constraints = [
            stored_date_range(
                "returned_at", name="prog_progressreport_returned_at_range", is_datetime=True
            ),
            stored_date_range("report_date", name="prog_progressreport_report_date_range"),
            models.UniqueConstraint(
                fields=["project", "report_date"], name="progressreport_one_per_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.report_date}"


class ProgressReportLine(models.Model):
    report = models.ForeignKey(
        ProgressReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="lines"
    )
    work_item = models.ForeignKey(
        WorkItem, verbose_name=_("work item"), on_delete=models.CASCADE, related_name="lines"
    )
    quantity_to_date = models.DecimalField(_("completed to date"), max_digits=14, decimal_places=2)
    reason = models.CharField(_("reason for deviation"), max_length=255, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("report line")
        verbose_name_plural = _("report lines")
        ordering = ["report_id", "work_item__work_type__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["report", "work_item"], name="reportline_unique"),
            models.CheckConstraint(
                condition=Q(quantity_to_date__gte=0), name="reportline_quantity_nonnegative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.work_item}: {self.quantity_to_date}"


def progress_photo_path(instance: ProgressPhoto, filename: str) -> str:
    stamp = timezone.now().strftime("%Y/%m")
    return f"progress/{stamp}/{instance.report.project_id}/{filename}"


class ProgressPhoto(Audited):
    report = models.ForeignKey(
        ProgressReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField(_("photo"), upload_to=progress_photo_path)
    caption = models.CharField(_("caption"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("progress photo")
        verbose_name_plural = _("progress photos")
        ordering = ["report_id", "id"]

    def __str__(self) -> str:
        return self.caption or self.image.name


class SiteProblemQuerySet(WorkItemQuerySet):
    def open(self) -> SiteProblemQuerySet:
        return self.filter(status=SiteProblem.Status.OPEN)

    def overdue(self, now=None) -> SiteProblemQuerySet:
        """Open for more than a day: 每日调度、次日报告、当日解决."""
        now = now or timezone.now()
        hours = settings.RENOVATION_PROBLEM_OVERDUE_HOURS
        return self.open().filter(created_at__lt=now - timezone.timedelta(hours=hours))


class SiteProblem(Audited):
    class Severity(models.TextChoices):
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")
        CRITICAL = "critical", _("Critical (safety)")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="problems"
    )
    title = models.CharField(_("problem"), max_length=160)
    description = models.TextField(_("description"), blank=True)
    severity = models.CharField(
        _("severity"), max_length=16, choices=Severity.choices, default=Severity.MEDIUM
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    resolution = models.TextField(_("resolution"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, validators=[event_date])
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = SiteProblemQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("site problem")
        verbose_name_plural = _("site problems")
        ordering = ["status", "-created_at", "-id"]
        constraints = [
            stored_date_range(
                "closed_at", name="prog_siteproblem_closed_at_range", is_datetime=True
            ),
            models.CheckConstraint(
                condition=Q(status="open") | (Q(closed_at__isnull=False) & ~Q(resolution="")),
                name="siteproblem_closed_has_resolution",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_overdue(self) -> bool:
        hours = settings.RENOVATION_PROBLEM_OVERDUE_HOURS
        return self.status == self.Status.OPEN and self.created_at < timezone.now() - (
            timezone.timedelta(hours=hours)
        )


# Models kept in their own modules (this one is long enough), importable from here.
from .geography_models import CompoundMerge  # noqa: E402, F401

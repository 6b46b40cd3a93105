"""Projects (一院一策), their stage transitions and completion acceptance."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from renovation.access import ScopedQuerySet
from renovation.models import Audited
from renovation.validation import (
    event_date,
    plan_date,
    plan_year,
    stored_date_range,
    stored_year_range,
)

from .plans import Batch, Category, Programme, Stage
from .registry import ZERO, Compound


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

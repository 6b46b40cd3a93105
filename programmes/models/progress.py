"""Work types and items, progress reports with their lines and photos, and site problems."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from renovation.access import ScopedQuerySet
from renovation.figures.rounding import rate
from renovation.models import Audited
from renovation.validation import event_date, plan_date, stored_date_range

from .geography import District
from .plans import Category
from .projects import Project, ProjectQuerySet
from .registry import ZERO


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
        done = min(self.completed_quantity, self.planned_quantity)
        return rate(done, self.planned_quantity) or ZERO


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

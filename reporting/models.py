"""Reporting records: statistics snapshots and rollup runs, export jobs and notifications.

Their tables keep the names they had when they lived in `renovation` and `programmes`
(migrations 0001 moved the models' state only), so no data moved.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from renovation.models import ScopeKind
from renovation.validation import event_date, stored_date_range

# --- Statistics snapshots and rollup runs ----------------------------------------------------


class ScopeSnapshot(models.Model):
    """The statistics of one scope on one day, as the last rollup of that day computed them.

    `figures` holds every figure as additive raw values (counts, sums; Decimals as strings);
    rates, shares and averages are derived when read. The columns repeat the headline figures
    of the snapshot's own year, so trends and lists read them without parsing JSON."""

    scope_kind = models.CharField(_("scope"), max_length=16, choices=ScopeKind.choices)
    scope_id = models.PositiveBigIntegerField(_("scope id"), default=0)
    as_of = models.DateField(_("as of"), validators=[event_date])
    computed_at = models.DateTimeField(_("computed at"), validators=[event_date])
    compounds = models.PositiveIntegerField(_("compounds"), default=0)
    households = models.PositiveIntegerField(_("households"), default=0)
    started = models.PositiveIntegerField(_("started this year"), default=0)
    started_households = models.PositiveIntegerField(_("households started this year"), default=0)
    completed = models.PositiveIntegerField(_("completed this year"), default=0)
    completed_households = models.PositiveIntegerField(
        _("households completed this year"), default=0
    )
    target_compounds = models.PositiveIntegerField(_("target compounds"), null=True, blank=True)
    target_households = models.PositiveIntegerField(_("target households"), null=True, blank=True)
    progress = models.DecimalField(
        _("weighted progress (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    open_problems = models.PositiveIntegerField(_("open problems"), default=0)
    funding_planned = models.DecimalField(
        _("funding planned (yuan)"), max_digits=18, decimal_places=2, default=0
    )
    funding_received = models.DecimalField(
        _("funding received (yuan)"), max_digits=18, decimal_places=2, default=0
    )
    funding_spent = models.DecimalField(
        _("funding spent (yuan)"), max_digits=18, decimal_places=2, default=0
    )
    figures = models.JSONField(_("figures"), default=dict)

    class Meta:
        db_table = "renovation_scopesnapshot"
        verbose_name = _("statistics snapshot")
        verbose_name_plural = _("statistics snapshots")
        ordering = ["scope_kind", "scope_id", "-as_of"]
        constraints = [
            stored_date_range("as_of", name="rep_scopesnapshot_as_of_range"),
            stored_date_range(
                "computed_at", name="rep_scopesnapshot_computed_at_range", is_datetime=True
            ),
            models.UniqueConstraint(
                fields=["scope_kind", "scope_id", "as_of"], name="scopesnapshot_one_per_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_scope_kind_display()} {self.scope_id} {self.as_of}"


class RollupRun(models.Model):
    """One execution of a rollup: a full recompute (nightly or asked for) or a refresh of the
    scopes marked dirty. Its progress feeds the progress bar; a failure is shown on the
    dashboard until a later run of the same kind succeeds."""

    class Kind(models.TextChoices):
        FULL = "full", _("Full recompute")
        REFRESH = "refresh", _("Refresh after changes")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    task_id = models.CharField(_("task id"), max_length=64, blank=True, db_index=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(
        _("started at"), null=True, blank=True, validators=[event_date]
    )
    finished_at = models.DateTimeField(
        _("finished at"), null=True, blank=True, validators=[event_date]
    )
    steps_total = models.PositiveIntegerField(_("steps"), default=0)
    steps_done = models.PositiveIntegerField(_("steps done"), default=0)
    snapshots_written = models.PositiveIntegerField(_("snapshots written"), default=0)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        db_table = "renovation_rolluprun"
        constraints = [
            stored_date_range(
                "started_at", name="rep_rolluprun_started_at_range", is_datetime=True
            ),
            stored_date_range(
                "finished_at", name="rep_rolluprun_finished_at_range", is_datetime=True
            ),
        ]
        verbose_name = _("rollup run")
        verbose_name_plural = _("rollup runs")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d %H:%M} {self.status}"

    @property
    def percent(self) -> int:
        if self.status == self.Status.SUCCEEDED:
            return 100
        if not self.steps_total:
            return 0
        return min(100, self.steps_done * 100 // self.steps_total)

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)


# --- Exports and notifications -------------------------------------------------------------


def export_file_path(instance: ExportJob, filename: str) -> str:
    # MEDIA_ROOT/exports/: never listed or served by the web server; the download view checks
    # that the requester owns the job before it opens the file.
    return f"exports/{instance.user_id}/{filename}"


class ExportJob(models.Model):
    """A large ledger export run by a worker: who asked, for what scope, how far it got."""

    class Kind(models.TextChoices):
        LEDGER_XLSX = "ledger_xlsx", _("Ledger (Excel)")
        LEDGER_CSV = "ledger_csv", _("Ledger (CSV)")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.CASCADE,
        related_name="export_jobs",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    # The GET parameters of the export (scope ids, year, unit, sheet); re-resolved against the
    # user's scope when the job runs, so a job cannot export more than its owner may read.
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    scope_label = models.CharField(_("scope"), max_length=255, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    rows = models.PositiveIntegerField(_("rows written"), default=0)
    file = models.FileField(_("file"), upload_to=export_file_path, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(
        _("created at"), default=timezone.now, db_index=True, validators=[event_date]
    )
    finished_at = models.DateTimeField(
        _("finished at"), null=True, blank=True, validators=[event_date]
    )

    class Meta:
        db_table = "programmes_exportjob"
        verbose_name = _("export job")
        verbose_name_plural = _("export jobs")
        ordering = ["-created_at", "-id"]
        constraints = [
            stored_date_range(
                "created_at", name="rep_exportjob_created_at_range", is_datetime=True
            ),
            stored_date_range(
                "finished_at", name="rep_exportjob_finished_at_range", is_datetime=True
            ),
            models.CheckConstraint(
                condition=Q(progress__gte=0) & Q(progress__lte=100), name="exportjob_progress"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.scope_label} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("reports:export-job", args=[self.pk])


class NotificationQuerySet(models.QuerySet):
    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """An in-app reminder for one user about one object; at most one per object, kind and day
    (the daily reminder run can be repeated without sending anything twice)."""

    class Kind(models.TextChoices):
        REPORT_OVERDUE = "report_overdue", _("Progress report overdue")
        PROBLEM_OVERDUE = "problem_overdue", _("Site problem open too long")
        SURVEY_BELOW = "survey_below", _("Survey support below threshold")
        DISCLOSURE_CLOSING = "disclosure_closing", _("Disclosure window closing")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    # "project:12", "problem:7": the object the reminder is about (with `day`, the idempotency
    # key of the daily run).
    object_key = models.CharField(_("object"), max_length=64)
    day = models.DateField(_("day"), validators=[event_date])
    message = models.CharField(_("message"), max_length=500)
    # What the message is made of, so that it can be shown in the reader's language.
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    link = models.CharField(_("link"), max_length=255, blank=True)
    created_at = models.DateTimeField(
        _("created at"), default=timezone.now, validators=[event_date]
    )
    read_at = models.DateTimeField(_("read at"), null=True, blank=True, validators=[event_date])
    emailed_at = models.DateTimeField(
        _("e-mailed at"), null=True, blank=True, validators=[event_date]
    )

    objects = NotificationQuerySet.as_manager()

    class Meta:
        db_table = "programmes_notification"
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread_idx"),
        ]
        constraints = [
            stored_date_range("day", name="rep_notification_day_range"),
            stored_date_range(
                "created_at", name="rep_notification_created_at_range", is_datetime=True
            ),
            stored_date_range("read_at", name="rep_notification_read_at_range", is_datetime=True),
            stored_date_range(
                "emailed_at", name="rep_notification_emailed_at_range", is_datetime=True
            ),
            models.UniqueConstraint(
                fields=["recipient", "kind", "object_key", "day"],
                name="notification_once_per_object_and_day",
            ),
        ]

    def __str__(self) -> str:
        return self.message

"""Users, roles and access scopes, and the audit fields every domain record carries."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords


class UserHistoryScope(models.Model):
    """Where a user sat when a history row was written (filled by a signal in
    renovation/people_services.py), so that the audit trail can scope user rows like any other
    record: a district's auditor sees the changes to its district's people."""

    scope_district = models.ForeignKey(
        "programmes.District",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    scope_city = models.ForeignKey(
        "programmes.City",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        abstract = True


class User(AbstractUser):
    """A person (or an API client) with one role and one geographic scope.

    The scope is the narrowest of street, district, city and province that is set; a city
    viewer or API client with none set reads the whole instance (a national view). A province
    (省住建厅) is a scope for viewers, API clients and auditors only.
    """

    class Role(models.TextChoices):
        CITY_VIEWER = "city_viewer", _("City viewer")
        DISTRICT_OFFICIAL = "district_official", _("District official")
        STREET_OFFICER = "street_officer", _("Street officer")
        API_CLIENT = "api_client", _("API client")
        # Reads everything in a city or district, and the change history of its records;
        # writes nothing; residents' personal data stays masked.
        AUDITOR = "auditor", _("Auditor")

    role = models.CharField(
        _("role"), max_length=32, choices=Role.choices, default=Role.CITY_VIEWER
    )
    province = models.ForeignKey(
        "programmes.Province",
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    city = models.ForeignKey(
        "programmes.City",
        verbose_name=_("city"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    district = models.ForeignKey(
        "programmes.District",
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    street = models.ForeignKey(
        "programmes.Street",
        verbose_name=_("street office"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    # Bumped by the people services (renovation/people_services.py): a stale form or PATCH is
    # a conflict. Logins and Django's own saves leave it alone.
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = UserManager()
    # Who created, re-scoped, deactivated a user, and why (renovation/people_services.py);
    # never the password hash, and not the login time (see save()).
    history = HistoricalRecords(
        excluded_fields=["password", "last_login"], bases=[UserHistoryScope]
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            # A scoped role without its scope would read nothing or, worse, everything.
            models.CheckConstraint(
                condition=~Q(role="district_official") | Q(district__isnull=False),
                name="user_district_official_has_district",
            ),
            models.CheckConstraint(
                condition=~Q(role="street_officer") | Q(street__isnull=False),
                name="user_street_officer_has_street",
            ),
            # An auditor audits a province, a city or a district: never the whole instance by
            # omission.
            models.CheckConstraint(
                condition=~Q(role="auditor")
                | (
                    Q(street__isnull=True)
                    & (
                        Q(province__isnull=False)
                        | Q(city__isnull=False)
                        | Q(district__isnull=False)
                    )
                ),
                name="user_auditor_has_scope",
            ),
            # A province is read (viewers, API clients, auditors), never administered.
            models.CheckConstraint(
                condition=Q(province__isnull=True)
                | Q(role__in=["city_viewer", "api_client", "auditor"]),
                name="user_province_scope_reads_only",
            ),
        ]

    def __str__(self) -> str:
        full = self.get_full_name()
        return f"{full} ({self.username})" if full else self.username

    @property
    def scope_label(self) -> str:
        """Human name of what this user may see, for the page header."""
        if self.is_superuser:
            return str(_("All"))
        for level in (self.street, self.district, self.city, self.province):
            if level is not None:
                return str(level)
        return str(_("All"))

    def save(self, *args, **kwargs) -> None:
        # A login stamps last_login on every sign-in: not a change anyone audits.
        if set(kwargs.get("update_fields") or ()) == {"last_login"}:
            self.skip_history_when_saving = True
            try:
                return super().save(*args, **kwargs)
            finally:
                del self.skip_history_when_saving
        return super().save(*args, **kwargs)


class Audited(models.Model):
    """Who created and last changed a record, and when. Detailed history is kept separately
    by django-simple-history on each concrete model."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        abstract = True


# --- Rollups: statistics snapshots, refresh marks and runs (logic in renovation/rollups) ----


class ScopeKind(models.TextChoices):
    """What a snapshot covers. Street, area, district and programme figures are computed from
    source; city and national ("all") figures are the sums of their districts, province figures
    the sums of their cities."""

    ALL = "all", pgettext_lazy("statistics scope", "All")
    PROVINCE = "province", pgettext_lazy("statistics scope", "Province")
    CITY = "city", pgettext_lazy("statistics scope", "City")
    DISTRICT = "district", pgettext_lazy("statistics scope", "District")
    STREET = "street", pgettext_lazy("statistics scope", "Street office")
    AREA = "area", pgettext_lazy("statistics scope", "Area")
    PROGRAMME = "programme", pgettext_lazy("statistics scope", "Programme")


class ScopeSnapshot(models.Model):
    """The statistics of one scope on one day, as the last rollup of that day computed them.

    `figures` holds every figure as additive raw values (counts, sums; Decimals as strings);
    rates, shares and averages are derived when read. The columns repeat the headline figures
    of the snapshot's own year, so trends and lists read them without parsing JSON."""

    scope_kind = models.CharField(_("scope"), max_length=16, choices=ScopeKind.choices)
    scope_id = models.PositiveBigIntegerField(_("scope id"), default=0)
    as_of = models.DateField(_("as of"))
    computed_at = models.DateTimeField(_("computed at"))
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
        verbose_name = _("statistics snapshot")
        verbose_name_plural = _("statistics snapshots")
        ordering = ["scope_kind", "scope_id", "-as_of"]
        constraints = [
            models.UniqueConstraint(
                fields=["scope_kind", "scope_id", "as_of"], name="scopesnapshot_one_per_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_scope_kind_display()} {self.scope_id} {self.as_of}"


class DirtyScope(models.Model):
    """A scope whose statistics changed since its snapshot. Written in the same transaction as
    the change, so a mark is never lost even when the task queue is down; a refresh deletes the
    marks it has covered, in the transaction that writes the snapshots."""

    scope_kind = models.CharField(_("scope"), max_length=16, choices=ScopeKind.choices)
    scope_id = models.PositiveBigIntegerField(_("scope id"), default=0)
    marked_at = models.DateTimeField(_("marked at"), auto_now_add=True)

    class Meta:
        verbose_name = _("scope to refresh")
        verbose_name_plural = _("scopes to refresh")
        ordering = ["id"]
        indexes = [models.Index(fields=["scope_kind", "scope_id"], name="dirtyscope_scope_idx")]

    def __str__(self) -> str:
        return f"{self.get_scope_kind_display()} {self.scope_id}"


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
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    steps_total = models.PositiveIntegerField(_("steps"), default=0)
    steps_done = models.PositiveIntegerField(_("steps done"), default=0)
    snapshots_written = models.PositiveIntegerField(_("snapshots written"), default=0)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
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


from renovation.api_keys import ApiKey  # noqa: E402  (its own module; re-exported here)

__all__ = ["ApiKey", "Audited", "DirtyScope", "RollupRun", "ScopeKind", "ScopeSnapshot", "User"]

"""Users, roles and access scopes, and the audit fields every domain record carries."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from renovation.validation import event_date, stored_date_range


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
    # Django's own two, with the platform's range (renovation/validation.py).
    last_login = models.DateTimeField(
        _("last login"), blank=True, null=True, validators=[event_date]
    )
    date_joined = models.DateTimeField(
        _("date joined"), default=timezone.now, validators=[event_date]
    )

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
            stored_date_range("last_login", name="ren_user_last_login_range", is_datetime=True),
            stored_date_range("date_joined", name="ren_user_date_joined_range", is_datetime=True),
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

"""Named API keys: who holds a key, what it may do, until when, when it was last used and who
revoked it. Only a SHA-256 digest of the key is stored; the key itself is shown once, when it
is issued (renovation/people_services.py). Authentication looks the digest up by its unique
index: one query per request (renovation/api/authentication.py)."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from renovation.audit import stamp
from renovation.validation import DateRangeValidator, event_date, stored_date_range

if TYPE_CHECKING:
    from renovation.models import User

KEY_PREFIX = "rk_"
# "Last used" is written at most once a minute per key: statistics clients call many times a
# second, and a write per request would cost more than the read it authenticates.
LAST_USED_EVERY = dt.timedelta(minutes=1)
DEFAULT_LIFETIME_DAYS = 365
LONGEST_LIFETIME_DAYS = 3 * 365


def digest_of(key: str) -> str:
    """The stored form of a key. Keys are 256 random bits, so a plain SHA-256 cannot be
    reversed by guessing, and it stays one indexed lookup (a slow salted hash would not)."""
    return hashlib.sha256(key.encode()).hexdigest()


def new_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


class ApiKey(models.Model):
    class Permission(models.TextChoices):
        READ = "read", _("Read statistics and lists")
        WRITE_PROGRESS = "write_progress", _("Read, and file progress and site problems")

    name = models.CharField(_("name"), max_length=100)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("holder"),
        on_delete=models.PROTECT,
        related_name="api_keys",
    )
    permission = models.CharField(
        _("permission"), max_length=16, choices=Permission.choices, default=Permission.READ
    )
    prefix = models.CharField(_("key begins with"), max_length=12, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    # Where the key was issued (its holder's district, or city/province), for the scope of the
    # people pages and of the audit trail.
    district = models.ForeignKey(
        "programmes.District",
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    city = models.ForeignKey(
        "programmes.City",
        verbose_name=_("city"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # At most three years ahead (LONGEST_LIFETIME_DAYS, checked by the issuing service).
    expires_on = models.DateField(_("expires on"), validators=[DateRangeValidator(3)])
    last_used_at = models.DateTimeField(
        _("last used"), null=True, blank=True, validators=[event_date]
    )
    created_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(
        _("revoked at"), null=True, blank=True, validators=[event_date]
    )
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    revoke_reason = models.CharField(_("reason for revocation"), max_length=200, blank=True)

    history = HistoricalRecords(excluded_fields=["digest", "last_used_at"])

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created_at", "-id"]
        constraints = [
            stored_date_range("expires_on", name="ren_apikey_expires_on_range"),
            stored_date_range(
                "last_used_at", name="ren_apikey_last_used_at_range", is_datetime=True
            ),
            stored_date_range("revoked_at", name="ren_apikey_revoked_at_range", is_datetime=True),
            models.UniqueConstraint(
                fields=["owner", "name"],
                condition=Q(revoked_at__isnull=True),
                name="apikey_unique_active_name",
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | ~Q(revoke_reason=""),
                name="apikey_revocation_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_expired(self) -> bool:
        return timezone.localdate() > self.expires_on

    @property
    def is_active(self) -> bool:
        return not self.is_revoked and not self.is_expired

    def status_label(self) -> str:
        if self.is_revoked:
            return str(_("Revoked"))
        if self.is_expired:
            return str(_("Expired"))
        return str(_("Active"))


def issue_key(
    *,
    owner: User,
    name: str,
    permission: str = ApiKey.Permission.READ,
    expires_on: dt.date | None = None,
    by: User | None = None,
    district_id: int | None = None,
    city_id: int | None = None,
    reason: str = "",
) -> tuple[ApiKey, str]:
    """Create a key record and return it with the key itself (never stored). No rule is
    checked here: people_services.api_key_issue checks who may issue what; scripts (the
    synthetic data set, the benchmark) call this for their own accounts."""
    secret = new_key()
    key = ApiKey(
        name=name,
        owner=owner,
        permission=permission,
        prefix=secret[:8],
        digest=digest_of(secret),
        district_id=district_id,
        city_id=city_id,
        expires_on=expires_on or timezone.localdate() + dt.timedelta(days=DEFAULT_LIFETIME_DAYS),
    )
    stamp(key, by=by, reason=reason or "Key issued")
    key.save()
    return key, secret


def reissue_key(*, owner: User, name: str) -> str:
    """A fresh key for a script's own account: earlier active keys of that name are revoked
    (a key cannot be shown again, so a script that needs one issues a new one)."""
    ApiKey.objects.filter(owner=owner, name=name, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoke_reason="Reissued"
    )
    return issue_key(owner=owner, name=name)[1]

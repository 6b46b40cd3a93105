"""The per-address limit on public objections and suggestions, counted in the database.

The count used to live in the cache: with Redis down the public form answered 500 and the
resident's message was lost, and the read-then-increment let 20 messages sent at once all
through a limit of 5. Here the count is one row per disclosure, address (as a keyed digest,
never the address itself) and clock hour, and taking a slot is a single conditional UPDATE
(`count < limit`), which the database applies one at a time: atomic on PostgreSQL and SQLite
alike, in the caller's transaction, so a message that fails validation or rolls back takes
no slot."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings
from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from renovation.validation import event_date, stored_date_range


class PublicSubmissionCount(models.Model):
    disclosure = models.ForeignKey(
        "governance.Disclosure", on_delete=models.CASCADE, related_name="+"
    )
    client_digest = models.CharField(_("client digest"), max_length=64)
    hour_start = models.DateTimeField(_("hour"), validators=[event_date])
    count = models.PositiveSmallIntegerField(_("messages"), default=0)

    class Meta:
        app_label = "governance"
        verbose_name = _("public submission count")
        verbose_name_plural = _("public submission counts")
        constraints = [
            stored_date_range(
                "hour_start", name="gov_publicsubmissioncount_hour_start_range", is_datetime=True
            ),
            models.UniqueConstraint(
                fields=["disclosure", "client_digest", "hour_start"],
                name="public_submission_count_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.disclosure_id} {self.hour_start:%Y-%m-%d %H}:00 {self.count}"


def client_digest(client: str) -> str:
    return hashlib.sha256(f"{settings.SECRET_KEY}:{client}".encode()).hexdigest()[:32]


def public_submission_slot_take(*, disclosure_id: int, client: str, limit: int) -> bool:
    """Count one message from `client` this hour; False (nothing counted) when it already
    sent `limit`. Call inside the transaction that saves the message."""
    now = timezone.now()
    hour = now.replace(minute=0, second=0, microsecond=0)
    digest = client_digest(client)
    row, _created = PublicSubmissionCount.objects.get_or_create(
        disclosure_id=disclosure_id, client_digest=digest, hour_start=hour
    )
    taken = PublicSubmissionCount.objects.filter(pk=row.pk, count__lt=limit).update(
        count=F("count") + 1
    )
    # Rows of past hours are of no further use.
    PublicSubmissionCount.objects.filter(
        disclosure_id=disclosure_id, hour_start__lt=hour - dt.timedelta(hours=1)
    ).delete()
    return taken == 1

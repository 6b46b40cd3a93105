"""How long statistics snapshots are kept: every day for the last 90 days, then one a month.

At national scale the snapshots grow about 165 MB a day. Officials read daily detail for the
recent past; further back, trends need one point a month. The point kept for a month is its
last snapshot (the month-end figures, which is what monthly returns report). Trends read
whatever rows remain (reporting.rollups.selectors.history), so they draw daily points for the
last 90 days and monthly points before that, without any change.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.db.models.functions import ExtractMonth, ExtractYear
from django.utils import timezone

from ..models import ScopeSnapshot


def keep_daily_days() -> int:
    return settings.RENOVATION_SNAPSHOT_KEEP_DAILY_DAYS


@transaction.atomic
def snapshot_prune(*, today: dt.date | None = None, daily_days: int | None = None) -> int:
    """Delete snapshots older than the daily window, except the last one of each scope's
    month. Returns how many were deleted; running it again deletes nothing more."""
    today = today or timezone.localdate()
    cutoff = today - dt.timedelta(days=keep_daily_days() if daily_days is None else daily_days)
    later_in_same_month = ScopeSnapshot.objects.filter(
        scope_kind=OuterRef("scope_kind"),
        scope_id=OuterRef("scope_id"),
        as_of__gt=OuterRef("as_of"),
        as_of__year=ExtractYear(OuterRef("as_of")),
        as_of__month=ExtractMonth(OuterRef("as_of")),
    )
    deleted, _ = (
        ScopeSnapshot.objects.filter(as_of__lt=cutoff).filter(Exists(later_in_same_month)).delete()
    )
    return deleted

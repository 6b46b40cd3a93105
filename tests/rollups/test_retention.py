"""Snapshot retention: daily for 90 days, then the last snapshot of each month, pruned by a
nightly beat task; trends draw from what remains (issue 17, finding 10)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from renovation.celery import app
from renovation.models import ScopeKind
from reporting.models import ScopeSnapshot
from reporting.rollups import selectors
from reporting.rollups.retention import snapshot_prune
from reporting.tasks import snapshot_prune_task

TODAY = dt.date(2026, 6, 15)


def _daily(kind: str, pk: int, first: dt.date, last: dt.date) -> None:
    now = timezone.now()
    ScopeSnapshot.objects.bulk_create(
        ScopeSnapshot(
            scope_kind=kind,
            scope_id=pk,
            as_of=first + dt.timedelta(days=n),
            computed_at=now,
            started=n,
        )
        for n in range((last - first).days + 1)
    )


def _days(kind: str = ScopeKind.DISTRICT, pk: int = 1) -> list[dt.date]:
    return list(
        ScopeSnapshot.objects.filter(scope_kind=kind, scope_id=pk)
        .order_by("as_of")
        .values_list("as_of", flat=True)
    )


@pytest.mark.django_db
def test_pruning_keeps_90_daily_days_and_the_last_snapshot_of_each_older_month():
    _daily(ScopeKind.DISTRICT, 1, dt.date(2025, 11, 10), TODAY)

    deleted = snapshot_prune(today=TODAY)

    cutoff = TODAY - dt.timedelta(days=90)  # 2026-03-17
    kept = _days()
    assert [day for day in kept if day < cutoff] == [
        dt.date(2025, 11, 30),
        dt.date(2025, 12, 31),
        dt.date(2026, 1, 31),
        dt.date(2026, 2, 28),
    ]
    # March: the days before the cutoff are represented by March's last day, kept as daily.
    assert [day for day in kept if day >= cutoff] == [
        cutoff + dt.timedelta(days=n) for n in range(91)
    ]
    assert deleted == (TODAY - dt.date(2025, 11, 10)).days + 1 - len(kept)


@pytest.mark.django_db
def test_pruning_is_per_scope_and_twice_changes_nothing():
    _daily(ScopeKind.DISTRICT, 1, dt.date(2026, 1, 1), dt.date(2026, 1, 20))
    _daily(ScopeKind.STREET, 7, dt.date(2026, 1, 5), dt.date(2026, 1, 9))

    snapshot_prune(today=TODAY)
    again = snapshot_prune(today=TODAY)

    assert _days() == [dt.date(2026, 1, 20)]
    assert _days(ScopeKind.STREET, 7) == [dt.date(2026, 1, 9)]
    assert again == 0


@pytest.mark.django_db
def test_the_beat_task_prunes(settings):
    today = timezone.localdate()
    _daily(ScopeKind.DISTRICT, 1, today - dt.timedelta(days=200), today)

    snapshot_prune_task()

    kept = _days()
    assert len(kept) < 120
    assert kept[-91:] == [today - dt.timedelta(days=n) for n in range(90, -1, -1)]


def test_the_prune_task_is_scheduled_nightly():
    entries = {entry["task"]: entry for entry in app.conf.beat_schedule.values()}

    assert "reporting.tasks.snapshot_prune_task" in entries


@pytest.mark.django_db
def test_trends_still_draw_from_what_remains():
    today = timezone.localdate()
    _daily(ScopeKind.DISTRICT, 1, today - dt.timedelta(days=300), today)
    snapshot_prune(today=today)

    trend = selectors.history(kind=ScopeKind.DISTRICT, pk=1)

    days = [point["as_of"] for point in trend]
    assert days == _days()
    assert days[-1] == today
    older = [day for day in days if day < today - dt.timedelta(days=90)]
    assert len(older) >= 6
    assert all((day + dt.timedelta(days=1)).month != day.month for day in older)  # month-ends

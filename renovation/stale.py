"""The "statistics are stale here" mark: a write leaves it for the rollups to pick up.

Services of every app call their app's `mark_dirty` (programmes.stale, funding.stale), which
works out the scopes a record counts in and calls `mark_stale` here, inside the caller's
transaction: the mark commits or rolls back with the change, so it is never lost even when the
task queue is down. After commit the cached statistics are dropped and `scopes_marked` is sent;
the reporting app, which sits above every other app, listens to it and queues a refresh. The
core itself never imports reporting.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from .api.caching import data_changed
from .models import DirtyScope

# Sent after the commit of a transaction that marked scopes; no arguments beyond the sender.
scopes_marked = Signal()
# Sent after the commit of a change that took effect on a past day (`since`, a date) for
# `project_ids`: past snapshots and trends must follow the real dates.
history_changed = Signal()


def announce_stale() -> None:
    scopes_marked.send(sender=DirtyScope)


def mark_stale(scopes: Iterable[tuple[str, int]]) -> None:
    """Record that these (scope kind, id) pairs changed, in the caller's transaction."""
    marks = sorted(set(scopes))
    if not marks:
        return
    DirtyScope.objects.bulk_create(DirtyScope(scope_kind=kind, scope_id=pk) for kind, pk in marks)
    transaction.on_commit(data_changed)
    transaction.on_commit(announce_stale)


def mark_history_changed(*, since: dt.date, project_ids: Iterable[int]) -> None:
    """Record that these projects changed as of a past day (an effective date, a corrected
    acceptance): after commit, `history_changed` asks for the past snapshots to be redone."""
    if since >= timezone.localdate():
        return
    ids = sorted(set(project_ids))
    transaction.on_commit(
        lambda: history_changed.send(sender=DirtyScope, since=since, project_ids=ids)
    )

"""Receivers of the core's signals: a commit that marked statistics stale queues a refresh, and
one that changed history on a past day queues the back-fill of past snapshots."""

from __future__ import annotations

from renovation.stale import history_changed, scopes_marked

from .rollups.backfill import enqueue_backfill
from .rollups.services import enqueue_refresh

scopes_marked.connect(enqueue_refresh, dispatch_uid="reporting.enqueue_refresh")
history_changed.connect(enqueue_backfill, dispatch_uid="reporting.enqueue_backfill")

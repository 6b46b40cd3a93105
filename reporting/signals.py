"""Receivers of the core's signals: a commit that marked statistics stale queues a refresh."""

from __future__ import annotations

from renovation.stale import scopes_marked

from .rollups.services import enqueue_refresh

scopes_marked.connect(enqueue_refresh, dispatch_uid="reporting.enqueue_refresh")

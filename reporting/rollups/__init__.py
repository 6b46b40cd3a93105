"""Statistics snapshots (rollups): computed with grouped SQL per scope, refreshed after changes
and nightly, read by pages, charts and trends. Services mark the scopes they change through
their app's `mark_dirty` (see renovation.stale), in their transaction.
"""

from .services import mark_dirty

__all__ = ["mark_dirty"]

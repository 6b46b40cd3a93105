"""Statistics snapshots (rollups): computed with grouped SQL per scope, refreshed after changes
and nightly, read by pages, charts and trends. Services call `mark_dirty` in their transaction.
"""

from .backfill import request_backfill
from .services import mark_dirty

__all__ = ["mark_dirty", "request_backfill"]

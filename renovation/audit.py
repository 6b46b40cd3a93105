"""Who and why on a write, stamped in one place.

Every service calls `stamp(record, by=..., reason=...)` just before it saves or deletes a
record. The stamp fills the audit columns the model has (`created_by` on a new record,
`updated_by` on every write: `renovation.models.Audited`, the API key's `created_by`) and
names `by` and `reason` as the who and why of the history row that django-simple-history
writes on that save or delete. Nothing else in the code sets those attributes; a test
(tests/renovation/test_audit_stamp.py) reads every module to keep it that way.

Bulk writes stamp each record the same way and then call django-simple-history's
`bulk_create_with_history` (or a manager's `bulk_history_create`): those read the history user
and reason from each record before their defaults.

A queryset `update()` writes no history at all: it is kept for counters and derived columns
(versions, progress, snapshots), never for a change someone is accountable for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models

if TYPE_CHECKING:
    from renovation.models import User

# django-simple-history keeps the reason in a CharField(max_length=100).
REASON_MAX_LENGTH = 100

# The attributes only this module sets (the scan in tests/renovation/test_audit_stamp.py).
CREATED_BY = "created_by"
UPDATED_BY = "updated_by"
HISTORY_USER = "_history_user"
CHANGE_REASON = "_change_reason"


def _has_field(record: models.Model, name: str) -> bool:
    try:
        record._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True


def stamp(
    record: models.Model, *, by: User | None, reason: str = "", created: bool | None = None
) -> list[str]:
    """Name `by` as who writes `record` now, and `reason` as why, before it is saved or deleted.

    `created` (by default: whether the record is not saved yet) also names `by` as its creator.
    `by` is None only for a write no signed-in person makes: a resident's message sent from
    the public disclosure page. An empty reason leaves the history row's reason empty (and
    drops one left on the record by an earlier write). Returns the audit columns set, for a
    save that lists its `update_fields`.
    """
    if created is None:
        created = record._state.adding
    # The history user and reason are plain attributes django-simple-history reads on save;
    # they are not model fields, so the model's type does not know them.
    target: Any = record
    columns: list[str] = []
    if created and _has_field(record, CREATED_BY):
        target.created_by = by
        columns.append(CREATED_BY)
    if _has_field(record, UPDATED_BY):
        target.updated_by = by
        columns.append(UPDATED_BY)
        if _has_field(record, "updated_at"):
            columns.append("updated_at")  # auto_now: written only when named
    target._history_user = by
    if reason:
        target._change_reason = str(reason)[:REASON_MAX_LENGTH]
    elif hasattr(target, CHANGE_REASON):
        del target._change_reason
    return columns

"""Writes that move money: commitments, approval, allocations, receipts and expenditures.

Every service checks the caller's role and scope, validates, writes in one transaction, records
who and when (audit fields and history) and raises `ValidationError` with a translatable message,
or `ConflictError` when the form was opened on an older version of the commitment. Nothing is
written when a service refuses.

A commitment's `version` changes with every write that touches its money (approval, allocation,
receipt, expenditure): two people booking the same arrival of money at once is exactly the
double-counting these records must prevent, so the second is told and nothing is saved.

Split by topic (commitments, allocations, records; the shared checks and the commitment lock in
`_common`); every public name is re-exported here, with the helpers other funding modules call
(`_lock`, `_bump`, `_sum`) and the access rules they read as `services.can_...`, so callers keep
`from funding import services`.
"""

from renovation.access import can_manage_programme_money, can_write_line, can_write_project_money

from ._common import CENT, MAX_AMOUNT, _bump, _lock, _sum, check_not_future, parse_amount
from .allocations import allocation_set
from .commitments import commitment_approve, commitment_create, funding_source_ensure
from .records import expenditure_record, receipt_record

__all__ = [
    "CENT",
    "MAX_AMOUNT",
    "_bump",
    "_lock",
    "_sum",
    "allocation_set",
    "can_manage_programme_money",
    "can_write_line",
    "can_write_project_money",
    "check_not_future",
    "commitment_approve",
    "commitment_create",
    "expenditure_record",
    "funding_source_ensure",
    "parse_amount",
    "receipt_record",
]

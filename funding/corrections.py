"""Corrections without deletes (冲销): a wrong commitment, receipt or expenditure is reversed by a
counter-entry with the reason, never deleted or edited.

The counter-entry is a record of the same model on the same line (commitment and project) with
the opposite amount and, for receipts and expenditures, the same date, so that the wrong entry
vanishes from the year it was booked in; when and by whom it was reversed is on the
counter-entry (`created_at`, `created_by`, history). Every sum over amounts — the funding mix,
rollups, ledger, returns, the services' own caps — is therefore net without a filter anywhere.
The original stays, shown struck through with its counter-entry beside it; one counter-entry per
record at most (a one-to-one field), and a counter-entry is never reversed itself.

Reversing a commitment reverses what is still booked on it in the same transaction (its
expenditures, then its receipts) and sets its allocations to zero, so that no line is left with
money on a commitment that no longer counts. Ordinary users and the platform administrator go
through these services alike: pages and API offer no delete (a DELETE is a 405 that points here),
and Django admin is read-only for funding records.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext as _

from renovation.access import (  # re-exported: pages and API ask through this module
    can_reverse_commitment,
    can_reverse_record,
    require,
)
from renovation.audit import stamp

from . import entries, services, stale
from .entries import LineRecord
from .models import ZERO, Allocation, Commitment, Expenditure, Receipt

if TYPE_CHECKING:
    from renovation.models import User

MAX_REASON = 2000


# --- Who may reverse -----------------------------------------------------------------------


def clean_reason(reason: str | None) -> str:
    text = " ".join((reason or "").split())
    if not text:
        raise ValidationError({"reason": _("Give the reason for the reversal.")})
    if len(text) > MAX_REASON:
        raise ValidationError(
            {"reason": _("Keep the reason under %(n)s characters.") % {"n": MAX_REASON}}
        )
    return text


def is_reversed(record: Model) -> bool:
    """One query: whether a counter-entry of the record exists."""
    return type(record)._default_manager.filter(reverses=record).exists()


def _check_reversible(record: Model, what: str) -> None:
    if record.reverses_id is not None:  # type: ignore[attr-defined]
        raise ValidationError(
            _("This is a reversal itself (冲销); it cannot be reversed. Book the %(what)s again.")
            % {"what": what}
        )
    if is_reversed(record):
        raise ValidationError(_("This %(what)s has already been reversed.") % {"what": what})


# --- Receipts and expenditures -------------------------------------------------------------


@transaction.atomic
def receipt_reverse(
    *, receipt: Receipt, by: User, reason: str, version: int | None = None
) -> Receipt:
    """Reverse a wrong receipt. `version` is the commitment's (every money write changes it).

    Refused while the money is spent: the line's spending would be above what it received, so
    the spending is reversed first."""
    require(can_reverse_record(by, receipt), _("You may not correct money on this line."))
    reason = clean_reason(reason)
    locked = services._lock(receipt.commitment, version)
    receipt = Receipt.objects.select_for_update().get(pk=receipt.pk)
    _check_reversible(receipt, _("receipt"))
    received = entries.line_sum(Receipt, locked, receipt.project_id)
    spent = entries.line_sum(Expenditure, locked, receipt.project_id)
    if received - receipt.amount < spent:
        raise ValidationError(
            _(
                "%(spent)s yuan of this line has been spent; without this receipt only "
                "%(left)s yuan would have been received. Reverse the spending first."
            )
            % {"spent": spent, "left": received - receipt.amount}
        )
    counter = entries.counter_entry(receipt, by, reason)
    services._bump(locked, by, "receipt reversed")
    stale.mark_dirty(programme_ids=[locked.programme_id], project_ids=[receipt.project_id])
    return counter  # type: ignore[return-value]


@transaction.atomic
def expenditure_reverse(
    *, expenditure: Expenditure, by: User, reason: str, version: int | None = None
) -> Expenditure:
    """Reverse a wrong expenditure. `version` is the commitment's."""
    require(can_reverse_record(by, expenditure), _("You may not correct money on this line."))
    reason = clean_reason(reason)
    locked = services._lock(expenditure.commitment, version)
    expenditure = Expenditure.objects.select_for_update().get(pk=expenditure.pk)
    _check_reversible(expenditure, _("expenditure"))
    counter = entries.counter_entry(expenditure, by, reason)
    services._bump(locked, by, "expenditure reversed")
    stale.mark_dirty(programme_ids=[locked.programme_id], project_ids=[expenditure.project_id])
    return counter  # type: ignore[return-value]


# --- Commitments ---------------------------------------------------------------------------


def close_records(commitment: Commitment, by: User, reason: str) -> list[int | None]:
    """Reverse every record still counting on a locked commitment (expenditures first) and
    set its allocations to zero; returns the projects touched. For the commitment services
    here and the split (funding/lines.py)."""
    receipts, expenditures = entries.open_records(commitment)
    counters: list[LineRecord] = [entries.counter_entry(e, by, reason) for e in expenditures]
    counters += [entries.counter_entry(r, by, reason) for r in receipts]
    projects = {record.project_id for record in counters}
    for allocation in Allocation.objects.select_for_update().filter(commitment=commitment):
        projects.add(allocation.project_id)
        if allocation.amount != ZERO:
            allocation.amount = ZERO
            allocation.version += 1
            stamp(allocation, by=by, reason=reason)
            allocation.save()
    return sorted(projects, key=lambda pk: pk or 0)


def counter_commitment(commitment: Commitment, by: User, reason: str) -> Commitment:
    """The commitment's counter-entry, saved: the same line with the opposite amount."""
    counter = Commitment(
        source_id=commitment.source_id,
        programme_id=commitment.programme_id,
        project_id=commitment.project_id,
        batch_id=commitment.batch_id,
        year=commitment.year,
        amount=-commitment.amount,
        rule_id=commitment.rule_id,
        reference=commitment.reference,
        note=commitment.note,
        status=commitment.status,
        approved_by_id=commitment.approved_by_id,
        approved_at=commitment.approved_at,
        mode=commitment.mode,
        works=commitment.works,
        reverses=commitment,
        reversal_reason=reason,
    )
    stamp(counter, by=by, reason=_("Reversal: %(reason)s") % {"reason": reason})
    counter.save()
    return counter


@transaction.atomic
def commitment_reverse(
    *, commitment: Commitment, by: User, reason: str, version: int | None = None
) -> Commitment:
    """Reverse a wrong commitment with what is booked on it: its expenditures and receipts are
    reversed with the same reason and its allocations set to zero. Returns the counter-entry."""
    require(
        can_reverse_commitment(by, commitment),
        _("Approved money is corrected by the district's officials."),
    )
    reason = clean_reason(reason)
    locked = services._lock(commitment, version)
    projects = close_records(locked, by, reason)
    counter = counter_commitment(locked, by, reason)
    services._bump(locked, by, "reversed")
    stale.mark_dirty(
        commitment_ids=[locked.pk], programme_ids=[locked.programme_id], project_ids=projects
    )
    return counter

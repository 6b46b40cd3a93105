"""Receipts (到位) and expenditures, booked on a line of a commitment."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from programmes.models import Project, WorkItem
from renovation.access import can_write_line, require
from renovation.audit import stamp
from renovation.validation import checked

from .. import stale
from ..models import Allocation, Commitment, Expenditure, Receipt
from ._common import _bump, _collect, _lock, _sum, check_not_future, parse_amount

if TYPE_CHECKING:
    from renovation.models import User


def _line_project(commitment: Commitment, project: Project | None) -> Project | None:
    """The project a record on this commitment is booked for, checked against the lines."""
    if not commitment.is_programme_level:
        if project is not None and project.pk != commitment.project_id:
            raise ValidationError({"project": _("This commitment is for another project.")})
        return commitment.project
    if (
        project is not None
        and not Allocation.objects.filter(commitment=commitment, project=project).exists()
    ):
        raise ValidationError(
            {"project": _("Allocate part of this commitment to the project first.")}
        )
    return project


def _line_cap(commitment: Commitment, project: Project | None) -> Decimal:
    if commitment.is_programme_level and project is not None:
        allocation = Allocation.objects.get(commitment=commitment, project=project)
        return allocation.amount
    return commitment.amount


def _amount_and_date(
    errors: dict[str, list[str]], amount: object, day: dt.date | None, *, field: str
) -> Decimal | None:
    """A record's amount (None when refused) and its date (`field`), checked; what is wrong is
    added to `errors`."""
    value = _collect(errors, lambda: parse_amount(amount))
    _collect(errors, lambda: check_not_future(day, field=field))
    return value


def _book(record: Receipt | Expenditure, locked: Commitment, by: User, reason: str) -> None:
    """Save a record on its line with who and when, move its commitment's version on and mark
    the statistics of its programme and project stale."""
    stamp(record, by=by)
    record.save()
    _bump(locked, by, reason)
    stale.mark_dirty(programme_ids=[locked.programme_id], project_ids=[record.project_id])


@transaction.atomic
def receipt_record(
    *,
    commitment: Commitment,
    by: User,
    amount: object,
    received_on: dt.date | None,
    project: Project | None = None,
    over_reason: str = "",
    note: str = "",
    version: int | None = None,
) -> Receipt:
    """Record money that has arrived (到位) on a line of an approved commitment.

    More than the line was committed for (the allocation, or the commitment itself) is refused
    unless a reason is given: late interest, a top-up agreed after approval.
    """
    require(
        can_write_line(by, commitment, project or commitment.project),
        _("You may not record money for this line."),
    )
    locked = _lock(commitment, version)
    if locked.status != Commitment.Status.APPROVED:
        raise ValidationError(
            _("Money is received only on an approved commitment; ask the district to approve it.")
        )
    line_project = _line_project(locked, project)
    errors: dict[str, list[str]] = {}
    value = _amount_and_date(errors, amount, received_on, field="received_on")
    over_reason = (over_reason or "").strip()
    if value is not None:
        line_received = _sum(Receipt.objects.filter(commitment=locked, project=line_project))
        total_received = _sum(Receipt.objects.filter(commitment=locked))
        cap = _line_cap(locked, line_project)
        over_line = line_received + value > cap
        over_total = total_received + value > locked.amount
        if (over_line or over_total) and not over_reason:
            errors.setdefault("amount", []).append(
                _(
                    "%(value)s yuan would bring the received total to %(total)s yuan, above the "
                    "%(cap)s yuan committed: give a reason for receiving more."
                )
                % {
                    "value": value,
                    "total": (line_received if over_line else total_received) + value,
                    "cap": cap if over_line else locked.amount,
                }
            )
    if errors:
        raise ValidationError(errors)
    receipt = Receipt(
        commitment=locked,
        project=line_project,
        amount=checked(value),
        received_on=checked(received_on),
        over_reason=over_reason,
        note=(note or "").strip(),
    )
    _book(receipt, locked, by, "receipt")
    return receipt


@transaction.atomic
def expenditure_record(
    *,
    commitment: Commitment,
    by: User,
    amount: object,
    spent_on: dt.date | None,
    project: Project | None = None,
    work_item: WorkItem | None = None,
    payee: str = "",
    note: str = "",
    version: int | None = None,
) -> Expenditure:
    """Record spending on a line; never more than has been received on that line."""
    require(
        can_write_line(by, commitment, project or commitment.project),
        _("You may not record spending for this line."),
    )
    locked = _lock(commitment, version)
    line_project = _line_project(locked, project)
    errors: dict[str, list[str]] = {}
    value = _amount_and_date(errors, amount, spent_on, field="spent_on")
    if work_item is not None and (line_project is None or work_item.project_id != line_project.pk):
        errors.setdefault("work_item", []).append(_("The work item belongs to another project."))
    if value is not None:
        received = _sum(Receipt.objects.filter(commitment=locked, project=line_project))
        spent = _sum(Expenditure.objects.filter(commitment=locked, project=line_project))
        if spent + value > received:
            errors.setdefault("amount", []).append(
                _(
                    "Only %(available)s yuan of the %(received)s yuan received is still unspent; "
                    "%(value)s yuan cannot be spent."
                )
                % {"available": received - spent, "received": received, "value": value}
            )
    if errors:
        raise ValidationError(errors)
    expenditure = Expenditure(
        commitment=locked,
        project=line_project,
        amount=checked(value),
        spent_on=checked(spent_on),
        work_item=work_item,
        payee=(payee or "").strip()[:160],
        note=(note or "").strip(),
    )
    _book(expenditure, locked, by, "expenditure")
    return expenditure

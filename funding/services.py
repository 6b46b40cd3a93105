"""Writes that move money: commitments, approval, allocations, receipts and expenditures.

Every service checks the caller's role and scope, validates, writes in one transaction, records
who and when (audit fields and history) and raises `ValidationError` with a translatable message,
or `ConflictError` when the form was opened on an older version of the commitment. Nothing is
written when a service refuses.

A commitment's `version` changes with every write that touches its money (approval, allocation,
receipt, expenditure): two people booking the same arrival of money at once is exactly the
double-counting these records must prevent, so the second is told and nothing is saved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from programmes.models import Batch, Programme, Project, WorkItem
from renovation.access import (
    can_approve_in_district,
    can_manage_programme_money,
    can_write_line,
    can_write_project_money,
    require,
)
from renovation.audit import stamp
from renovation.errors import ConflictError
from renovation.validation import checked, date_range_errors, plain_decimal

from . import kinds, pool, stale
from .models import (
    SUBTYPE_KIND,
    ZERO,
    Allocation,
    Commitment,
    ContributionRule,
    Expenditure,
    FundingSource,
    Kind,
    Receipt,
    SubType,
)

if TYPE_CHECKING:
    from renovation.models import User

T = TypeVar("T")

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("1e14")  # max_digits=16 with two decimal places


# --- Input checks --------------------------------------------------------------------------


def parse_amount(raw: object, *, field: str = "amount", allow_zero: bool = False) -> Decimal:
    """A yuan amount: a finite number, not negative, with at most two decimal places."""
    if isinstance(raw, float):
        raise ValidationError({field: _("Amounts are exact: pass a decimal, not a float.")})
    try:
        # ASCII digits and one decimal point; commas are accepted as thousands separators.
        value = raw if isinstance(raw, Decimal) else plain_decimal(str(raw).replace(",", ""))
    except ValidationError:
        raise ValidationError({field: _("Enter an amount in yuan.")}) from None
    if not value.is_finite():
        raise ValidationError({field: _("Enter an amount in yuan.")})
    if value < 0:
        raise ValidationError({field: _("The amount cannot be negative.")})
    if value == 0 and not allow_zero:
        raise ValidationError({field: _("The amount must be more than zero.")})
    if value != value.quantize(CENT) or value >= MAX_AMOUNT:
        raise ValidationError(
            {field: _("Enter an amount in yuan with at most two decimal places.")}
        )
    return value.quantize(CENT)


def check_not_future(day: dt.date | None, *, field: str) -> dt.date:
    if day is None:
        raise ValidationError({field: _("Enter the date.")})
    if day > timezone.localdate():
        raise ValidationError({field: _("The date cannot be in the future.")})
    errors: dict[str, list[str]] = {}
    date_range_errors(errors, field, day)  # from 1990: a year-1 date would not read back
    if errors:
        raise ValidationError(errors)
    return day


def _collect(errors: dict[str, list[str]], check: Callable[[], T]) -> T | None:
    """What `check` returns, or None with its field errors added to `errors`."""
    try:
        return check()
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            errors.setdefault(name, []).extend(messages)
        return None


def _check_kind(kind: str | None, sub_type: str) -> str:
    """The kind a sub-type belongs to; a sub-type booked under another kind is refused."""
    if sub_type not in SubType.values:
        raise ValidationError({"sub_type": _("Choose a sub-type.")})
    expected = SUBTYPE_KIND[sub_type]
    if kind is not None and kind not in Kind.values:
        raise ValidationError({"kind": _("Choose a kind of funding.")})
    if expected is None:  # "other" goes under any kind, which must then be named
        if kind is None:
            raise ValidationError({"kind": _("Choose the kind of this “other” funding.")})
        return kind
    if kind is not None and kind != expected:
        raise ValidationError(
            {
                "sub_type": _(
                    "“%(sub_type)s” is %(expected)s money and cannot be booked as %(kind)s."
                )
                % {
                    "sub_type": SubType(sub_type).label,
                    "expected": Kind(expected).label,
                    "kind": Kind(kind).label,
                }
            }
        )
    return expected


def _lock(commitment: Commitment, version: int | None) -> Commitment:
    locked = (
        Commitment.objects.select_for_update().select_related("programme").get(pk=commitment.pk)
    )
    if version is not None and locked.version != version:
        raise ConflictError()
    if locked.is_reversal or Commitment.objects.filter(reverses=locked).exists():
        # A reversed commitment and its counter-entry are closed (funding/corrections.py).
        raise ValidationError(
            _(
                "This commitment has been reversed (冲销): nothing more is booked on it. Plan "
                "the money again if it is still due."
            )
        )
    return locked


def _bump(commitment: Commitment, by: User, reason: str) -> None:
    commitment.version += 1
    stamp(commitment, by=by, reason=reason)
    commitment.save()


def _sum(queryset) -> Decimal:
    return queryset.aggregate(total=Sum("amount"))["total"] or ZERO


# --- Sources and commitments ---------------------------------------------------------------


def funding_source_ensure(
    *,
    district_id: int,
    kind: str | None,
    sub_type: str,
    funder: str,
    by: User,
    combines: str = "",
) -> FundingSource:
    """The district's source for this funder, kind and sub-type (created on first use);
    `combines` is a combined line's checked list of sub-types (kinds.check_combines)."""
    kind = _check_kind(kind, sub_type)
    funder = " ".join((funder or "").split())
    if not funder:
        raise ValidationError({"funder": _("Name the funder.")})
    if len(funder) > 160:
        raise ValidationError({"funder": _("The funder's name is too long.")})
    source = FundingSource.objects.filter(
        district_id=district_id, kind=kind, sub_type=sub_type, combines=combines, funder=funder
    ).first()
    if source is None:
        source = FundingSource(
            district_id=district_id,
            kind=kind,
            sub_type=sub_type,
            combines=combines,
            funder=funder,
        )
        stamp(source, by=by)
        source.save()
    return source


@transaction.atomic
def commitment_create(
    *,
    by: User,
    sub_type: str,
    funder: str,
    amount: object,
    kind: str | None = None,
    project: Project | None = None,
    programme: Programme | None = None,
    year: int | None = None,
    batch: Batch | None = None,
    rule: ContributionRule | None = None,
    reference: str = "",
    note: str = "",
    mode: str = Commitment.Mode.CASH,
    works: str = "",
    combines: Sequence[str] = (),
) -> Commitment:
    """Plan money from a source for a project, or for a whole programme (project omitted).

    In kind (`mode`: goods, works built or done free of charge) the amount is the estimated
    value, zero while it is not assessed, and `works` describes the contribution. A line
    published as combining sub-types takes the sub-type "combined" and names them in
    `combines`; it is split when the split is known (funding/lines.py)."""
    if project is not None:
        programme = project.programme
        require(
            can_write_project_money(by, project),
            _("Only the street office in charge or the district plans this project's money."),
        )
        year = year or project.year
        batch = project.batch
    elif programme is not None:
        require(
            can_manage_programme_money(by, programme),
            _("Programme-level money is planned by the district's officials."),
        )
    else:
        raise ValidationError(_("Say which project or programme the money is for."))

    errors: dict[str, list[str]] = {}
    contribution = _collect(errors, lambda: kinds.check_contribution(mode, works))
    in_kind = (mode or Commitment.Mode.CASH) != Commitment.Mode.CASH
    value = _collect(errors, lambda: parse_amount(amount, allow_zero=in_kind))
    source_kind = _collect(errors, lambda: _check_kind(kind, sub_type))
    combined = _collect(errors, lambda: kinds.check_combines(kind, sub_type, combines))
    # Money is budgeted a year ahead at the earliest, and some arrives after completion
    # (青羊 applied for municipal funds once projects were finished).
    first, last = programme.start_year - 1, programme.end_year + 3
    if year is None or not (first <= year <= last):
        errors.setdefault("year", []).append(
            _("Enter a budget year between %(first)s and %(last)s for this programme.")
            % {"first": first, "last": last}
        )
    if batch is not None and batch.programme_id != programme.pk:
        errors.setdefault("batch", []).append(_("The batch belongs to another programme."))
    if rule is not None:
        if rule.programme_id != programme.pk:
            errors.setdefault("rule", []).append(_("The rule belongs to another programme."))
        elif project is None:
            errors.setdefault("rule", []).append(
                _("Resident contributions are collected per project: choose the project.")
            )
        elif rule.sub_type != sub_type:
            errors.setdefault("rule", []).append(
                _("The rule “%(rule)s” collects %(sub_type)s, not this sub-type.")
                % {"rule": rule.name, "sub_type": rule.get_sub_type_display()}
            )
    if errors:
        raise ValidationError(errors)

    source = funding_source_ensure(
        district_id=programme.district_id,
        kind=checked(source_kind),
        sub_type=sub_type,
        funder=funder,
        by=by,
        combines=checked(combined),
    )
    mode, works = checked(contribution)
    commitment = Commitment(
        source=source,
        programme=programme,
        project=project,
        batch=batch,
        year=checked(year),
        amount=checked(value),
        rule=rule,
        reference=(reference or "").strip()[:160],
        note=(note or "").strip(),
        mode=mode,
        works=works,
    )
    stamp(commitment, by=by)
    commitment.save()
    stale.mark_dirty(commitment_ids=[commitment.pk])
    return commitment


@transaction.atomic
def commitment_approve(
    *, commitment: Commitment, by: User, version: int | None = None
) -> Commitment:
    """The district approves (or records the pledge of) planned money."""
    require(
        can_approve_in_district(by, commitment.programme.district_id),
        _("Funding commitments are approved by the district's officials."),
    )
    locked = _lock(commitment, version)
    if locked.status == Commitment.Status.APPROVED:
        raise ValidationError(_("This commitment is already approved."))
    locked.status = Commitment.Status.APPROVED
    locked.approved_by = by
    locked.approved_at = timezone.now()
    _bump(locked, by, "approved")
    stale.mark_dirty(commitment_ids=[locked.pk])
    return locked


# --- Allocation of programme-level money ---------------------------------------------------


@transaction.atomic
def allocation_set(
    *,
    commitment: Commitment,
    project: Project,
    amount: object,
    by: User,
    version: int | None = None,
) -> Allocation:
    """Earmark part of a programme-level commitment for one project (or change that part).

    Money the pool received and has not spent is attributed to the project first when the
    allocation grows (funding/pool.py); the rest must still be due on the commitment. In all,
    no more is allocated than was committed or, if more arrived, than was received."""
    require(
        can_manage_programme_money(by, commitment.programme),
        _("Programme-level money is allocated by the district's officials."),
    )
    locked = _lock(commitment, version)
    if not locked.is_programme_level:
        raise ValidationError(_("Only programme-level money is allocated to projects."))
    value = parse_amount(amount, allow_zero=True)
    if project.programme_id != locked.programme_id:
        raise ValidationError({"project": _("The project belongs to another programme.")})
    existing = Allocation.objects.filter(commitment=locked, project=project).first()
    others = _sum(Allocation.objects.filter(commitment=locked).exclude(project=project))
    where = pool.position(locked)
    cap = max(locked.amount, where.received)
    if others + value > cap:
        raise ValidationError(
            {
                "amount": _(
                    "Only %(free)s yuan of this commitment is not yet allocated; %(value)s "
                    "is too much."
                )
                % {"free": cap - others, "value": value}
            }
        )
    _attribute_from_pool(locked, project, existing, value, where, by)
    received = _sum(Receipt.objects.filter(commitment=locked, project=project))
    if value < received:
        raise ValidationError(
            {
                "amount": _(
                    "%(received)s yuan has already been received for this project; the "
                    "allocation cannot be smaller."
                )
                % {"received": received}
            }
        )
    if existing is None:
        allocation = Allocation(commitment=locked, project=project, amount=value)
    else:
        allocation = existing
        allocation.amount = value
        allocation.version += 1
    stamp(allocation, by=by)
    allocation.save()
    _bump(locked, by, "allocation")
    stale.mark_dirty(commitment_ids=[locked.pk])
    return allocation


def _attribute_from_pool(
    commitment: Commitment,
    project: Project,
    existing: Allocation | None,
    value: Decimal,
    where: pool.PoolPosition,
    by: User,
) -> Decimal:
    """On a larger allocation: move pool money to the project's line, and refuse what neither
    the pool holds nor the commitment has still to receive. Returns what was moved."""
    growth = value - (existing.amount if existing else ZERO)
    if growth <= 0:
        return ZERO
    received = _sum(Receipt.objects.filter(commitment=commitment, project=project))
    open_before = max((existing.amount if existing else ZERO) - received, ZERO)
    moved = min(growth, max(value - received, ZERO), where.pool_available)
    new_outstanding = where.outstanding - open_before + max(value - received - moved, ZERO)
    if new_outstanding > where.still_due:
        raise ValidationError(
            {
                "amount": _(
                    "The pool holds %(pool)s yuan not yet spent or attributed, and %(due)s "
                    "yuan of this commitment is still to arrive, %(earmarked)s of it already "
                    "allocated to projects: %(value)s yuan cannot be allocated to this project."
                )
                % {
                    "pool": where.pool_available,
                    "due": where.still_due,
                    "earmarked": where.outstanding - open_before,
                    "value": value,
                }
            }
        )
    if moved > 0:
        pool.move_pool_receipts(commitment, project, moved, by)
    return moved


# --- Receipts and expenditures -------------------------------------------------------------


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
    value = None
    try:
        value = parse_amount(amount)
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        check_not_future(received_on, field="received_on")
    except ValidationError as error:
        errors.update(error.message_dict)
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
    stamp(receipt, by=by)
    receipt.save()
    _bump(locked, by, "receipt")
    stale.mark_dirty(programme_ids=[locked.programme_id], project_ids=[receipt.project_id])
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
    value = None
    try:
        value = parse_amount(amount)
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        check_not_future(spent_on, field="spent_on")
    except ValidationError as error:
        errors.update(error.message_dict)
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
    stamp(expenditure, by=by)
    expenditure.save()
    _bump(locked, by, "expenditure")
    stale.mark_dirty(programme_ids=[locked.programme_id], project_ids=[expenditure.project_id])
    return expenditure

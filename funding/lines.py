"""Lines as published: a commitment that combines sub-types ("中央和省级补助 3,200万元") is booked
as one line (sub-type "combined", `FundingSource.combines` naming what it holds) and split into
its sub-types when the split becomes known.

The split is a correction without deletes (see funding/corrections.py): the combined line is
reversed, with everything booked on it, and each part is a new commitment of one sub-type with
`split_from` pointing back to it; the money already allocated, received and spent is re-booked on
the parts (`moved_from` on each re-booked record), with the same dates, payees and notes. Every
sum stays net and the history shows the line before and after, with who split it and why.

Money follows the parts in the order given, unless a receipt or expenditure is attributed to a
part: each allocation fills the first part up to its amount, then the next; on each line (a
project, or the programme's pool) receipts in date order fill the parts up to what each part
may receive there (its allocation, or its amount), and expenditures up to what each part
received. A record that straddles two parts is re-booked as two. Allocations can be changed
afterwards (allocation_set), and a receipt re-booked on the wrong part reversed and booked again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from renovation.access import can_split, require
from renovation.audit import stamp

from . import corrections, entries, services, stale
from .models import ZERO, Allocation, Commitment, Expenditure, Receipt, SubType

if TYPE_CHECKING:
    from renovation.models import User


@dataclass(frozen=True)
class SplitPart:
    """One sub-type of a combined line: its amount and funder (the line's funder if empty)."""

    sub_type: str
    amount: Decimal
    funder: str = ""


def is_splittable(commitment: Commitment) -> bool:
    return commitment.source.sub_type == SubType.COMBINED and not commitment.is_reversal


def _check_parts(
    commitment: Commitment, parts: Sequence[SplitPart]
) -> list[tuple[str, Decimal, str]]:
    """(sub_type, amount, funder) per part: sub-types the line combines, amounts adding up to
    the line exactly."""
    allowed = commitment.source.combined_sub_types
    errors: dict[str, list[str]] = {}
    checked: list[tuple[str, Decimal, str]] = []
    if not parts:
        raise ValidationError({"parts": _("Give the amount of each sub-type.")})
    seen: set[tuple[str, str]] = set()
    for index, part in enumerate(parts):
        field = f"parts.{index}"
        if part.sub_type not in allowed:
            errors.setdefault(f"{field}.sub_type", []).append(
                _("This line combines %(allowed)s only.")
                % {"allowed": commitment.source.sub_type_label}
            )
            continue
        try:
            amount = services.parse_amount(
                part.amount, field=f"{field}.amount", allow_zero=commitment.in_kind
            )
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                errors.setdefault(name, []).extend(messages)
            continue
        funder = " ".join((part.funder or commitment.source.funder).split())
        if len(funder) > 160:
            errors.setdefault(f"{field}.funder", []).append(_("The funder's name is too long."))
            continue
        if (part.sub_type, funder) in seen:
            errors.setdefault(f"{field}.sub_type", []).append(
                _("This sub-type and funder are given twice.")
            )
            continue
        seen.add((part.sub_type, funder))
        checked.append((part.sub_type, amount, funder))
    if errors:
        raise ValidationError(errors)
    total = sum((amount for _sub_type, amount, _funder in checked), ZERO)
    if total != commitment.amount:
        raise ValidationError(
            {
                "parts": _(
                    "The parts add up to %(total)s yuan; the published line is %(amount)s yuan. "
                    "They must be equal."
                )
                % {"total": total, "amount": commitment.amount}
            }
        )
    return checked


class _Filler:
    """Hands out amounts to the parts in order, each up to its capacity; what is left over
    (money received above what was committed, booked with a reason) goes to the last part."""

    def __init__(self, capacities: list[Decimal]) -> None:
        self.room = list(capacities)

    def take(self, amount: Decimal, part: int | None = None) -> list[tuple[int, Decimal]]:
        if part is not None:
            self.room[part] -= amount
            return [(part, amount)]
        pieces: list[tuple[int, Decimal]] = []
        left = amount
        for index, room in enumerate(self.room):
            if left <= 0:
                break
            piece = min(left, room)
            if piece > 0:
                pieces.append((index, piece))
                self.room[index] -= piece
                left -= piece
        if left > 0:
            last = len(self.room) - 1
            pieces.append((last, left))
            self.room[last] -= left
        return pieces


def _part_index(attribute: Mapping[int, int], record_id: int, count: int, field: str) -> int | None:
    if record_id not in attribute:
        return None
    index = attribute[record_id]
    if not 0 <= index < count:
        raise ValidationError({field: _("Attribute each record to one of the parts given.")})
    return index


@dataclass
class _Plan:
    """Where the combined line's money goes: part index per allocation piece and per re-booked
    piece of each receipt and expenditure, and what each part received per line."""

    count: int
    allocated: dict[tuple[int, int], Decimal] = field(default_factory=dict)
    rebooked: list[tuple[int, Receipt | Expenditure, Decimal]] = field(default_factory=list)
    receipt_fills: dict[int | None, _Filler] = field(default_factory=dict)
    received: dict[int | None, list[Decimal]] = field(default_factory=dict)

    def line_received(self, line: int | None) -> list[Decimal]:
        return self.received.setdefault(line, [ZERO] * self.count)


def _plan_allocations(plan: _Plan, commitment: Commitment, amounts: list[Decimal]) -> None:
    fill = _Filler(list(amounts))
    for allocation in Allocation.objects.filter(commitment=commitment).order_by("id"):
        for index, piece in fill.take(allocation.amount):
            plan.allocated[(index, allocation.project_id)] = piece


def _receipt_capacity(
    plan: _Plan, commitment: Commitment, amounts: list[Decimal], line: int | None
) -> list[Decimal]:
    """What each part may receive on a line: its allocation to the project, its amount on a
    project-level line, and on the pool what its project lines left of its amount."""
    if line is None:
        return [
            amounts[i]
            - sum((got[i] for key, got in plan.received.items() if key is not None), ZERO)
            for i in range(plan.count)
        ]
    if commitment.is_programme_level:
        return [plan.allocated.get((i, line), ZERO) for i in range(plan.count)]
    return list(amounts)


def _plan_receipts(
    plan: _Plan,
    commitment: Commitment,
    amounts: list[Decimal],
    sub_types: list[str],
    receipts: list[Receipt],
    attribute: Mapping[int, int],
) -> None:
    # Project lines first: the pool takes what they left of each part.
    for receipt in sorted(receipts, key=lambda r: r.project_id is None):
        line = receipt.project_id
        if line not in plan.receipt_fills:
            capacity = _receipt_capacity(plan, commitment, amounts, line)
            plan.receipt_fills[line] = _Filler(capacity)
        index = _part_index(attribute, receipt.pk, plan.count, "receipts")
        for part, piece in plan.receipt_fills[line].take(receipt.amount, index):
            plan.line_received(line)[part] += piece
            plan.rebooked.append((part, receipt, piece))
    for fill in plan.receipt_fills.values():
        overfilled = [i for i, room in enumerate(fill.room) if room < 0]
        if overfilled and any(room > 0 for room in fill.room):
            raise ValidationError(
                {
                    "receipts": _(
                        "As attributed, %(sub_type)s would receive more on one line than it may "
                        "while another part still has room there. Attribute the receipts "
                        "differently."
                    )
                    % {"sub_type": SubType(sub_types[overfilled[0]]).label}
                }
            )


def _plan_expenditures(
    plan: _Plan,
    sub_types: list[str],
    expenditures: list[Expenditure],
    attribute: Mapping[int, int],
) -> None:
    fills: dict[int | None, _Filler] = {}
    spent: dict[int | None, list[Decimal]] = {}
    for expenditure in expenditures:
        line = expenditure.project_id
        if line not in fills:
            fills[line] = _Filler(list(plan.line_received(line)))
            spent[line] = [ZERO] * plan.count
        index = _part_index(attribute, expenditure.pk, plan.count, "expenditures")
        for part, piece in fills[line].take(expenditure.amount, index):
            spent[line][part] += piece
            plan.rebooked.append((part, expenditure, piece))
    for line, amounts in spent.items():
        for part, amount in enumerate(amounts):
            if amount > plan.line_received(line)[part]:
                raise ValidationError(
                    {
                        "expenditures": _(
                            "As attributed, %(sub_type)s would have spent %(spent)s yuan of "
                            "%(received)s yuan received on one line. Attribute the spending "
                            "with its receipts."
                        )
                        % {
                            "sub_type": SubType(sub_types[part]).label,
                            "spent": amount,
                            "received": plan.line_received(line)[part],
                        }
                    }
                )


@transaction.atomic
def commitment_split(
    *,
    commitment: Commitment,
    by: User,
    parts: Sequence[SplitPart],
    reason: str,
    version: int | None = None,
    receipts: Mapping[int, int] | None = None,
    expenditures: Mapping[int, int] | None = None,
) -> list[Commitment]:
    """Split a combined line into its sub-types (see the module docstring). `receipts` and
    `expenditures` attribute records (by id) to parts (by index) instead of following them in
    order. Returns the parts, in the order given."""
    require(can_split(by, commitment), _("Published lines are split by the district's officials."))
    reason = corrections.clean_reason(reason)
    locked = services._lock(commitment, version)
    locked = Commitment.objects.select_related("source", "programme", "rule").get(pk=locked.pk)
    if not is_splittable(locked):
        raise ValidationError(_("Only a combined line is split into its sub-types."))
    checked = _check_parts(locked, parts)
    sub_types = [sub_type for sub_type, _amount, _funder in checked]
    amounts = [amount for _sub_type, amount, _funder in checked]
    open_receipts, open_expenditures = entries.open_records(locked)
    receipts, expenditures = receipts or {}, expenditures or {}
    if set(receipts) - {r.pk for r in open_receipts} or set(expenditures) - {
        e.pk for e in open_expenditures
    }:
        raise ValidationError(
            {"receipts": _("Attribute only receipts and expenditures of this line.")}
        )
    plan = _Plan(count=len(checked))
    _plan_allocations(plan, locked, amounts)
    _plan_receipts(plan, locked, amounts, sub_types, open_receipts, receipts)
    _plan_expenditures(plan, sub_types, open_expenditures, expenditures)

    projects = corrections.close_records(locked, by, reason)
    corrections.counter_commitment(locked, by, reason)
    created = [_part(locked, by, reason, *part) for part in checked]
    for (index, project_id), amount in sorted(plan.allocated.items(), key=lambda item: item[0]):
        allocation = Allocation(
            commitment=created[index],
            project_id=project_id,
            amount=amount,
        )
        stamp(allocation, by=by, reason=reason)
        allocation.save()
    for index, record, amount in plan.rebooked:
        # A part left above what it may receive on a line holds money received above the
        # commitment before the split: it keeps the receipt's reason, or gets the split's.
        fill = plan.receipt_fills.get(record.project_id)
        over = fill is not None and fill.room[index] < 0
        entries.rebook(
            record,
            commitment=created[index],
            project_id=record.project_id,
            amount=amount,
            by=by,
            reason=_("Split: %(reason)s") % {"reason": reason},
            over_reason=reason if over else "",
        )
    services._bump(locked, by, "split")
    stale.mark_dirty(
        commitment_ids=[locked.pk, *(part.pk for part in created)],
        programme_ids=[locked.programme_id],
        project_ids=projects,
    )
    return created


def _part(
    line: Commitment, by: User, reason: str, sub_type: str, amount: Decimal, funder: str
) -> Commitment:
    """One part of a split line: the line's programme, project, year, status and approval."""
    source = services.funding_source_ensure(
        district_id=line.programme.district_id,
        kind=line.source.kind,
        sub_type=sub_type,
        funder=funder,
        by=by,
    )
    part = Commitment(
        source=source,
        programme_id=line.programme_id,
        project_id=line.project_id,
        batch_id=line.batch_id,
        year=line.year,
        amount=amount,
        rule_id=line.rule_id if line.rule and line.rule.sub_type == sub_type else None,
        reference=line.reference,
        note=line.note,
        status=line.status,
        approved_by_id=line.approved_by_id,
        approved_at=line.approved_at,
        mode=line.mode,
        works=line.works,
        split_from=line,
    )
    stamp(part, by=by, reason=_("Split: %(reason)s") % {"reason": reason})
    part.save()
    return part

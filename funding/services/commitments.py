"""Funding sources and commitments: planning money and approving it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from programmes.models import Batch, Programme, Project
from renovation.access import (
    can_approve_in_district,
    can_manage_programme_money,
    can_write_project_money,
    require,
)
from renovation.audit import stamp
from renovation.validation import checked

from .. import kinds, stale
from ..models import Commitment, ContributionRule, FundingSource
from ._common import _bump, _check_kind, _collect, _lock, parse_amount

if TYPE_CHECKING:
    from renovation.models import User


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

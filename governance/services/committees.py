"""Committees and their members."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils.translation import gettext as _

from programmes import stale
from programmes.models import Compound
from renovation.access import can_file_street_records, require
from renovation.audit import stamp
from renovation.validation import (
    PLAN_YEARS_AHEAD,
    checked,
    date_range_errors,
    is_visibly_empty,
)

from ..models import (
    CommitteeMember,
    ResidentCommittee,
)

if TYPE_CHECKING:
    from renovation.models import User

from ._common import _check_version, _not_in_future, _require_street, _text

# --- Committees ----------------------------------------------------------------------------


def _committee_errors(
    *, kind: str, name: str, formed_on: dt.date | None, term_ends_on: dt.date | None
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if kind not in ResidentCommittee.Kind.values:
        errors["kind"] = [_("Choose the kind of committee.")]
    if is_visibly_empty(name):  # zero-width spaces or direction marks alone look empty
        errors["name"] = [_("Name the committee.")]
    _not_in_future(errors, "formed_on", formed_on, _("The date formed"))
    date_range_errors(errors, "term_ends_on", term_ends_on, years_ahead=PLAN_YEARS_AHEAD)
    if formed_on and term_ends_on and term_ends_on < formed_on:
        errors["term_ends_on"] = [_("The term cannot end before the committee was formed.")]
    return errors


@transaction.atomic
def committee_create(
    *,
    compound: Compound,
    by: User,
    kind: str,
    name: str,
    formed_on: dt.date | None,
    term_ends_on: dt.date | None = None,
    headcount: int = 0,
    notes: str = "",
) -> ResidentCommittee:
    _require_street(by, compound)
    name = _text(name)
    errors = _committee_errors(kind=kind, name=name, formed_on=formed_on, term_ends_on=term_ends_on)
    if errors:
        raise ValidationError(errors)
    committee = ResidentCommittee(
        street_id=compound.street_id,
        compound=compound,
        area_id=compound.area_id,
        kind=kind,
        name=name[:128],
        formed_on=checked(formed_on),
        term_ends_on=term_ends_on,
        headcount=max(headcount or 0, 0),
        notes=_text(notes),
    )
    stamp(committee, by=by)
    committee.save()
    stale.mark_dirty(
        compound_ids=[committee.compound_id],
        street_ids=[committee.street_id],
        area_ids=[committee.area_id],
    )
    return committee


@transaction.atomic
def committee_update(
    *,
    committee: ResidentCommittee,
    by: User,
    version: int | None,
    kind: str,
    name: str,
    formed_on: dt.date | None,
    term_ends_on: dt.date | None = None,
    headcount: int = 0,
    notes: str = "",
) -> ResidentCommittee:
    require(
        can_file_street_records(by, committee.street_id),
        _("Only the street office in charge records governance for this compound."),
    )
    locked = ResidentCommittee.objects.select_for_update().get(pk=committee.pk)
    _check_version(locked, version)
    name = _text(name)
    errors = _committee_errors(kind=kind, name=name, formed_on=formed_on, term_ends_on=term_ends_on)
    listed = locked.members.count()
    if (headcount or 0) < listed:
        errors["headcount"] = [
            _("%(n)s members are listed by name; the total cannot be lower.") % {"n": listed}
        ]
    if errors:
        raise ValidationError(errors)
    locked.kind = kind
    locked.name = name[:128]
    locked.formed_on = checked(formed_on)
    locked.term_ends_on = term_ends_on
    locked.headcount = headcount
    locked.notes = _text(notes)
    locked.version += 1
    stamp(locked, by=by)
    locked.save()
    stale.mark_dirty(
        compound_ids=[locked.compound_id], street_ids=[locked.street_id], area_ids=[locked.area_id]
    )
    return locked


@transaction.atomic
def committee_member_add(
    *,
    committee: ResidentCommittee,
    by: User,
    name: str,
    role: str,
    building: str = "",
    unit: str = "",
    is_party_member: bool = False,
    phone: str = "",
) -> CommitteeMember:
    require(
        can_file_street_records(by, committee.street_id),
        _("Only the street office in charge records governance for this compound."),
    )
    name = _text(name)
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("Enter the member's name.")]
    if role not in CommitteeMember.Role.values:
        errors["role"] = [_("Choose the member's role.")]
    member = CommitteeMember(
        committee=committee,
        name=name[:64],
        role=role,
        building=_text(building)[:32],
        unit=_text(unit)[:32],
        is_party_member=bool(is_party_member),
        phone=_text(phone),
    )
    if member.phone:
        try:
            member.clean_fields(exclude=[f.name for f in member._meta.fields if f.name != "phone"])
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    stamp(member, by=by)
    member.save()
    # The total never falls below the members listed by name.
    listed = committee.members.count()
    ResidentCommittee.objects.filter(pk=committee.pk).update(
        headcount=Greatest(F("headcount"), listed), version=F("version") + 1
    )
    return member


@transaction.atomic
def committee_member_remove(*, member: CommitteeMember, by: User) -> None:
    committee = member.committee
    require(
        can_file_street_records(by, committee.street_id),
        _("Only the street office in charge records governance for this compound."),
    )
    stamp(member, by=by)
    member.delete()
    ResidentCommittee.objects.filter(pk=committee.pk).update(version=F("version") + 1)

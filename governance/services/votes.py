"""Owners' votes (Civil Code art. 278): creation, tallies and ballot sheets."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from programmes import stale
from programmes.models import Building, Compound, Project
from renovation.audit import stamp
from renovation.validation import checked

from .. import ballots as ballot_sheet
from ..models import (
    Ballot,
    Matter,
    OwnerVote,
    ScopeKind,
)
from ..rules import Tally, evaluate
from ..selectors import vote_rule_for

if TYPE_CHECKING:
    from renovation.models import User

from ._common import (
    CENT,
    _check_version,
    _not_in_future,
    _project_of,
    _require_street,
    _scope_fields,
    _text,
)

# --- Owners' votes -------------------------------------------------------------------------


@transaction.atomic
def owner_vote_create(
    *,
    compound: Compound,
    by: User,
    matter: str,
    title: str,
    held_on: dt.date | None,
    eligible_owners: int | None,
    eligible_area: Decimal | None,
    scope_kind: str = ScopeKind.COMPOUND,
    building: Building | None = None,
    unit: str = "",
    project: Project | None = None,
) -> OwnerVote:
    _require_street(by, compound)
    project = _project_of(compound, project)
    errors: dict[str, list[str]] = {}
    if matter not in Matter.values:
        errors["matter"] = [_("Choose the matter voted on.")]
    if not _text(title):
        errors["title"] = [_("Give the vote a title.")]
    _not_in_future(errors, "held_on", held_on, _("The vote date"))
    building, unit = _scope_fields(errors, compound, scope_kind, building, unit)
    if not eligible_owners or eligible_owners < 1:
        errors["eligible_owners"] = [_("Enter how many owners may vote (at least one).")]
    if eligible_area is None or eligible_area <= 0 or eligible_area != eligible_area.quantize(CENT):
        errors["eligible_area"] = [
            _("Enter the owners' exclusive floor area in m², above zero, two decimals at most.")
        ]
    if errors:
        raise ValidationError(errors)
    vote = OwnerVote(
        compound=compound,
        project=project,
        matter=matter,
        title=_text(title)[:160],
        held_on=checked(held_on),
        scope_kind=scope_kind,
        building=building,
        unit=unit,
        eligible_owners=checked(eligible_owners),
        eligible_area=checked(eligible_area),
    )
    stamp(vote, by=by)
    vote.save()
    return vote


def _apply_tally(vote: OwnerVote, tally: Tally) -> None:
    """Evaluate the tally under the rule set in force on the vote date; store the outcome."""
    rule_set, rule = vote_rule_for(
        city_id=vote.compound.street.district.city_id, on=vote.held_on, matter=vote.matter
    )
    outcome = evaluate(tally, rule)
    vote.participating_owners = tally.participating_owners
    vote.participating_area = tally.participating_area
    vote.agree_owners = tally.agree_owners
    vote.agree_area = tally.agree_area
    vote.rule_set = rule_set
    vote.quorum_reached = outcome.quorum_reached
    vote.passed = outcome.passed
    vote.tallied_at = timezone.now()


def _checked_tally(
    vote: OwnerVote,
    *,
    participating_owners: int | None,
    participating_area: Decimal | None,
    agree_owners: int | None,
    agree_area: Decimal | None,
    oppose_owners: int | None,
    oppose_area: Decimal | None,
) -> tuple[Tally, int, Decimal]:
    """The totals entered, with the owners and the area against, or every error raised."""
    errors: dict[str, list[str]] = {}
    heads = {
        "participating_owners": participating_owners,
        "agree_owners": agree_owners,
        "oppose_owners": oppose_owners,
    }
    areas = {
        "participating_area": participating_area,
        "agree_area": agree_area,
        "oppose_area": oppose_area,
    }
    for key, head in heads.items():
        if head is None or head < 0:
            errors[key] = [_("Enter a whole number, zero or more.")]
    for key, area in areas.items():
        if area is None or area < 0 or area != area.quantize(CENT):
            errors[key] = [_("Enter an area in m², zero or more, two decimals at most.")]
    if errors:
        raise ValidationError(errors)
    participating_owners, agree_owners = checked(participating_owners), checked(agree_owners)
    participating_area, agree_area = checked(participating_area), checked(agree_area)
    oppose_owners, oppose_area = checked(oppose_owners), checked(oppose_area)
    if participating_owners > vote.eligible_owners:
        errors["participating_owners"] = [
            _("More owners took part than the %(n)s entitled to vote.")
            % {"n": vote.eligible_owners}
        ]
    if participating_area > vote.eligible_area:
        errors["participating_area"] = [
            _("The participating area is larger than the %(area)s m² of all owners.")
            % {"area": vote.eligible_area}
        ]
    if agree_owners + oppose_owners > participating_owners:
        errors["agree_owners"] = [
            _("Owners in favour and against are more than the owners taking part.")
        ]
    if agree_area + oppose_area > participating_area:
        errors["agree_area"] = [
            _("The areas in favour and against are more than the participating area.")
        ]
    if errors:
        raise ValidationError(errors)
    tally = Tally(
        eligible_owners=vote.eligible_owners,
        eligible_area=vote.eligible_area,
        participating_owners=participating_owners,
        participating_area=participating_area,
        agree_owners=agree_owners,
        agree_area=agree_area,
    )
    return tally, oppose_owners, oppose_area


@transaction.atomic
def owner_vote_tally(
    *,
    vote: OwnerVote,
    by: User,
    version: int | None,
    participating_owners: int | None,
    participating_area: Decimal | None,
    agree_owners: int | None,
    agree_area: Decimal | None,
    oppose_owners: int | None = 0,
    oppose_area: Decimal | None = Decimal("0"),
) -> OwnerVote:
    """Enter the tally as totals (the count sheet of the vote); any imported ballots are
    discarded, since the totals now speak for the vote."""
    _require_street(by, vote.compound)
    locked = (
        OwnerVote.objects.select_for_update()
        .select_related("compound__street__district")
        .get(pk=vote.pk)
    )
    _check_version(locked, version)
    tally, oppose_owners, oppose_area = _checked_tally(
        locked,
        participating_owners=participating_owners,
        participating_area=participating_area,
        agree_owners=agree_owners,
        agree_area=agree_area,
        oppose_owners=oppose_owners,
        oppose_area=oppose_area,
    )
    locked.ballots.all().delete()
    _apply_tally(locked, tally)
    locked.oppose_owners = oppose_owners
    locked.oppose_area = oppose_area
    locked.tally_method = OwnerVote.TallyMethod.TOTALS
    locked.version += 1
    stamp(locked, by=by, reason=_("Tally entered as totals"))
    locked.save()
    stale.mark_dirty(compound_ids=[locked.compound_id])
    return locked


@transaction.atomic
def owner_vote_import_ballots(
    *, vote: OwnerVote, by: User, upload: UploadedFile, dry_run: bool, version: int | None = None
) -> ballot_sheet.BallotSheet:
    """Read a ballot sheet (CSV or XLSX). A dry run only validates and previews the result;
    otherwise, if every row is valid, the ballots replace the vote's earlier ones and the tally
    is recomputed from them. One bad row and nothing is written."""
    _require_street(by, vote.compound)
    locked = (
        OwnerVote.objects.select_for_update()
        .select_related("compound__street__district")
        .get(pk=vote.pk)
    )
    _check_version(locked, version)
    sheet = ballot_sheet.read(upload)
    if not sheet.errors:
        sheet.check_against(
            eligible_owners=locked.eligible_owners, eligible_area=locked.eligible_area
        )
    if sheet.errors:
        if not dry_run:
            raise ValidationError({"sheet": sheet.error_messages()})
        return sheet
    _rule_set, rule = vote_rule_for(
        city_id=locked.compound.street.district.city_id, on=locked.held_on, matter=locked.matter
    )
    tally = sheet.tally(eligible_owners=locked.eligible_owners, eligible_area=locked.eligible_area)
    sheet.outcome = evaluate(tally, rule)
    if dry_run:
        return sheet
    locked.ballots.all().delete()
    Ballot.objects.bulk_create(
        Ballot(vote=locked, room=row.room, owner=row.owner, area=row.area, choice=row.choice)
        for row in sheet.rows
    )
    _apply_tally(locked, tally)
    locked.oppose_owners = sheet.owners_choosing(Ballot.Choice.OPPOSE)
    locked.oppose_area = sheet.area_choosing(Ballot.Choice.OPPOSE)
    locked.tally_method = OwnerVote.TallyMethod.BALLOTS
    locked.version += 1
    stamp(
        locked,
        by=by,
        reason=_("%(n)s ballots imported from %(file)s")
        % {"n": len(sheet.rows), "file": upload.name},
    )
    locked.save()
    sheet.vote = locked
    return sheet

"""Writes of resident governance. Each service checks role and scope, validates with translatable
messages, writes in one transaction and records who and when (audit fields and history, with the
acting user named so that commands and the API leave the same trail as pages)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from programmes import stale
from programmes.models import Building, Compound, Project, Stage
from renovation.access import can_approve_in_district, can_file_street_records, require
from renovation.errors import ConflictError
from renovation.uploads import check_minutes
from renovation.validation import (
    EARLIEST_DATE,
    PLAN_YEARS_AHEAD,
    date_range_errors,
    is_visibly_empty,
)

from . import ballots as ballot_sheet
from .models import (
    Ballot,
    CommitteeMember,
    Disclosure,
    FundCollection,
    LongTermManagement,
    Matter,
    Meeting,
    OpinionSurvey,
    OwnerVote,
    ResidentCommittee,
    SatisfactionSurvey,
    ScopeKind,
    Suggestion,
)
from .public_limits import public_submission_slot_take
from .rules import Tally, evaluate
from .selectors import vote_rule_for

if TYPE_CHECKING:
    from renovation.models import User

CENT = Decimal("0.01")
MINUTES_MAX_BYTES = 10 * 1024 * 1024


class RateLimitedError(Exception):
    """Too many public submissions from one address; nothing was written."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


# --- Shared checks -------------------------------------------------------------------------


def _require_street(by: User, compound: Compound) -> None:
    require(
        can_file_street_records(by, compound.street_id),
        _("Only the street office in charge records governance for this compound."),
    )


def _require_street_or_district(by: User, compound: Compound) -> None:
    street = compound.street
    require(
        can_file_street_records(by, street.pk) or can_approve_in_district(by, street.district_id),
        _("Only the street office in charge or the district may do this."),
    )


def _stamp(record: Any, by: User, *, reason: str = "") -> None:
    """Audit fields and the history user, set before every save."""
    if record.pk is None:
        record.created_by = by
    record.updated_by = by
    record._history_user = by
    if reason:
        record._change_reason = reason[:100]


def _check_version(locked: Any, version: int | None) -> None:
    if version is not None and locked.version != version:
        raise ConflictError()


def _not_in_future(errors: dict, key: str, day: dt.date | None, label: str) -> None:
    if day is None:
        errors.setdefault(key, []).append(_("Enter the date."))
    elif day < EARLIEST_DATE:
        date_range_errors(errors, key, day)
    elif day > timezone.localdate():
        errors.setdefault(key, []).append(
            _("%(label)s cannot be in the future.") % {"label": label}
        )


def _text(value: str | None) -> str:
    return (value or "").strip()


def _project_of(compound: Compound, project: Project | None) -> Project | None:
    if project is not None and project.compound_id != compound.pk:
        raise ValidationError({"project": _("The project belongs to another compound.")})
    return project


def _scope_fields(
    errors: dict, compound: Compound, scope_kind: str, building: Building | None, unit: str
) -> tuple[Building | None, str]:
    """Validate a survey's or vote's scope; returns the building and unit to store."""
    unit = _text(unit)
    if scope_kind not in ScopeKind.values:
        errors.setdefault("scope_kind", []).append(_("Choose what the vote covers."))
        return None, ""
    if scope_kind == ScopeKind.COMPOUND:
        return None, ""
    if building is None:
        errors.setdefault("building", []).append(_("Choose the building."))
    elif building.compound_id != compound.pk:
        errors.setdefault("building", []).append(_("The building belongs to another compound."))
    if scope_kind == ScopeKind.UNIT and not unit:
        errors.setdefault("unit", []).append(_("Name the building unit (for example 2单元)."))
    return building, unit if scope_kind == ScopeKind.UNIT else ""


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
        formed_on=formed_on,
        term_ends_on=term_ends_on,
        headcount=max(headcount or 0, 0),
        notes=_text(notes),
    )
    _stamp(committee, by)
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
    locked.formed_on = formed_on
    locked.term_ends_on = term_ends_on
    locked.headcount = headcount
    locked.notes = _text(notes)
    locked.version += 1
    _stamp(locked, by)
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
    _stamp(member, by)
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
    member._history_user = by
    member.delete()
    ResidentCommittee.objects.filter(pk=committee.pk).update(version=F("version") + 1)


# --- Meetings and surveys ------------------------------------------------------------------


def _checked_minutes(minutes: UploadedFile) -> UploadedFile:
    """The content must match the type the name claims; a photo loses its metadata."""
    try:
        return check_minutes(minutes)
    except ValidationError as error:
        raise ValidationError({"minutes": error.messages}) from None


@transaction.atomic
def meeting_minutes_attach(*, meeting: Meeting, by: User, minutes: UploadedFile) -> Meeting:
    """Attach (or replace) a meeting's minutes. The file is checked as when the page records
    the meeting: not larger than `MINUTES_MAX_BYTES` and a PDF, Word document or
    photo by its extension (`Meeting.minutes` validators). The replaced file is deleted from
    storage once the change is committed: minutes name residents, and a file no page offers
    must not linger (the history keeps the old name; downloading it is a 404)."""
    _require_street(by, meeting.compound)
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if minutes.size > MINUTES_MAX_BYTES:
        raise ValidationError(
            {
                "minutes": _("The minutes must be smaller than %(size)s MB.")
                % {"size": MINUTES_MAX_BYTES // (1024 * 1024)}
            }
        )
    replaced = locked.minutes.name if locked.minutes else ""
    locked.minutes = _checked_minutes(minutes)
    locked.full_clean(exclude=[f.name for f in Meeting._meta.fields if f.name != "minutes"])
    _stamp(locked, by, reason=_("Minutes uploaded"))
    locked.save()
    if replaced and replaced != locked.minutes.name:
        storage = locked.minutes.storage
        transaction.on_commit(lambda: storage.delete(replaced))
    return locked


@transaction.atomic
def meeting_record(
    *,
    compound: Compound,
    by: User,
    kind: str,
    held_on: dt.date | None,
    attendance: int | None,
    topics: str,
    resolutions: str = "",
    project: Project | None = None,
    minutes: UploadedFile | None = None,
) -> Meeting:
    _require_street(by, compound)
    project = _project_of(compound, project)
    errors: dict[str, list[str]] = {}
    if kind not in Meeting.Kind.values:
        errors["kind"] = [_("Choose the kind of meeting.")]
    _not_in_future(errors, "held_on", held_on, _("The meeting date"))
    if attendance is None or attendance < 0:
        errors["attendance"] = [_("Enter how many residents attended.")]
    if not _text(topics):
        errors["topics"] = [_("Say what the meeting discussed.")]
    if minutes is not None and minutes.size > MINUTES_MAX_BYTES:
        errors["minutes"] = [
            _("The minutes must be smaller than %(size)s MB.")
            % {"size": MINUTES_MAX_BYTES // (1024 * 1024)}
        ]
    if errors:
        raise ValidationError(errors)
    meeting = Meeting(
        compound=compound,
        project=project,
        kind=kind,
        held_on=held_on,
        attendance=attendance,
        topics=_text(topics),
        resolutions=_text(resolutions),
    )
    if minutes is not None:
        meeting.minutes = _checked_minutes(minutes)
        meeting.full_clean(exclude=[f.name for f in Meeting._meta.fields if f.name != "minutes"])
    _stamp(meeting, by)
    meeting.save()
    stale.mark_dirty(compound_ids=[meeting.compound_id])
    return meeting


@transaction.atomic
def opinion_survey_record(
    *,
    project: Project,
    by: User,
    held_on: dt.date | None,
    forms_issued: int,
    forms_returned: int,
    support: int,
    oppose: int = 0,
    abstain: int = 0,
    suggestions: int = 0,
    scope_kind: str = ScopeKind.COMPOUND,
    building: Building | None = None,
    unit: str = "",
    scope_label: str = "",
) -> OpinionSurvey:
    compound = project.compound
    _require_street(by, compound)
    errors: dict[str, list[str]] = {}
    _not_in_future(errors, "held_on", held_on, _("The closing date"))
    building, unit = _scope_fields(errors, compound, scope_kind, building, unit)
    numbers = {
        "forms_issued": forms_issued,
        "forms_returned": forms_returned,
        "support": support,
        "oppose": oppose,
        "abstain": abstain,
        "suggestions": suggestions,
    }
    for key, value in numbers.items():
        if value is None or value < 0:
            errors.setdefault(key, []).append(_("Enter a whole number, zero or more."))
    if not errors:
        if forms_returned > forms_issued:
            errors["forms_returned"] = [_("More forms returned than issued.")]
        if support + oppose + abstain > forms_returned:
            errors["support"] = [
                _(
                    "In favour, against and abstained add up to %(sum)s, more than the "
                    "%(returned)s forms returned."
                )
                % {"sum": support + oppose + abstain, "returned": forms_returned}
            ]
    if errors:
        raise ValidationError(errors)
    survey = OpinionSurvey(
        project=project,
        held_on=held_on,
        scope_kind=scope_kind,
        building=building,
        unit=unit,
        scope_label=_text(scope_label)[:128],
        **numbers,
    )
    _stamp(survey, by)
    survey.save()
    stale.mark_dirty(project_ids=[survey.project_id])
    return survey


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
        held_on=held_on,
        scope_kind=scope_kind,
        building=building,
        unit=unit,
        eligible_owners=eligible_owners,
        eligible_area=eligible_area,
    )
    _stamp(vote, by)
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


def _tally_errors(
    vote: OwnerVote,
    *,
    participating_owners: int | None,
    participating_area: Decimal | None,
    agree_owners: int | None,
    agree_area: Decimal | None,
    oppose_owners: int | None,
    oppose_area: Decimal | None,
) -> dict[str, list[str]]:
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
    for key, value in heads.items():
        if value is None or value < 0:
            errors[key] = [_("Enter a whole number, zero or more.")]
    for key, value in areas.items():
        if value is None or value < 0 or value != value.quantize(CENT):
            errors[key] = [_("Enter an area in m², zero or more, two decimals at most.")]
    if errors:
        return errors
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
    return errors


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
    errors = _tally_errors(
        locked,
        participating_owners=participating_owners,
        participating_area=participating_area,
        agree_owners=agree_owners,
        agree_area=agree_area,
        oppose_owners=oppose_owners,
        oppose_area=oppose_area,
    )
    if errors:
        raise ValidationError(errors)
    locked.ballots.all().delete()
    _apply_tally(
        locked,
        Tally(
            eligible_owners=locked.eligible_owners,
            eligible_area=locked.eligible_area,
            participating_owners=participating_owners,
            participating_area=participating_area,
            agree_owners=agree_owners,
            agree_area=agree_area,
        ),
    )
    locked.oppose_owners = oppose_owners
    locked.oppose_area = oppose_area
    locked.tally_method = OwnerVote.TallyMethod.TOTALS
    locked.version += 1
    _stamp(locked, by, reason=_("Tally entered as totals"))
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
    _stamp(
        locked,
        by,
        reason=_("%(n)s ballots imported from %(file)s")
        % {"n": len(sheet.rows), "file": upload.name},
    )
    locked.save()
    sheet.vote = locked
    return sheet


# --- Suggestions ---------------------------------------------------------------------------

TEXT_MIN, TEXT_MAX = 5, 2000


def _suggestion_text_errors(text: str) -> list[str]:
    if len(text) < TEXT_MIN:
        return [_("Write at least %(n)s characters.") % {"n": TEXT_MIN}]
    if len(text) > TEXT_MAX:
        return [_("Write at most %(n)s characters.") % {"n": TEXT_MAX}]
    return []


@transaction.atomic
def suggestion_record(
    *,
    compound: Compound,
    by: User,
    kind: str,
    channel: str,
    text: str,
    contact: str = "",
    received_at: dt.datetime | None = None,
    project: Project | None = None,
) -> Suggestion:
    _require_street(by, compound)
    project = _project_of(compound, project)
    text = _text(text)
    errors: dict[str, list[str]] = {}
    if kind not in Suggestion.Kind.values:
        errors["kind"] = [_("Choose the kind of suggestion.")]
    if channel not in Suggestion.Channel.values or channel == Suggestion.Channel.PUBLIC:
        errors["channel"] = [_("Choose how the suggestion was received.")]
    if problems := _suggestion_text_errors(text):
        errors["text"] = problems
    now = timezone.now()
    if received_at is not None and received_at > now:
        errors["received_at"] = [_("The time received cannot be in the future.")]
    else:
        date_range_errors(errors, "received_at", received_at)
    if errors:
        raise ValidationError(errors)
    suggestion = Suggestion(
        compound=compound,
        project=project,
        kind=kind,
        channel=channel,
        text=text,
        contact=_text(contact)[:64],
        received_at=received_at or now,
    )
    _stamp(suggestion, by)
    suggestion.save()
    stale.mark_dirty(compound_ids=[suggestion.compound_id])
    return suggestion


def public_submissions_per_hour() -> int:
    return getattr(settings, "GOVERNANCE_PUBLIC_SUBMISSIONS_PER_HOUR", 5)


@transaction.atomic
def suggestion_submit_public(
    *, disclosure: Disclosure, kind: str, text: str, contact: str = "", client: str
) -> Suggestion:
    """A resident's objection or suggestion from the public disclosure page (no login).

    Limited per client address and disclosure (the address itself is never stored), and only
    while the disclosure accepts objections. The count is kept in the database
    (governance/public_limits.py): atomic, and the form works while Redis is down."""
    today = timezone.localdate()
    if not disclosure.accepts_objections_on(today):
        raise ValidationError(
            _("Objections and suggestions were accepted until %(date)s.")
            % {"date": disclosure.objection_deadline}
        )
    text = _text(text)
    errors: dict[str, list[str]] = {}
    if kind not in (Suggestion.Kind.SUGGESTION, Suggestion.Kind.OBJECTION):
        errors["kind"] = [_("Choose objection or suggestion.")]
    if problems := _suggestion_text_errors(text):
        errors["text"] = problems
    if len(_text(contact)) > 64:
        errors["contact"] = [_("Write at most %(n)s characters.") % {"n": 64}]
    if errors:
        raise ValidationError(errors)
    limit = public_submissions_per_hour()
    if not public_submission_slot_take(disclosure_id=disclosure.pk, client=client, limit=limit):
        raise RateLimitedError(
            _(
                "You have already sent %(n)s messages about this plan in the last hour. Please "
                "try again later, or speak to your community office."
            )
            % {"n": limit}
        )
    project = disclosure.project
    suggestion = Suggestion(
        compound_id=project.compound_id,
        project=project,
        disclosure=disclosure,
        kind=kind,
        channel=Suggestion.Channel.PUBLIC,
        text=text,
        contact=_text(contact),
    )
    suggestion._history_user = None
    suggestion.save()
    stale.mark_dirty(compound_ids=[suggestion.compound_id])
    return suggestion


def _locked_suggestion(suggestion: Suggestion, by: User, version: int | None) -> Suggestion:
    _require_street_or_district(by, suggestion.compound)
    locked = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    _check_version(locked, version)
    return locked


@transaction.atomic
def suggestion_assign(
    *, suggestion: Suggestion, by: User, version: int | None, assigned_to: str
) -> Suggestion:
    locked = _locked_suggestion(suggestion, by, version)
    assigned_to = _text(assigned_to)
    if locked.status not in (Suggestion.Status.RECEIVED, Suggestion.Status.ASSIGNED):
        raise ValidationError(_("This suggestion has already been answered."))
    if not assigned_to:
        raise ValidationError({"assigned_to": _("Say who handles it.")})
    locked.assigned_to = assigned_to[:128]
    locked.assigned_at = timezone.now()
    locked.status = Suggestion.Status.ASSIGNED
    locked.version += 1
    _stamp(locked, by)
    locked.save()
    return locked


@transaction.atomic
def suggestion_answer(
    *, suggestion: Suggestion, by: User, version: int | None, answer: str
) -> Suggestion:
    locked = _locked_suggestion(suggestion, by, version)
    answer = _text(answer)
    if locked.status == Suggestion.Status.CLOSED:
        raise ValidationError(_("This suggestion is closed."))
    if not answer:
        raise ValidationError({"answer": _("Write the answer given to the resident.")})
    now = timezone.now()
    locked.answer = answer
    locked.answered_at = max(now, locked.received_at)
    locked.answered_by = by
    locked.status = Suggestion.Status.ANSWERED
    locked.version += 1
    _stamp(locked, by)
    locked.save()
    stale.mark_dirty(compound_ids=[locked.compound_id])
    return locked


@transaction.atomic
def suggestion_close(*, suggestion: Suggestion, by: User, version: int | None) -> Suggestion:
    locked = _locked_suggestion(suggestion, by, version)
    if locked.status != Suggestion.Status.ANSWERED:
        raise ValidationError(_("Answer the suggestion before closing it."))
    locked.status = Suggestion.Status.CLOSED
    locked.closed_at = timezone.now()
    locked.version += 1
    _stamp(locked, by)
    locked.save()
    stale.mark_dirty(compound_ids=[locked.compound_id])
    return locked


# --- After the works -----------------------------------------------------------------------


@transaction.atomic
def satisfaction_record(
    *,
    project: Project,
    by: User,
    held_on: dt.date | None,
    respondents: int | None,
    satisfied: int | None,
    dissatisfied: int | None = 0,
    notes: str = "",
) -> SatisfactionSurvey:
    _require_street(by, project.compound)
    errors: dict[str, list[str]] = {}
    if Stage.order(project.stage) < Stage.order(Stage.ACCEPTED):
        raise ValidationError(
            _(
                "Satisfaction is evaluated after the completion acceptance; the project is at "
                "“%(stage)s”."
            )
            % {"stage": project.get_stage_display()}
        )
    _not_in_future(errors, "held_on", held_on, _("The evaluation date"))
    acceptance = getattr(project, "acceptance", None)
    if held_on and acceptance is not None and held_on < acceptance.accepted_on:
        errors.setdefault("held_on", []).append(
            _("The evaluation cannot be before the acceptance on %(date)s.")
            % {"date": acceptance.accepted_on}
        )
    if not respondents or respondents < 1:
        errors["respondents"] = [_("Enter how many residents answered (at least one).")]
    if satisfied is None or satisfied < 0:
        errors["satisfied"] = [_("Enter a whole number, zero or more.")]
    if dissatisfied is None or dissatisfied < 0:
        errors["dissatisfied"] = [_("Enter a whole number, zero or more.")]
    if not errors and satisfied + dissatisfied > respondents:
        errors["satisfied"] = [_("Satisfied and dissatisfied are more than the respondents.")]
    if errors:
        raise ValidationError(errors)
    survey = SatisfactionSurvey(
        project=project,
        held_on=held_on,
        respondents=respondents,
        satisfied=satisfied,
        dissatisfied=dissatisfied,
        notes=_text(notes),
    )
    _stamp(survey, by)
    survey.save()
    stale.mark_dirty(project_ids=[survey.project_id])
    return survey


@transaction.atomic
def long_term_management_record(
    *,
    compound: Compound,
    by: User,
    mode: str,
    fee_per_m2: Decimal | None,
    starts_on: dt.date | None,
    provider: str = "",
    project: Project | None = None,
    decided_by: OwnerVote | None = None,
    notes: str = "",
) -> LongTermManagement:
    _require_street(by, compound)
    project = _project_of(compound, project)
    errors: dict[str, list[str]] = {}
    if mode not in LongTermManagement.Mode.values:
        errors["mode"] = [_("Choose the management mode.")]
    if fee_per_m2 is None or fee_per_m2 < 0 or fee_per_m2 != fee_per_m2.quantize(CENT):
        errors["fee_per_m2"] = [_("Enter the fee in yuan per m², zero or more.")]
    if starts_on is None:
        errors["starts_on"] = [
            _("Enter the date."),
        ]
    date_range_errors(errors, "starts_on", starts_on, years_ahead=PLAN_YEARS_AHEAD)
    if decided_by is not None and decided_by.compound_id != compound.pk:
        errors["decided_by"] = [_("The vote belongs to another compound.")]
    if errors:
        raise ValidationError(errors)
    arrangement = LongTermManagement(
        compound=compound,
        project=project,
        mode=mode,
        provider=_text(provider)[:160],
        fee_per_m2=fee_per_m2,
        starts_on=starts_on,
        decided_by=decided_by,
        notes=_text(notes),
    )
    _stamp(arrangement, by)
    arrangement.save()
    stale.mark_dirty(compound_ids=[arrangement.compound_id])
    return arrangement


@transaction.atomic
def fund_collection_record(
    *,
    project: Project,
    by: User,
    as_of: dt.date | None,
    households_expected: int | None,
    households_paid: int | None,
    amount_expected: Decimal | None,
    amount_collected: Decimal | None,
    standard: str = "",
    version: int | None = None,
) -> FundCollection:
    """Create or update the project's maintenance-fund collection figures."""
    _require_street(by, project.compound)
    existing = FundCollection.objects.select_for_update().filter(project=project).first()
    if existing is not None and (version is None or existing.version != version):
        raise ConflictError()
    if existing is None and version is not None:
        raise ConflictError()
    errors: dict[str, list[str]] = {}
    _not_in_future(errors, "as_of", as_of, _("The date"))
    if not households_expected or households_expected < 1:
        errors["households_expected"] = [_("Enter how many households should pay (at least one).")]
    if households_paid is None or households_paid < 0:
        errors["households_paid"] = [_("Enter a whole number, zero or more.")]
    for key, value in (
        ("amount_expected", amount_expected),
        ("amount_collected", amount_collected),
    ):
        if value is None or value < 0 or value != value.quantize(CENT):
            errors[key] = [_("Enter an amount in yuan, zero or more, two decimals at most.")]
    if not errors and households_paid > households_expected:
        errors["households_paid"] = [_("More households paid than were expected to.")]
    if errors:
        raise ValidationError(errors)
    record = existing or FundCollection(project=project)
    record.as_of = as_of
    record.standard = _text(standard)[:64]
    record.households_expected = households_expected
    record.households_paid = households_paid
    record.amount_expected = amount_expected
    record.amount_collected = amount_collected
    if existing is not None:
        record.version += 1
    _stamp(record, by)
    record.save()
    stale.mark_dirty(project_ids=[record.project_id])
    return record


# --- Disclosure ----------------------------------------------------------------------------


def _disclosure_errors(
    *,
    title: str,
    summary: str,
    window_starts_on: dt.date | None,
    window_ends_on: dt.date | None,
    objection_deadline: dt.date | None,
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not title:
        errors["title"] = [_("Give the disclosure a title.")]
    if not summary:
        errors["summary"] = [_("Summarise the plan for residents.")]
    for key, value in (
        ("window_starts_on", window_starts_on),
        ("window_ends_on", window_ends_on),
        ("objection_deadline", objection_deadline),
    ):
        if value is None:
            errors[key] = [_("Enter the date.")]
        else:
            date_range_errors(errors, key, value, years_ahead=PLAN_YEARS_AHEAD)
    if errors:
        return errors
    if window_ends_on < window_starts_on:
        errors["window_ends_on"] = [_("The disclosure cannot end before it starts.")]
    elif not window_starts_on <= objection_deadline <= window_ends_on:
        errors["objection_deadline"] = [
            _("The deadline for objections must fall within the disclosure window.")
        ]
    return errors


@transaction.atomic
def disclosure_create(
    *,
    project: Project,
    by: User,
    title: str,
    summary: str,
    window_starts_on: dt.date | None,
    window_ends_on: dt.date | None,
    objection_deadline: dt.date | None,
    published: bool = False,
) -> Disclosure:
    """Prepare a disclosure; published at once when `published` (the form's box)."""
    _require_street(by, project.compound)
    title, summary = _text(title), _text(summary)
    errors = _disclosure_errors(
        title=title,
        summary=summary,
        window_starts_on=window_starts_on,
        window_ends_on=window_ends_on,
        objection_deadline=objection_deadline,
    )
    if errors:
        raise ValidationError(errors)
    disclosure = Disclosure(
        project=project,
        title=title[:160],
        summary=summary,
        window_starts_on=window_starts_on,
        window_ends_on=window_ends_on,
        objection_deadline=objection_deadline,
        published=bool(published),
        published_at=timezone.now() if published else None,
    )
    _stamp(disclosure, by)
    disclosure.save()
    return disclosure


@transaction.atomic
def disclosure_update(
    *,
    disclosure: Disclosure,
    by: User,
    version: int | None,
    title: str,
    summary: str,
    window_starts_on: dt.date | None,
    window_ends_on: dt.date | None,
    objection_deadline: dt.date | None,
    published: bool,
) -> Disclosure:
    """Edit a disclosure and publish or withdraw it. The public link never changes."""
    _require_street_or_district(by, disclosure.project.compound)
    locked = Disclosure.objects.select_for_update().get(pk=disclosure.pk)
    _check_version(locked, version)
    title, summary = _text(title), _text(summary)
    errors = _disclosure_errors(
        title=title,
        summary=summary,
        window_starts_on=window_starts_on,
        window_ends_on=window_ends_on,
        objection_deadline=objection_deadline,
    )
    if errors:
        raise ValidationError(errors)
    locked.title = title[:160]
    locked.summary = summary
    locked.window_starts_on = window_starts_on
    locked.window_ends_on = window_ends_on
    locked.objection_deadline = objection_deadline
    if published and not locked.published:
        locked.published_at = timezone.now()
    locked.published = bool(published)
    locked.version += 1
    _stamp(locked, by)
    locked.save()
    return locked


def service_kwargs(data: Mapping[str, Any], *names: str) -> dict[str, Any]:
    """The named entries of a form's cleaned data (the rest belong to the view)."""
    return {name: data.get(name) for name in names}

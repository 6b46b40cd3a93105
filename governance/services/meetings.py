"""Meetings (with minutes) and opinion surveys."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from programmes import stale
from programmes.models import Building, Compound, Project
from renovation.audit import stamp
from renovation.uploads import check_minutes
from renovation.validation import checked

from ..models import (
    Meeting,
    OpinionSurvey,
    ScopeKind,
)

if TYPE_CHECKING:
    from renovation.models import User

from ._common import (
    MINUTES_MAX_BYTES,
    _not_in_future,
    _project_of,
    _require_street,
    _scope_fields,
    _text,
)

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
    if (minutes.size or 0) > MINUTES_MAX_BYTES:
        raise ValidationError(
            {
                "minutes": _("The minutes must be smaller than %(size)s MB.")
                % {"size": MINUTES_MAX_BYTES // (1024 * 1024)}
            }
        )
    replaced = locked.minutes.name if locked.minutes else ""
    locked.minutes = _checked_minutes(minutes)
    locked.full_clean(exclude=[f.name for f in Meeting._meta.fields if f.name != "minutes"])
    stamp(locked, by=by, reason=_("Minutes uploaded"))
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
    if minutes is not None and (minutes.size or 0) > MINUTES_MAX_BYTES:
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
        held_on=checked(held_on),
        attendance=checked(attendance),
        topics=_text(topics),
        resolutions=_text(resolutions),
    )
    if minutes is not None:
        meeting.minutes = _checked_minutes(minutes)
        meeting.full_clean(exclude=[f.name for f in Meeting._meta.fields if f.name != "minutes"])
    stamp(meeting, by=by)
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
        held_on=checked(held_on),
        scope_kind=scope_kind,
        building=building,
        unit=unit,
        scope_label=_text(scope_label)[:128],
        **numbers,
    )
    stamp(survey, by=by)
    survey.save()
    stale.mark_dirty(project_ids=[survey.project_id])
    return survey

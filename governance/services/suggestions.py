"""Suggestions and complaints (诉求): receive, assign, answer, close; public submissions."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from programmes import stale
from programmes.models import Compound, Project
from renovation.audit import stamp
from renovation.validation import (
    date_range_errors,
)

from ..models import (
    Disclosure,
    Suggestion,
)
from ..public_limits import public_submission_slot_take

if TYPE_CHECKING:
    from renovation.models import User

from ._common import (
    RateLimitedError,
    _check_version,
    _project_of,
    _require_street,
    _require_street_or_district,
    _text,
)

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
    stamp(suggestion, by=by)
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
    stamp(suggestion, by=None)  # a resident, not a signed-in user: never the request's user
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
    stamp(locked, by=by)
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
    stamp(locked, by=by)
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
    stamp(locked, by=by)
    locked.save()
    stale.mark_dirty(compound_ids=[locked.compound_id])
    return locked

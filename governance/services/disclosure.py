"""Public disclosure (公示) and objections."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from programmes.models import Project
from renovation.audit import stamp
from renovation.validation import (
    PLAN_YEARS_AHEAD,
    checked,
    date_range_errors,
)

from ..models import (
    Disclosure,
)

if TYPE_CHECKING:
    from renovation.models import User

from ._common import _check_version, _require_street, _require_street_or_district, _text

# --- Disclosure ----------------------------------------------------------------------------


def _checked_window(
    *,
    title: str,
    summary: str,
    window_starts_on: dt.date | None,
    window_ends_on: dt.date | None,
    objection_deadline: dt.date | None,
) -> tuple[dt.date, dt.date, dt.date]:
    """The window's start, end and deadline for objections, or every field's error raised."""
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
        raise ValidationError(errors)
    starts, ends, deadline = (
        checked(window_starts_on),
        checked(window_ends_on),
        checked(objection_deadline),
    )
    if ends < starts:
        raise ValidationError(
            {"window_ends_on": [_("The disclosure cannot end before it starts.")]}
        )
    if not starts <= deadline <= ends:
        raise ValidationError(
            {
                "objection_deadline": [
                    _("The deadline for objections must fall within the disclosure window.")
                ]
            }
        )
    return starts, ends, deadline


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
    starts, ends, deadline = _checked_window(
        title=title,
        summary=summary,
        window_starts_on=window_starts_on,
        window_ends_on=window_ends_on,
        objection_deadline=objection_deadline,
    )
    disclosure = Disclosure(
        project=project,
        title=title[:160],
        summary=summary,
        window_starts_on=starts,
        window_ends_on=ends,
        objection_deadline=deadline,
        published=bool(published),
        published_at=timezone.now() if published else None,
    )
    stamp(disclosure, by=by)
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
    starts, ends, deadline = _checked_window(
        title=title,
        summary=summary,
        window_starts_on=window_starts_on,
        window_ends_on=window_ends_on,
        objection_deadline=objection_deadline,
    )
    locked.title = title[:160]
    locked.summary = summary
    locked.window_starts_on = starts
    locked.window_ends_on = ends
    locked.objection_deadline = deadline
    if published and not locked.published:
        locked.published_at = timezone.now()
    locked.published = bool(published)
    locked.version += 1
    stamp(locked, by=by)
    locked.save()
    return locked


def service_kwargs(data: Mapping[str, Any], *names: str) -> dict[str, Any]:
    """The named entries of a form's cleaned data (the rest belong to the view)."""
    return {name: data.get(name) for name in names}

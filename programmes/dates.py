"""The real dates of a project's history: effective dates of stage changes, the start and
completion dates that follow them, and the plausibility warnings about them.

A stage change is entered at one time (`StageTransition.at`) and took effect on a day
(`StageTransition.effective_on`), which may be in the past when an official enters what already
happened. `Project.started_on` is the effective date of entering construction (新开工) and
`Project.completed_on` the date of the acceptance record (竣工验收): the national statistics,
the rollups, the statutory returns and the dashboard count by these two dates.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from programmes import stale
from renovation.audit import stamp
from renovation.stale import mark_history_changed

from .models import Project, Stage, StageTransition

if TYPE_CHECKING:
    from renovation.models import User

# Old-compound renovation as a national programme dates from 2019 (国办发〔2020〕23号 and the
# pilots before it); a date before 2000 is a typing error, not history.
PLAUSIBLE_FROM = dt.date(2000, 1, 1)


def last_effective_date(project: Project) -> dt.date | None:
    """The effective date of the project's latest stage change (None before the first)."""
    return StageTransition.objects.filter(project=project).aggregate(last=Max("effective_on"))[
        "last"
    ]


def date_problems(
    day: dt.date | None, *, not_before: dt.date | None = None, label: str = ""
) -> list[str]:
    """Why `day` cannot be a date of the project's history: missing, in the future, before
    2000, or before `not_before` (the previous stage change)."""
    if day is None:
        return [_("Enter the date.")]
    today = timezone.localdate()
    if day > today:
        return [_("The date cannot be in the future (today is %(today)s).") % {"today": today}]
    if day < PLAUSIBLE_FROM:
        return [
            _("%(date)s is not a plausible date: enter a date from %(first)s on.")
            % {"date": day, "first": PLAUSIBLE_FROM}
        ]
    if not_before is not None and day < not_before:
        return [
            _(
                "%(label)s %(date)s is before the previous stage change, which took effect on "
                "%(previous)s."
            )
            % {"label": label or _("The date"), "date": day, "previous": not_before}
        ]
    return []


def transition_effective_date(
    *, project: Project, to_stage: str, effective_date: dt.date | None
) -> dt.date:
    """The effective date of a stage change about to be made (today when none is given; the
    acceptance date, or the previous change's date if later, for a change to 'accepted')."""
    previous = last_effective_date(project)
    if effective_date is None:
        effective_date = timezone.localdate()
        acceptance = getattr(project, "acceptance", None)
        if to_stage == Stage.ACCEPTED and acceptance is not None:
            effective_date = max(acceptance.accepted_on, previous or acceptance.accepted_on)
    problems = date_problems(effective_date, not_before=previous, label=_("The effective date"))
    if problems:
        raise ValidationError({"effective_date": problems})
    return effective_date


def acceptance_warnings(*, started_on: dt.date | None, accepted_on: dt.date | None) -> list[str]:
    """Plausibility warnings about an acceptance date that the user must confirm (never a
    refusal): an acceptance before construction started (`started_on`, the project's or the
    one being entered). For every service that writes an acceptance date."""
    started = started_on
    if accepted_on is not None and started is not None and accepted_on < started:
        return [
            _(
                "The acceptance date %(accepted)s is before construction started "
                "(%(started)s). Check both dates; confirm if they are right."
            )
            % {"accepted": accepted_on, "started": started}
        ]
    return []


def project_completion_follow_acceptance(*, project: Project, by: User, reason: str = "") -> bool:
    """Hook for every service that writes an acceptance record's date: an accepted project's
    completion date (完工) is its acceptance date. Returns True when completed_on changed.

    Call it inside the service's transaction, after saving the record."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    acceptance = getattr(project, "acceptance", None)
    accepted = Stage.order(project.stage) >= Stage.order(Stage.ACCEPTED)
    completed_on = acceptance.accepted_on if (accepted and acceptance is not None) else None
    if project.completed_on == completed_on:
        return False
    moved = [day for day in (project.completed_on, completed_on) if day is not None]
    project.completed_on = completed_on
    project.version += 1
    stamp(project, by=by, reason=reason or _("Acceptance date corrected"))
    project.save()
    stale.mark_dirty(project_ids=[project.pk])
    mark_history_changed(since=min(moved), project_ids=[project.pk])
    return True

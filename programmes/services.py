"""Writes that change the state of projects: stage transitions, progress reports, problems.

Every service checks the caller's role and scope, validates, writes in one transaction, records
who and when (audit fields and history) and raises `ValidationError` with a translatable message
or `ConflictError` for a stale form. Pages, API and commands all call these.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from renovation.access import can_approve_in_district, can_file_street_records, require
from renovation.audit import stamp
from renovation.errors import ConflictError
from renovation.figures.rounding import rate
from renovation.stale import mark_history_changed
from renovation.validation import EARLIEST_DATE, date_range_errors, plain_decimal

from . import dates, stale
from .gates import GateResult, registered_gate
from .models import (
    ZERO,
    Compound,
    ProgressPhoto,
    ProgressReport,
    ProgressReportLine,
    Project,
    SiteProblem,
    Stage,
    StageTransition,
    WorkItem,
)

if TYPE_CHECKING:
    from renovation.models import User

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


# --- Stage transitions ---------------------------------------------------------------------


def _gate_consultation(project: Project) -> GateResult:
    if project.compound.survey_status != Compound.SurveyStatus.ELIGIBLE:
        return GateResult(
            [
                _(
                    "The compound's survey status is “%(status)s”; only eligible compounds enter "
                    "consultation."
                )
                % {"status": project.compound.get_survey_status_display()}
            ]
        )
    return GateResult([], _("Census: eligible for renovation."))


def _gate_design(project: Project) -> GateResult:
    # The survey below, or else a passed owners' vote (Civil Code art. 278): governance decides
    # when it is installed (it registers its gate in programmes.gates).
    own = _gate_design_survey(project)
    check = registered_gate(Stage.DESIGN)
    return check(project, own) if check else own


def _gate_design_survey(project: Project) -> GateResult:
    """Only a survey of the whole compound opens its design stage (a building's or a unit's
    survey decides an elevator, not the compound's plan), and only when enough households
    returned their forms (the programme's minimum return rate) and enough of those are in
    favour (the support threshold). The refusal names the figure that failed."""
    # "compound" is governance.models.ScopeKind.COMPOUND (governance sits above programmes).
    survey = project.surveys.filter(scope_kind="compound").order_by("-held_on", "-id").first()
    programme = project.programme
    threshold = programme.support_threshold
    minimum = programme.min_survey_return_rate
    minimum_percent = rate(minimum, 1)
    if survey is None:
        return GateResult(
            [
                _(
                    "No opinion survey of the whole compound has been recorded for this project "
                    "(surveys of one building or unit do not count); the programme requires "
                    "%(minimum)s%% of households to return their forms and %(threshold)s%% "
                    "support before design."
                )
                % {"threshold": threshold, "minimum": minimum_percent}
            ]
        )
    households = project.compound.households
    problems = []
    return_rate = None
    if households <= 0:
        problems.append(
            _(
                "The compound's number of households is not recorded, so the survey's return "
                "rate cannot be checked; enter the households first."
            )
        )
    else:
        return_rate = rate(survey.forms_returned, households)
        if Decimal(survey.forms_returned) < minimum * households:
            problems.append(
                _(
                    "Return rate too low: the compound survey of %(date)s has %(returned)s forms "
                    "returned for %(households)s households (%(rate)s%%), below the programme's "
                    "minimum of %(minimum)s%%."
                )
                % {
                    "date": survey.held_on,
                    "returned": survey.forms_returned,
                    "households": households,
                    "rate": return_rate,
                    "minimum": minimum_percent,
                }
            )
    if survey.support_rate < threshold:
        problems.append(
            _(
                "Support too low: the compound survey of %(date)s has %(support)s of "
                "%(returned)s returned forms in favour (%(rate)s%%), below the programme's "
                "threshold of %(threshold)s%%."
            )
            % {
                "date": survey.held_on,
                "support": survey.support,
                "returned": survey.forms_returned,
                "rate": survey.support_rate,
                "threshold": threshold,
            }
        )
    if problems:
        return GateResult(problems)
    return GateResult(
        [],
        _(
            "Compound survey of %(date)s: %(returned)s of %(households)s households returned "
            "their forms (%(return_rate)s%%, minimum %(minimum)s%%); %(support)s in favour "
            "(%(rate)s%%, threshold %(threshold)s%%)."
        )
        % {
            "date": survey.held_on,
            "returned": survey.forms_returned,
            "households": households,
            "return_rate": return_rate,
            "minimum": minimum_percent,
            "support": survey.support,
            "rate": survey.support_rate,
            "threshold": threshold,
        },
    )


def _gate_approved(project: Project) -> GateResult:
    problems = []
    if not project.work_items.exists():
        problems.append(_("The design has no work items yet; add them before approval."))
    if project.budget <= 0:
        problems.append(_("The project has no budget yet."))
    return GateResult(problems, _("Joint design review passed."))


def _gate_construction(project: Project) -> GateResult:
    if not project.contractor.strip():
        return GateResult(
            [
                _(
                    "Name the contractor before construction starts (“Edit project” on the "
                    "project page, or PATCH /api/v1/projects/%(id)s/)."
                )
                % {"id": project.pk}
            ]
        )
    return GateResult([], _("Contractor: %(name)s.") % {"name": project.contractor})


def _gate_accepted(project: Project) -> GateResult:
    record = getattr(project, "acceptance", None)
    if record is None:
        return GateResult([_("Record the completion acceptance before accepting the project.")])
    problems = []
    if not record.passed:
        problems.append(_("The completion acceptance did not pass."))
    if record.residents_present <= 0:
        problems.append(_("Resident representatives must be present at the acceptance."))
    return GateResult(
        problems,
        _("Acceptance on %(date)s with %(count)s resident representatives.")
        % {"date": record.accepted_on, "count": record.residents_present},
    )


def _gate_handed_over(project: Project) -> GateResult:
    # Residents' satisfaction evaluation and a long-term management arrangement (governance
    # registers this gate in programmes.gates).
    check = registered_gate(Stage.HANDED_OVER)
    return check(project, GateResult()) if check else GateResult()


FORWARD_GATES: dict[str, Callable[[Project], GateResult]] = {
    Stage.CONSULTATION: _gate_consultation,
    Stage.DESIGN: _gate_design,
    Stage.APPROVED: _gate_approved,
    Stage.CONSTRUCTION: _gate_construction,
    Stage.ACCEPTED: _gate_accepted,
    Stage.HANDED_OVER: _gate_handed_over,
}


def project_allowed_targets(project: Project) -> list[str]:
    """The stages a project may move to: one step forward or one step back."""
    index = Stage.order(project.stage)
    stages = Stage.values
    return [stages[i] for i in (index + 1, index - 1) if 0 <= i < len(stages)]


def project_stage_gate(*, project: Project, to_stage: str) -> GateResult:
    """Check a transition without making it (the stage form shows the result beforehand)."""
    if to_stage not in Stage.values:
        return GateResult([_("Unknown stage.")])
    if to_stage not in project_allowed_targets(project):
        return GateResult(
            [
                _(
                    "A project moves one stage at a time: from “%(current)s” it can go to "
                    "%(targets)s."
                )
                % {
                    "current": project.get_stage_display(),
                    "targets": "、".join(
                        str(Stage(s).label) for s in project_allowed_targets(project)
                    ),
                }
            ]
        )
    if Stage.order(to_stage) < Stage.order(project.stage):
        return GateResult([], _("Returned to an earlier stage."))
    gate = FORWARD_GATES.get(to_stage)
    return gate(project) if gate else GateResult([])


@transaction.atomic
def project_stage_transition(
    *,
    project: Project,
    to_stage: str,
    by: User,
    reason: str,
    version: int | None = None,
    effective_date: dt.date | None = None,
    waiver_reason: str = "",
) -> StageTransition:
    """Move a project one stage forward (through its gate) or back, recording who and why.

    `effective_date` is the day the change took effect (today when omitted; see
    programmes.dates). `waiver_reason` is for the historical-record service only: the gate is
    not checked and the transition says so, with who and why."""
    require(
        can_approve_in_district(by, project.compound.street.district_id),
        _("Stage changes are approved by the district's officials."),
    )
    locked = Project.objects.select_for_update().get(pk=project.pk)
    if version is not None and locked.version != version:
        raise ConflictError()
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason for the stage change.")})
    project.refresh_from_db()
    waiver_reason = (waiver_reason or "").strip()
    if waiver_reason:
        gate = project_stage_gate(project=project, to_stage=to_stage)
        if to_stage not in project_allowed_targets(project):
            raise ValidationError({"to_stage": gate.problems})
        gate = GateResult([], _("Gate waived for a historical record."))
    else:
        gate = project_stage_gate(project=project, to_stage=to_stage)
    if not gate.allowed:
        raise ValidationError({"to_stage": gate.problems})
    effective_on = dates.transition_effective_date(
        project=project, to_stage=to_stage, effective_date=effective_date
    )

    from_stage = project.stage
    before = (project.started_on, project.completed_on)
    now = timezone.now()
    forward = Stage.order(to_stage) > Stage.order(from_stage)
    if to_stage == Stage.CONSTRUCTION and forward:
        project.started_on = effective_on
    if from_stage == Stage.CONSTRUCTION and not forward:
        project.started_on = None
    if to_stage == Stage.ACCEPTED and forward:
        project.completed_on = project.acceptance.accepted_on
    if from_stage == Stage.ACCEPTED and not forward:
        project.completed_on = None
    project.stage = to_stage
    project.stage_changed_at = now
    project.version = locked.version + 1
    stamp(project, by=by, reason=reason)
    project.save()
    stale.mark_dirty(project_ids=[project.pk])
    moved = {
        day
        for old, new in zip(before, (project.started_on, project.completed_on), strict=True)
        if old != new
        for day in (old, new)
        if day is not None
    }
    if moved:  # past snapshots and trends follow the real dates
        mark_history_changed(since=min(moved), project_ids=[project.pk])
    return StageTransition.objects.create(
        project=project,
        from_stage=from_stage,
        to_stage=to_stage,
        reason=reason,
        gate_evidence=gate.evidence,
        by=by,
        at=now,
        effective_on=effective_on,
        gate_waived=bool(waiver_reason),
        waiver_reason=waiver_reason,
    )


# --- Progress reports ----------------------------------------------------------------------


def _parse_quantity(raw: object) -> Decimal | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    value = plain_decimal(raw)  # ASCII digits only: not 1_000, ٣ or １２３
    if not value.is_finite():
        raise ValidationError(_("Enter a number."))
    return value


def _previous_quantities(project: Project, before) -> dict[int, Decimal]:
    """Latest submitted quantity per work item from reports dated before `before`."""
    latest = (
        ProgressReportLine.objects.filter(
            work_item=OuterRef("pk"),
            report__status=ProgressReport.Status.SUBMITTED,
            report__report_date__lt=before,
        )
        .order_by("-report__report_date", "-report__id")
        .values("quantity_to_date")[:1]
    )
    rows = (
        WorkItem.objects.filter(project=project)
        .annotate(previous=Subquery(latest))
        .values_list("id", "previous")
    )
    return {item_id: previous for item_id, previous in rows if previous is not None}


def field_for_item(work_item_id: int) -> str:
    """The error key (and form field) for one work item's quantity."""
    return f"item_{work_item_id}"


@transaction.atomic
def progress_report_file(
    *,
    project: Project,
    by: User,
    report_date,
    quantities: Mapping[int, object],
    reasons: Mapping[int, str] | None = None,
    note: str = "",
    version: int | None = None,
    photos: Iterable[UploadedFile] = (),
) -> ProgressReport:
    """File (or correct) the progress report of one project for one date.

    `quantities` maps work item ids to the completed quantity *to date*; blank entries are not
    reported. `version` is the version of the report the form was opened on (None for a new
    report): if someone saved the report since, nothing is written and ConflictError is raised.
    """
    require(
        can_file_street_records(by, project.compound.street_id),
        _("Only the street office in charge files progress for this project."),
    )
    project = Project.objects.select_for_update().select_related("compound").get(pk=project.pk)
    reasons = reasons or {}
    errors: dict[str, list[str]] = {}

    def add(key: str, message: str) -> None:
        errors.setdefault(key, []).append(message)

    if project.stage != Stage.CONSTRUCTION:
        raise ValidationError(
            _(
                "Progress is reported only for projects under construction; this one is at "
                "“%(stage)s”."
            )
            % {"stage": project.get_stage_display()}
        )
    today = timezone.localdate()
    if report_date is None:
        add("report_date", _("Enter the report date."))
    elif report_date > today:
        add("report_date", _("The report date cannot be in the future."))
    elif report_date < EARLIEST_DATE:
        date_range_errors(errors, "report_date", report_date)
    elif project.started_on and report_date < project.started_on:
        add(
            "report_date",
            _("The report date is before construction started (%(date)s).")
            % {"date": project.started_on},
        )

    items = {item.pk: item for item in project.work_items.select_related("work_type")}
    parsed: dict[int, Decimal] = {}
    for raw_id, raw_value in quantities.items():
        try:
            item_id = int(raw_id)
        except (TypeError, ValueError):
            add("__all__", _("Unknown work item."))
            continue
        if item_id not in items:
            add("__all__", _("Unknown work item."))
            continue
        key = field_for_item(item_id)
        try:
            value = _parse_quantity(raw_value)
        except ValidationError as error:
            add(key, error.messages[0])
            continue
        if value is None:
            continue
        if value < 0:
            add(key, _("The quantity cannot be negative."))
        elif value != value.quantize(CENT) or value >= Decimal("1e12"):
            add(key, _("Enter a quantity with at most two decimal places."))
        else:
            parsed[item_id] = value

    if not parsed and not errors:
        add("__all__", _("Enter the completed quantity of at least one work item."))

    if report_date is not None and "report_date" not in errors:
        previous = _previous_quantities(project, report_date)
        for item_id, value in parsed.items():
            item = items[item_id]
            reason = (reasons.get(item_id) or "").strip()
            if value > item.planned_quantity and not reason:
                add(
                    field_for_item(item_id),
                    _("%(value)s is above the planned %(planned)s %(unit)s: give a reason.")
                    % {
                        "value": value,
                        "planned": item.planned_quantity,
                        "unit": item.work_type.get_unit_display(),
                    },
                )
            prior = previous.get(item_id)
            if prior is not None and value < prior and not reason:
                add(
                    field_for_item(item_id),
                    _(
                        "%(value)s is less than the %(prior)s already reported to date: give a "
                        "reason for the correction."
                    )
                    % {"value": value, "prior": prior},
                )
    if errors:
        raise ValidationError(errors)

    existing = (
        ProgressReport.objects.select_for_update()
        .filter(project=project, report_date=report_date)
        .first()
    )
    now = timezone.now()
    if existing is not None:
        if version is None or existing.version != version:
            raise ConflictError(
                _(
                    "A report for %(date)s was saved by someone else after you opened the form. "
                    "Nothing was saved: reload to see it, then enter your figures again."
                )
                % {"date": report_date}
            )
        report = existing
        report.note = note
        report.status = ProgressReport.Status.SUBMITTED
        report.version = existing.version + 1
        stamp(report, by=by)
        report.save()
        report.lines.all().delete()
    else:
        if version is not None:
            raise ConflictError()
        try:
            with transaction.atomic():
                report = ProgressReport(project=project, report_date=report_date, note=note)
                stamp(report, by=by)
                report.save()
        except IntegrityError:
            raise ConflictError() from None
    ProgressReportLine.objects.bulk_create(
        ProgressReportLine(
            report=report,
            work_item_id=item_id,
            quantity_to_date=value,
            reason=(reasons.get(item_id) or "").strip()[:255],
        )
        for item_id, value in parsed.items()
    )
    for photo in photos:
        _photo_add(report=report, image=photo, by=by)
    project_progress_recompute(project=project, by=by, at=now)
    stale.mark_dirty(project_ids=[project.pk])
    return report


def _photo_add(
    *, report: ProgressReport, image: UploadedFile, by: User, caption: str = ""
) -> ProgressPhoto:
    photo = ProgressPhoto(report=report, image=image, caption=caption)
    stamp(photo, by=by)
    photo.save()
    return photo


@transaction.atomic
def progress_photos_add(
    *,
    report: ProgressReport,
    by: User,
    photos: Iterable[UploadedFile],
    caption: str = "",
    version: int | None = None,
) -> list[ProgressPhoto]:
    """Attach photos to a report already filed (a phone sends them after the figures).

    The rules of filing apply: the street office in charge, a project under construction, and
    each photo a real image (Pillow) no larger than PHOTO_MAX_BYTES, checked by the page form's
    own field. All or nothing. The report's version goes up and its history names `by`, so a
    correction opened before the photos were added conflicts instead of hiding them.
    """
    from .forms import MultipleImageField  # the forms module imports this one

    require(
        can_file_street_records(by, report.project.compound.street_id),
        _("Only the street office in charge files progress for this project."),
    )
    locked = ProgressReport.objects.select_for_update().select_related("project").get(pk=report.pk)
    if version is not None and locked.version != version:
        raise ConflictError()
    project = locked.project
    if project.stage != Stage.CONSTRUCTION:
        raise ValidationError(
            _(
                "Progress is reported only for projects under construction; this one is at "
                "“%(stage)s”."
            )
            % {"stage": project.get_stage_display()}
        )
    photos = list(photos)
    if not photos:
        raise ValidationError({"photos": _("Choose at least one photo.")})
    caption = (caption or "").strip()
    if len(caption) > 255:
        raise ValidationError({"caption": _("Write at most %(n)s characters.") % {"n": 255}})
    try:
        images = MultipleImageField().clean(photos)
    except ValidationError as error:
        raise ValidationError({"photos": error.messages}) from None
    added = [_photo_add(report=locked, image=image, caption=caption, by=by) for image in images]
    locked.version += 1
    stamp(locked, by=by, reason=_("Photos added: %(n)s") % {"n": len(added)})
    locked.save()
    return added


@transaction.atomic
def progress_report_return(
    *, report: ProgressReport, by: User, comment: str, version: int | None = None
) -> ProgressReport:
    """The district sends a report back for correction; it stops counting until resubmitted."""
    project = report.project
    require(
        can_approve_in_district(by, project.compound.street.district_id),
        _("Reports are returned by the district's officials."),
    )
    locked = ProgressReport.objects.select_for_update().get(pk=report.pk)
    if version is not None and locked.version != version:
        raise ConflictError()
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Say what has to be corrected.")})
    if locked.status == ProgressReport.Status.RETURNED:
        raise ValidationError(_("This report has already been returned."))
    locked.status = ProgressReport.Status.RETURNED
    locked.return_comment = comment
    locked.returned_by = by
    locked.returned_at = timezone.now()
    locked.version += 1
    stamp(locked, by=by)
    locked.save()
    project_progress_recompute(project=project, by=by)
    stale.mark_dirty(project_ids=[project.pk])
    return locked


def project_progress_recompute(*, project: Project, by: User | None = None, at=None) -> Project:
    """Take each work item's latest submitted cumulative figure (never a sum of reports) and the
    project's budget-weighted completion from them."""
    latest = (
        ProgressReportLine.objects.filter(
            work_item=OuterRef("pk"), report__status=ProgressReport.Status.SUBMITTED
        )
        .order_by("-report__report_date", "-report__id")
        .values("quantity_to_date")[:1]
    )
    WorkItem.objects.filter(project=project).update(
        completed_quantity=Coalesce(Subquery(latest), Value(ZERO))
    )
    # A project has a handful of work items: exact Decimal arithmetic here is cheaper than
    # teaching every database to weight decimals identically.
    items = list(
        WorkItem.objects.filter(project=project).values_list(
            "planned_quantity", "completed_quantity", "budget"
        )
    )
    project.progress = weighted_progress(items)
    project.last_report_on = ProgressReport.objects.filter(
        project=project, status=ProgressReport.Status.SUBMITTED
    ).aggregate(last=Max("report_date"))["last"]
    Project.objects.filter(pk=project.pk).update(
        progress=project.progress, last_report_on=project.last_report_on
    )
    return project


def weighted_progress(items: Iterable[tuple[Decimal, Decimal, Decimal]]) -> Decimal:
    """Budget-weighted completion in percent (equal weights when no item has a budget)."""
    shares = []
    for planned, completed, budget in items:
        share = min(completed / planned, Decimal(1)) if planned > 0 else Decimal(0)
        shares.append((share, budget))
    if not shares:
        return ZERO
    total_budget = sum((budget for _, budget in shares), ZERO)
    if total_budget > 0:
        value = sum((share * budget for share, budget in shares), ZERO) / total_budget
    else:
        value = sum((share for share, _ in shares), ZERO) / len(shares)
    return (value * HUNDRED).quantize(CENT)


# --- Site problems -------------------------------------------------------------------------


@transaction.atomic
def site_problem_raise(
    *, project: Project, by: User, title: str, description: str = "", severity: str
) -> SiteProblem:
    require(
        can_file_street_records(by, project.compound.street_id),
        _("Only the street office in charge raises problems for this project."),
    )
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Describe the problem in a few words.")})
    if severity not in SiteProblem.Severity.values:
        raise ValidationError({"severity": _("Choose a severity.")})
    problem = SiteProblem(
        project=project,
        title=title[:160],
        description=(description or "").strip(),
        severity=severity,
    )
    stamp(problem, by=by)
    problem.save()
    stale.mark_dirty(project_ids=[project.pk])
    return problem


@transaction.atomic
def site_problem_close(
    *, problem: SiteProblem, by: User, resolution: str, version: int | None = None
) -> SiteProblem:
    street = problem.project.compound.street
    require(
        can_file_street_records(by, street.pk) or can_approve_in_district(by, street.district_id),
        _("Only the street office in charge or the district closes this problem."),
    )
    locked = SiteProblem.objects.select_for_update().get(pk=problem.pk)
    if version is not None and locked.version != version:
        raise ConflictError()
    if locked.status == SiteProblem.Status.CLOSED:
        raise ValidationError(_("This problem is already closed."))
    resolution = (resolution or "").strip()
    if not resolution:
        raise ValidationError({"resolution": _("Say how the problem was solved.")})
    locked.status = SiteProblem.Status.CLOSED
    locked.resolution = resolution
    locked.closed_at = timezone.now()
    locked.closed_by = by
    locked.version += 1
    stamp(locked, by=by)
    locked.save()
    stale.mark_dirty(project_ids=[locked.project_id])
    return locked

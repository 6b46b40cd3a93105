"""Entering a project that started or finished in the past, with its real dates (补录).

One service, called by the page (programmes/history_views.py) and the API
(programmes/api/history_views.py): each stage the project passed through, with the day it took
effect; the acceptance; the quantities completed per work item; and, optionally, the money
received and spent, through the funding services. The stage gates are not checked: each
transition records that its gate was waived for a historical record, by whom and why.
Plausibility warnings (an acceptance before the start, quantities above the plan) are refused
until the user confirms them; impossible dates are refused outright. All or nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from renovation.access import can_enter_historical_record, require
from renovation.audit import stamp
from renovation.errors import ConflictError
from renovation.validation import checked

from . import dates, services
from .gates import hook
from .models import (
    AcceptanceRecord,
    Programme,
    ProgressReport,
    ProgressReportLine,
    Project,
    Stage,
    WorkItem,
)

if TYPE_CHECKING:
    from renovation.models import User

CENT = Decimal("0.01")


def stage_field(stage: str) -> str:
    """The error key (and form field) of one stage's effective date."""
    return f"date_{stage}"


def historical_stages(project: Project) -> list[str]:
    """The stages a historical record can enter for the project: those after its current
    stage, up to long-term management."""
    return Stage.values[Stage.order(project.stage) + 1 :]


def _money_errors(error: ValidationError, index: int) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {f"money.{index}.{name}": msgs for name, msgs in error.message_dict.items()}
    return {f"money.{index}": error.messages}


class _Findings:
    """What the checks of one historical record found: errors by field (refused outright) and
    plausibility warnings (refused until confirmed)."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}
        self.warnings: list[str] = []

    def add(self, key: str, message: str | list[str]) -> None:
        self.errors.setdefault(key, []).extend([message] if isinstance(message, str) else message)

    def raise_if_any(self, *, confirm_warnings: bool) -> None:
        if self.errors:
            raise ValidationError(self.errors)
        if self.warnings and not confirm_warnings:
            raise ValidationError({"confirm_warnings": self.warnings}, code="warning")


@transaction.atomic
def project_historical_record_enter(
    *,
    project: Project,
    by: User,
    reason: str,
    stage_dates: Mapping[str, dt.date | None],
    quantities: Mapping[int, object] | None = None,
    quantities_on: dt.date | None = None,
    accepted_on: dt.date | None = None,
    residents_present: int | None = None,
    participants: str = "",
    money: Sequence[Mapping[str, object]] = (),
    confirm_warnings: bool = False,
    version: int | None = None,
) -> Project:
    """Move `project` through the stages in `stage_dates` (stage -> effective date, each stage
    after the current one up to the last given, none skipped), gates waived for `reason`.

    Reaching 'accepted' needs the acceptance: `accepted_on` (default: the accepted stage's
    date) and `residents_present`. `quantities` (work item id -> completed to date) are filed
    as one submitted report dated `quantities_on` (default: the acceptance date, or today).
    `money` rows are {sub_type, funder, amount, kind?, received?, received_on?, spent?,
    spent_on?}: a commitment approved, received and spent through the funding services.
    """
    require(
        can_enter_historical_record(by, project.compound.street.district_id),
        _("Historical records are entered by the district's officials."),
    )
    locked = Project.objects.select_for_update().get(pk=project.pk)
    if version is not None and locked.version != version:
        raise ConflictError()
    project = Project.objects.select_related("compound__street", "programme").get(pk=project.pk)
    found = _Findings()
    reason = (reason or "").strip()
    if not reason:
        found.add("reason", _("Say where these past dates come from (the record and its source)."))

    given, path = _stage_path(project, stage_dates, found)
    started_on = project.started_on or given.get(Stage.CONSTRUCTION)
    found.warnings += _programme_years_warnings(project.programme, started_on)
    reaches_acceptance = bool(path) and Stage.order(path[-1]) >= Stage.order(Stage.ACCEPTED)
    if reaches_acceptance:
        accepted_on = accepted_on or given.get(Stage.ACCEPTED)
        _acceptance_check(found, accepted_on, residents_present, started_on)
    parsed = _quantities_check(project, quantities or {}, found)
    if parsed:
        quantities_on = quantities_on or (
            accepted_on if reaches_acceptance and accepted_on else timezone.localdate()
        )
        problems = dates.date_problems(
            quantities_on, not_before=started_on, label=_("The date of the quantities")
        )
        if problems:
            found.add("quantities_on", problems)
    found.raise_if_any(confirm_warnings=confirm_warnings)

    _stages_enter(
        project=project,
        by=by,
        reason=reason,
        path=path,
        given=given,
        accepted_on=accepted_on,
        residents_present=residents_present,
        participants=participants,
        quantities=parsed,
        quantities_on=quantities_on,
    )
    _money_enter(project=project, by=by, rows=money)
    project.refresh_from_db()
    return project


# --- Checks: impossible dates are refused, implausible ones are warnings -----------------------


def _stage_path(
    project: Project, stage_dates: Mapping[str, dt.date | None], found: _Findings
) -> tuple[dict[str, dt.date], list[str]]:
    """The dates given, and the stages to enter in order: each after the current one up to
    the last given, none skipped, at least up to construction."""
    possible = historical_stages(project)
    given = {stage: day for stage, day in stage_dates.items() if day is not None}
    for stage in given:
        if stage not in possible:
            found.add(
                "stage_dates",
                _("“%(stage)s” is not a stage this project can still enter.")
                % {"stage": Stage(stage).label if stage in Stage.values else stage},
            )
    path = [stage for stage in possible if stage in given]
    if path:
        path = possible[: possible.index(path[-1]) + 1]
    if not path or Stage.order(path[-1]) < Stage.order(Stage.CONSTRUCTION):
        found.add(
            "stage_dates",
            _(
                "A historical record is for a project that started construction: give the date "
                "of each stage up to construction at least."
            ),
        )
    _stage_dates_check(project, path, given, found)
    return given, path


def _stage_dates_check(
    project: Project, path: list[str], given: dict[str, dt.date], found: _Findings
) -> None:
    """Every stage of the path has a possible date, none before the one before it."""
    previous = dates.last_effective_date(project)
    for stage in path:
        day = given.get(stage)
        if day is None:
            found.add(
                stage_field(stage),
                _("Give the date the project entered “%(stage)s”.") % {"stage": Stage(stage).label},
            )
            continue
        label = _("The date of “%(stage)s”") % {"stage": Stage(stage).label}
        problems = dates.date_problems(day, not_before=previous, label=label)
        if problems:
            found.add(stage_field(stage), problems)
        else:
            previous = day


def _programme_years_warnings(programme: Programme, started_on: dt.date | None) -> list[str]:
    if not started_on or programme.start_year - 1 <= started_on.year <= programme.end_year + 1:
        return []
    return [
        _(
            "Construction started in %(year)s, outside the years of the programme "
            "“%(programme)s” (%(first)s–%(last)s). Check the dates and the programme; "
            "confirm if they are right."
        )
        % {
            "year": started_on.year,
            "programme": programme.name,
            "first": programme.start_year,
            "last": programme.end_year,
        }
    ]


def _acceptance_check(
    found: _Findings,
    accepted_on: dt.date | None,
    residents_present: int | None,
    started_on: dt.date | None,
) -> None:
    problems = dates.date_problems(accepted_on, label=_("The acceptance date"))
    if problems:
        found.add("accepted_on", problems)
    if residents_present is None or residents_present < 0:
        found.add(
            "residents_present",
            _("Enter how many resident representatives were at the acceptance (0 if none)."),
        )
    if not problems:
        found.warnings += dates.acceptance_warnings(started_on=started_on, accepted_on=accepted_on)


def _quantities_check(
    project: Project, quantities: Mapping[int, object], found: _Findings
) -> dict[int, Decimal]:
    """The quantities completed to date, by work item id, of the project's work items."""
    items = {item.pk: item for item in project.work_items.select_related("work_type")}
    parsed: dict[int, Decimal] = {}
    for raw_id, raw_value in quantities.items():
        try:
            item_id = int(raw_id)
        except (TypeError, ValueError):
            item_id = None
        if item_id not in items:
            found.add("quantities", _("Unknown work item."))
            continue
        value = _quantity_check(items[item_id], raw_value, found)
        if value is not None:
            parsed[item_id] = value
    return parsed


def _quantity_check(item: WorkItem, raw_value: object, found: _Findings) -> Decimal | None:
    """One work item's quantity, None when blank or refused; above the plan is a warning."""
    key = services.field_for_item(item.pk)
    try:
        value = services._parse_quantity(raw_value)
    except ValidationError as error:
        found.add(key, error.messages)
        return None
    if value is None:
        return None
    if value < 0:
        found.add(key, _("The quantity cannot be negative."))
        return None
    if value != value.quantize(CENT) or value >= Decimal("1e12"):
        found.add(key, _("Enter a quantity with at most two decimal places."))
        return None
    if value > item.planned_quantity:
        found.warnings.append(
            _("%(work)s: %(value)s is above the planned %(planned)s %(unit)s.")
            % {
                "work": item.work_type.name,
                "value": value,
                "planned": item.planned_quantity,
                "unit": item.work_type.get_unit_display(),
            }
        )
    return value


# --- Writes: the stage service with the gate waived, then report and money ---------------------


def _stages_enter(
    *,
    project: Project,
    by: User,
    reason: str,
    path: list[str],
    given: dict[str, dt.date],
    accepted_on: dt.date | None,
    residents_present: int | None,
    participants: str,
    quantities: dict[int, Decimal],
    quantities_on: dt.date | None,
) -> None:
    """Each stage of the path through the stage service, gate waived; the acceptance and the
    quantities are saved before 'accepted' (the quantities after the last stage otherwise)."""
    waiver = _("Historical record: %(reason)s") % {"reason": reason}
    for stage in path:
        if stage == Stage.ACCEPTED:
            _acceptance_save(
                project=project,
                by=by,
                accepted_on=checked(accepted_on),
                residents_present=residents_present or 0,
                participants=participants,
                reason=reason,
            )
        if stage == Stage.ACCEPTED and quantities:
            _report_file(
                project=project, by=by, day=checked(quantities_on), values=quantities, note=waiver
            )
            quantities = {}
        services.project_stage_transition(
            project=project,
            to_stage=stage,
            by=by,
            reason=waiver,
            effective_date=given[stage],
            waiver_reason=reason,
        )
    if quantities:
        _report_file(
            project=project, by=by, day=checked(quantities_on), values=quantities, note=waiver
        )


def _acceptance_save(
    *,
    project: Project,
    by: User,
    accepted_on: dt.date,
    residents_present: int,
    participants: str,
    reason: str,
) -> AcceptanceRecord:
    record = AcceptanceRecord.objects.filter(project=project).first() or AcceptanceRecord(
        project=project
    )
    record.accepted_on = accepted_on
    record.residents_present = residents_present
    record.participants = (participants or "").strip() or record.participants
    record.passed = True
    stamp(record, by=by, reason=reason)
    record.save()
    return record


def _report_file(
    *, project: Project, by: User, day: dt.date, values: dict[int, Decimal], note: str
) -> ProgressReport:
    """One submitted report of the quantities completed to date (district-entered)."""
    report = ProgressReport.objects.filter(project=project, report_date=day).first()
    if report is None:
        report = ProgressReport(project=project, report_date=day, note=note)
        stamp(report, by=by)
        report.save()
    report.lines.filter(work_item_id__in=values).delete()
    ProgressReportLine.objects.bulk_create(
        ProgressReportLine(report=report, work_item_id=item_id, quantity_to_date=value)
        for item_id, value in values.items()
    )
    services.project_progress_recompute(project=project, by=by)
    return report


def _money_enter(*, project: Project, by: User, rows: Sequence[Mapping[str, object]]) -> None:
    """Each row: a commitment, approved, with its receipt and spending, booked by funding's
    services (which check amounts, dates and who may book them). Funding sits above
    programmes, so it registers the booking step in `programmes.gates` when it loads."""
    if not rows:
        return
    book = hook("historical_money")
    if book is None:
        raise ValidationError({"money": [_("Money cannot be entered: funding is not installed.")]})
    errors: dict[str, list[str]] = {}
    for index, row in enumerate(rows):
        try:
            with transaction.atomic():
                book(project=project, by=by, row=row)
        except ValidationError as error:
            errors.update(_money_errors(error, index))
    if errors:
        raise ValidationError(errors)

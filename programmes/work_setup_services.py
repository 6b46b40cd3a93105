"""Set-up writes of a project's works: work items (free before construction, with a reason
after), the completion acceptance record, and the district's own work types.

Same conventions as `setup_services`: district officials within their district, everything
validated before anything is written, who and why in the history, versions compared.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from programmes import dates, plausibility, stale
from renovation.audit import stamp
from renovation.errors import ConflictError
from renovation.validation import checked
from renovation.warnings import PlausibilityWarning, confirm_or_raise, confirmed_reason

from .models import AcceptanceRecord, Category, District, Project, Stage, WorkItem, WorkType
from .services import project_progress_recompute
from .setup_services import (
    CENT,
    Errors,
    _check_version,
    _dates,
    _money,
    _require_district,
    _text,
)

if TYPE_CHECKING:
    from renovation.models import User

QUANTITY_MAX = Decimal("1e12")


def works_locked(project: Project) -> bool:
    """From construction on, work items change only with a reason (kept in the history)."""
    return Stage.order(project.stage) >= Stage.order(Stage.CONSTRUCTION)


def _reason_needed(project: Project, reason: str, errors: Errors) -> str:
    reason = _text(reason)
    if works_locked(project) and not reason:
        errors.add(
            "reason",
            _(
                "Construction has started (stage “%(stage)s”): give a reason for changing the "
                "work items."
            )
            % {"stage": project.get_stage_display()},
        )
    return reason


# --- Work items ----------------------------------------------------------------------------

ITEM_FIELDS = (
    "work_type",
    "description",
    "planned_quantity",
    "budget",
    "planned_start",
    "planned_end",
)


def _validate_item(
    item: WorkItem,
    project: Project,
    errors: Errors,
    *,
    quantity: Decimal | None,
    budget: Decimal | None,
) -> None:
    """Every field's error; `quantity` and `budget` are checked before they reach a new item."""
    work_type = item.work_type
    if work_type is None:
        errors.add("work_type", _("Choose a work type."))
    elif (
        work_type.district_id not in (None, project.compound.street.district_id)
        or not work_type.is_active
    ):
        errors.add("work_type", _("Choose a work type of the catalogue or of your district."))
    if (
        quantity is None
        or not quantity.is_finite()
        or quantity <= 0
        or quantity >= QUANTITY_MAX
        or quantity != quantity.quantize(CENT)
    ):
        errors.add(
            "planned_quantity",
            _("Enter the planned quantity, more than zero, with at most two decimals."),
        )
    _money(errors, "budget", budget)
    item.description = _text(item.description)
    if len(item.description) > 255:
        errors.add("description", _("Write at most %(n)s characters.") % {"n": 255})
    _dates(errors, item.planned_start, item.planned_end)
    if (
        work_type is not None
        and WorkItem.objects.filter(project=project, work_type=work_type)
        .exclude(pk=item.pk)
        .exists()
    ):
        errors.add("work_type", _("The project already has a work item of this type."))


def _household_warnings(
    item: WorkItem, project: Project, confirmed: bool
) -> list[PlausibilityWarning]:
    """Per-household work (gas, power, network connections: unit 户) planned for more
    households than the compound has is a warning to confirm, never saved silently."""
    if item.work_type is None or item.planned_quantity is None:
        return []
    found = plausibility.per_household_work(
        compound=project.compound,
        work_type=item.work_type,
        planned_quantity=item.planned_quantity,
    )
    return confirm_or_raise(found, confirmed=confirmed)


@transaction.atomic
def work_item_add(
    *,
    project: Project,
    by: User,
    work_type: WorkType | None,
    planned_quantity: Decimal | None,
    budget: Decimal | None = Decimal("0"),
    description: str = "",
    planned_start: dt.date | None = None,
    planned_end: dt.date | None = None,
    reason: str = "",
    confirm_warnings: bool = False,
) -> WorkItem:
    _require_district(by, project.compound.street.district_id)
    project = (
        Project.objects.select_for_update().select_related("compound__street").get(pk=project.pk)
    )
    errors = Errors()
    reason = _reason_needed(project, reason, errors)
    item = WorkItem(
        project=project,
        work_type=work_type,
        description=description,
        planned_start=planned_start,
        planned_end=planned_end,
    )
    _validate_item(item, project, errors, quantity=planned_quantity, budget=budget)
    errors.raise_if_any()
    item.planned_quantity, item.budget = checked(planned_quantity), checked(budget)
    confirmed = _household_warnings(item, project, confirm_warnings)
    stamp(item, by=by, reason=confirmed_reason(reason or _("Work item added"), confirmed))
    try:
        with transaction.atomic():
            item.save()
    except IntegrityError:
        raise ValidationError(
            {"work_type": [_("The project already has a work item of this type.")]}
        ) from None
    project_progress_recompute(project=project, by=by)
    stale.mark_dirty(project_ids=[project.pk])
    return item


@transaction.atomic
def work_item_change(
    *,
    item: WorkItem,
    by: User,
    version: int | None,
    reason: str = "",
    confirm_warnings: bool = False,
    **changes: Any,
) -> WorkItem:
    project = item.project
    _require_district(by, project.compound.street.district_id)
    locked = WorkItem.objects.select_for_update().select_related("work_type").get(pk=item.pk)
    _check_version(locked.version, version)
    unknown = set(changes) - set(ITEM_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown field: %(name)s.") % {"name": ", ".join(sorted(unknown))})
    project = Project.objects.select_related("compound__street").get(pk=locked.project_id)
    errors = Errors()
    reason = _reason_needed(project, reason, errors)
    for field, value in changes.items():
        setattr(locked, field, value)
    _validate_item(locked, project, errors, quantity=locked.planned_quantity, budget=locked.budget)
    errors.raise_if_any()
    confirmed = _household_warnings(locked, project, confirm_warnings)
    locked.version += 1
    stamp(locked, by=by, reason=confirmed_reason(reason or _("Work item changed"), confirmed))
    locked.save()
    project_progress_recompute(project=project, by=by)
    stale.mark_dirty(project_ids=[project.pk])
    return locked


@transaction.atomic
def work_item_remove(
    *, item: WorkItem, by: User, version: int | None = None, reason: str = ""
) -> None:
    """Remove a work item; after construction has started only with a reason. The removal
    (and the reason) stays in the item's history."""
    project = Project.objects.select_related("compound__street").get(pk=item.project_id)
    _require_district(by, project.compound.street.district_id)
    locked = WorkItem.objects.select_for_update().get(pk=item.pk)
    _check_version(locked.version, version)
    errors = Errors()
    reason = _reason_needed(project, reason, errors)
    errors.raise_if_any()
    stamp(locked, by=by, reason=reason or _("Work item removed"))
    try:
        with transaction.atomic():
            locked.delete()
    except ProtectedError:
        raise ValidationError(
            _(
                "Expenditures are booked against this work item: it cannot be removed. Change "
                "its planned quantity instead, or move the expenditures first."
            )
        ) from None
    project_progress_recompute(project=project, by=by)
    stale.mark_dirty(project_ids=[project.pk])


# --- Acceptance ----------------------------------------------------------------------------


@transaction.atomic
def acceptance_record_save(
    *,
    project: Project,
    by: User,
    accepted_on: dt.date | None,
    residents_present: int | None,
    participants: str = "",
    passed: bool = True,
    notes: str = "",
    version: int | None = None,
    confirm_warnings: bool = False,
) -> AcceptanceRecord:
    """Record (or correct) the completion acceptance (竣工验收) of a project. The gate into
    'accepted' reads it; once accepted, a corrected date is also the completion date."""
    project = (
        Project.objects.select_for_update().select_related("compound__street").get(pk=project.pk)
    )
    _require_district(by, project.compound.street.district_id)
    existing = AcceptanceRecord.objects.select_for_update().filter(project=project).first()
    if existing is not None:
        _check_version(existing.version, version)
    elif version is not None:
        raise ConflictError()
    errors = Errors()
    if Stage.order(project.stage) < Stage.order(Stage.CONSTRUCTION):
        errors.add(
            "__all__",
            _(
                "Acceptance is recorded once construction has started; the project is at "
                "“%(stage)s”."
            )
            % {"stage": project.get_stage_display()},
        )
    today = timezone.localdate()
    if accepted_on is None:
        errors.add("accepted_on", _("Enter the date."))
    elif accepted_on > today:
        errors.add("accepted_on", _("The date cannot be in the future."))
    if residents_present is None or residents_present < 0:
        errors.add("residents_present", _("Enter the number of resident representatives present."))
    elif residents_present > 10000:
        errors.add("residents_present", _("Enter a plausible number of representatives."))
    participants, notes = _text(participants), _text(notes)
    if len(participants) > 4000 or len(notes) > 4000:
        errors.add("notes", _("Write at most %(n)s characters.") % {"n": 4000})
    accepted = Stage.order(project.stage) >= Stage.order(Stage.ACCEPTED)
    if accepted and (not passed or not residents_present):
        errors.add(
            "passed",
            _(
                "The project has been accepted on this record: return it to construction "
                "before recording a failed acceptance or one without residents."
            ),
        )
    errors.raise_if_any()
    # Before the start of construction is possible (a date entered wrongly, or history entered
    # late) but worth a second look: the user confirms it (dates.acceptance_warnings).
    confirmed = confirm_or_raise(
        [
            PlausibilityWarning("acceptance_before_start", message, "accepted_on")
            for message in dates.acceptance_warnings(
                started_on=project.started_on, accepted_on=accepted_on
            )
        ],
        confirmed=confirm_warnings,
    )
    record = existing or AcceptanceRecord(project=project)
    record.accepted_on = checked(accepted_on)
    record.residents_present = checked(residents_present)
    record.participants = participants
    record.passed = bool(passed)
    record.notes = notes
    if existing is not None:
        record.version += 1
    done = _("Acceptance recorded") if existing is None else _("Acceptance corrected")
    stamp(record, by=by, reason=confirmed_reason(done, confirmed))
    record.save()
    # Once accepted, the acceptance date is the completion date (完工); past snapshots follow.
    dates.project_completion_follow_acceptance(project=project, by=by)
    stale.mark_dirty(project_ids=[project.pk])
    return record


# --- District work types -------------------------------------------------------------------


def duplicate_name() -> str:
    return _("A work type of this name is already in the national catalogue or your district.")


def _validate_work_type(work_type: WorkType, errors: Errors) -> None:
    work_type.name_zh = _text(work_type.name_zh)
    work_type.name_en = _text(work_type.name_en)
    if not work_type.name_zh:
        errors.add("name_zh", _("Enter the Chinese name."))
    elif len(work_type.name_zh) > 64:
        errors.add("name_zh", _("Write at most %(n)s characters.") % {"n": 64})
    if len(work_type.name_en) > 96:
        errors.add("name_en", _("Write at most %(n)s characters.") % {"n": 96})
    if work_type.unit not in WorkType.Unit.values:
        errors.add("unit", _("Choose a unit."))
    if work_type.category not in Category.values:
        errors.add("category", _("Choose one of basic, improvement, enhancement."))
    same_scope = WorkType.objects.filter(
        Q(district__isnull=True) | Q(district_id=work_type.district_id)
    ).exclude(pk=work_type.pk)
    if work_type.name_zh and same_scope.filter(name_zh=work_type.name_zh).exists():
        errors.add(
            "name_zh",
            duplicate_name(),
        )
    if (
        work_type.name_en
        and same_scope.annotate(en=Lower("name_en")).filter(en=work_type.name_en.lower()).exists()
    ):
        errors.add(
            "name_en",
            duplicate_name(),
        )


def _district_code(district: District) -> str:
    base = re.sub(r"[^a-z0-9-]", "", (district.code or str(district.pk)).lower()) or "d"
    taken = WorkType.objects.filter(code__startswith=f"{base}-").count()
    return f"{base}-{taken + 1}"


@transaction.atomic
def work_type_create(
    *,
    district: District,
    by: User,
    name_zh: str,
    unit: str,
    category: str,
    name_en: str = "",
) -> WorkType:
    """A work type of the district's own (幼儿园, 四网入户, 口袋公园 ...), seen in it only."""
    _require_district(by, district.pk)
    work_type = WorkType(
        district=district,
        name_zh=name_zh,
        name_en=name_en,
        unit=unit,
        category=category,
        sort_order=900,
    )
    errors = Errors()
    _validate_work_type(work_type, errors)
    errors.raise_if_any()
    if not work_type.name_en:
        work_type.name_en = work_type.name_zh
    work_type.code = _district_code(district)
    stamp(work_type, by=by, reason=_("District work type added"))
    try:
        with transaction.atomic():
            work_type.save()
    except IntegrityError:
        raise ValidationError({"name_zh": [duplicate_name()]}) from None
    return work_type


@transaction.atomic
def work_type_update(*, work_type: WorkType, by: User, **changes: Any) -> WorkType:
    """Rename, re-unit, re-categorise or retire one of the district's own work types (the
    national catalogue is not changed by districts)."""
    if work_type.district_id is None:
        raise PermissionDenied(_("The national catalogue is not changed by districts."))
    _require_district(by, work_type.district_id)
    locked = WorkType.objects.select_for_update().get(pk=work_type.pk)
    allowed = {"name_zh", "name_en", "unit", "category", "is_active"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError(_("Unknown field: %(name)s.") % {"name": ", ".join(sorted(unknown))})
    for field, value in changes.items():
        setattr(locked, field, value)
    errors = Errors()
    _validate_work_type(locked, errors)
    errors.raise_if_any()
    if not locked.name_en:
        locked.name_en = locked.name_zh
    stamp(locked, by=by, reason=_("District work type changed"))
    locked.save()
    return locked


__all__ = [
    "acceptance_record_save",
    "work_item_add",
    "work_item_change",
    "work_item_remove",
    "work_type_create",
    "work_type_update",
    "works_locked",
]

"""One row of the programme import (项目清单) through the set-up services: its compound (found
or registered), its project (created or updated), its work items' planned quantities and, for a
row that reached a later stage, the historical record of its dates, quantities and money (see
programme_import, which runs every row in its own savepoint)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .geography_services import compound_create
from .history_services import project_historical_record_enter
from .models import Category, Compound, Programme, Project, Stage, Street, WorkItem, WorkType
from .programme_import_columns import DATED_STAGES, MONEY_COLUMNS
from .project_setup_services import project_create, project_update
from .work_setup_services import work_item_add, work_item_change

if TYPE_CHECKING:
    from renovation.models import User

    from .programme_import import ProgrammeImportResult


@dataclass
class ProjectRow:
    number: int
    values: dict[str, Any]
    planned: dict[int, Decimal]  # work type id -> planned quantity
    completed: dict[int, Decimal]
    ok: bool = True  # no cell error: the row goes through the services


def _compound_for(
    user: User, programme: Programme, values: dict[str, Any], result: ProgrammeImportResult
) -> Compound:
    code = values.get("code") or None
    street = Street.objects.filter(district=programme.district_id, name=values.get("street") or "")
    street = street.first()
    if code:
        found = Compound.objects.filter(street__district=programme.district_id, code=code).first()
        if found is not None:
            return found
    if street is None:
        raise ValidationError(
            {
                "street": _("no street office “%(name)s” in %(district)s.")
                % {"name": values.get("street", ""), "district": programme.district.name}
            }
        )
    found = Compound.objects.filter(street=street, name=values.get("compound") or "").first()
    if found is not None:
        return found
    if not values.get("compound"):
        raise ValidationError({"compound": _("the compound name is empty.")})
    result.compounds_new += 1
    extra = {k: values[k] for k in ("households", "year_built") if values.get(k) is not None}
    return compound_create(by=user, street=street, name=values["compound"], code=code, **extra)


PROJECT_KEYS = ("name", "contractor", "supervisor", "designer", "planned_start", "planned_end")


def project_row_write(
    user: User,
    programme: Programme,
    row: ProjectRow,
    result: ProgrammeImportResult,
    item_types: dict[int, int],
    confirm_warnings: bool,
    seen: dict[int, int],
) -> None:
    """Write one row; `item_types` collects work item id -> work type id (to place a service's
    error in its column), `seen` compound id -> the row that imports it."""
    values = row.values
    compound = _compound_for(user, programme, values, result)
    if compound.pk in seen:  # one project per compound: a second row would overwrite the first
        raise ValidationError(
            {
                "compound": _("this row and row %(row)s are the same compound.")
                % {"row": seen[compound.pk]}
            }
        )
    seen[compound.pk] = row.number
    reason = values.get("reason") or _("Programme import")
    project = _project_write(user, programme, compound, values, reason, result)
    items = _work_items_write(user, project, row, reason, confirm_warnings, item_types)
    _history_write(user, project, row, items, confirm_warnings)


def _project_write(
    user: User,
    programme: Programme,
    compound: Compound,
    values: dict[str, Any],
    reason: str,
    result: ProgrammeImportResult,
) -> Project:
    """The programme's project for the compound, created or updated with the row's set-up."""
    setup = {k: values[k] for k in PROJECT_KEYS if k in values and values[k] is not None}
    if values.get("budget") is not None:
        setup["budget"] = values["budget"]
    project = Project.objects.filter(programme=programme, compound=compound).first()
    if project is None:
        result.projects_new += 1
        return project_create(
            by=user,
            programme=programme,
            compound=compound,
            year=values.get("year"),
            categories=values.get("categories") or [Category.BASIC],
            **setup,
        )
    result.projects_updated += 1
    if values.get("year") is not None:
        setup["year"] = values["year"]
    if values.get("categories"):
        setup["categories"] = values["categories"]
    return project_update(project=project, by=user, version=project.version, reason=reason, **setup)


def _work_items_write(
    user: User,
    project: Project,
    row: ProjectRow,
    reason: str,
    confirm_warnings: bool,
    item_types: dict[int, int],
) -> dict[int, WorkItem]:
    """The project's work items by work type, with the row's planned quantities added or
    changed; a completed quantity needs its planned one."""
    existing = {i.work_type_id: i for i in WorkItem.objects.filter(project=project)}
    types = {t.pk: t for t in WorkType.objects.filter(pk__in=row.planned)}
    for type_id, planned in row.planned.items():
        item = existing.get(type_id)
        if item is None:
            item = work_item_add(
                project=project,
                by=user,
                work_type=types[type_id],
                planned_quantity=planned,
                reason=reason,
                confirm_warnings=confirm_warnings,
            )
        elif item.planned_quantity != planned:
            item = work_item_change(
                item=item,
                by=user,
                version=item.version,
                reason=reason,
                confirm_warnings=confirm_warnings,
                planned_quantity=planned,
            )
        existing[type_id] = item
        item_types[item.pk] = type_id
    for type_id in row.completed:
        if type_id not in existing:
            raise ValidationError(
                {"": _("A completed quantity needs the planned quantity of the same work type.")}
            )
    return existing


def _history_write(
    user: User,
    project: Project,
    row: ProjectRow,
    items: dict[int, WorkItem],
    confirm_warnings: bool,
) -> None:
    """A row that reached a later stage than its project's: the dates of the stages between,
    the completed quantities and the money, entered as a historical record."""
    values = row.values
    stage = values.get("stage")
    if not stage or Stage.order(stage) <= Stage.order(project.stage):
        return
    project.refresh_from_db()
    stage_dates = {
        s: values.get(f"date_{s}")
        for s in DATED_STAGES
        if Stage.order(project.stage) < Stage.order(s) <= Stage.order(stage)
    }
    accepted_on = values.get(f"date_{Stage.ACCEPTED}")
    project_historical_record_enter(
        project=project,
        by=user,
        reason=values.get("reason") or "",
        stage_dates=stage_dates,
        quantities={items[t].pk: q for t, q in row.completed.items()},
        accepted_on=accepted_on,
        residents_present=values.get("residents_present"),
        participants=values.get("participants") or "",
        money=_historical_money(values, accepted_on),
        confirm_warnings=confirm_warnings,
    )


def _historical_money(values: dict[str, Any], accepted_on: dt.date | None) -> list[dict]:
    """The row's money columns, booked as received and spent on the acceptance date."""
    return [
        {
            "sub_type": sub_type,
            "funder": str(_("Central government") if key == "money_central" else _("District")),
            "amount": values[key],
            "received": values[key],
            "received_on": accepted_on,
            "spent": values[key],
            "spent_on": accepted_on,
        }
        for key, sub_type in MONEY_COLUMNS.items()
        if values.get(key)
    ]

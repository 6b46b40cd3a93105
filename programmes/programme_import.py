"""Programme import (项目清单): a programme's projects from the sheet officials already keep.

One row per project: its compound (found by registry code, else by street office and name,
else registered), plan year, categories, total investment, contractor, supervisor, designer,
planned dates; the stage it reached with the date of each stage (a historical record: gates
waived for the reason in the row); and one column per work type, "<name>(计划)" for the planned
quantity and "<name>(完成)" for the quantity completed (historical rows).

Re-importing updates instead of duplicating. The project code is the compound's: a programme
has one project per compound (一院一策), so a row finds its project by the programme and the
compound's registry code (or street office and name). Work items are found by work type.

Every row goes through the same services as the set-up pages and API (compound_create,
project_create / project_update, work_item_add / work_item_change,
project_historical_record_enter), each row in its own savepoint so that every error of every
row is listed by sheet, row and column. The whole run is one transaction, rolled back when it
is a check, when any row has an error, or when warnings are not confirmed: all or nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import override, pgettext, pgettext_lazy
from openpyxl.utils import get_column_letter

from renovation.access import can_set_up_in_district, require
from renovation.sheets import SheetLimits
from renovation.xlsx import Column, Table, write_workbook

from .geography_services import compound_create
from .history_services import project_historical_record_enter, stage_field
from .imports import (
    MAX_ROWS,
    CellError,
    Field,
    RawTable,
    RowError,
    _columns,
    _f,
    _norm,
    _parse,
    _text,
    read_tables,
)
from .models import Category, Compound, Programme, Project, Stage, Street, WorkItem, WorkType
from .project_setup_services import project_create, project_update
from .work_setup_services import work_item_add, work_item_change

if TYPE_CHECKING:
    from renovation.models import User

# Two columns per work type of the national catalogue and the district's own, beside ~30.
SHEET_LIMITS = SheetLimits(rows=MAX_ROWS + 50, columns=600, cells=5_000_000)
PLANNED = "(计划)"
COMPLETED = "(完成)"
# Stages whose date a row may give (the project starts at 摸排 when it is created).
DATED_STAGES = Stage.values[1:]
# Money of a historical row: booked as received and spent on the acceptance date.
MONEY_COLUMNS = {"money_central": "central_subsidy", "money_district": "district_budget"}

# The usual Chinese headers of each stage's date (the template writes "<stage>日期").
STAGE_DATE_ALIASES = {
    Stage.CONSULTATION: {"意愿征集日期", "协商日期"},
    Stage.DESIGN: {"方案设计日期", "设计日期"},
    Stage.APPROVED: {"已批复日期", "批复日期", "审批日期"},
    Stage.TENDERING: {"招标日期"},
    Stage.CONSTRUCTION: {"施工日期", "开工日期", "实际开工日期"},
    Stage.ACCEPTED: {"竣工验收日期", "验收日期", "完工日期"},
    Stage.HANDED_OVER: {"长效管理日期", "移交日期"},
}

FIELDS: list[Field] = [
    _f(
        "code",
        pgettext_lazy("census", "Registry code"),
        {"小区编码", "编码", "项目编号"},
        example="LZ-0001",
    ),
    _f(
        "street",
        pgettext_lazy("census", "Street office"),
        {"街道", "街道办", "所属街道"},
        example="城关街道",
    ),
    _f(
        "compound",
        pgettext_lazy("census", "Compound name"),
        {"小区名称", "小区", "院落名称"},
        max_length=128,
        example="建设小区",
    ),
    _f("households", pgettext_lazy("census", "Households"), {"户数", "总户数"}, "int", example=120),
    _f(
        "year_built",
        pgettext_lazy("census", "Year built"),
        {"建成年份", "建成年代"},
        "year",
        example=1995,
    ),
    _f(
        "name",
        pgettext_lazy("programme import", "Project name"),
        {"项目名称"},
        max_length=160,
        example="建设小区老旧小区改造",
    ),
    _f(
        "year",
        pgettext_lazy("programme import", "Plan year"),
        {"计划年度", "年度", "改造年度"},
        "year",
        example=2021,
    ),
    _f(
        "categories",
        pgettext_lazy("programme import", "Categories"),
        {"改造类别", "类别"},
        "categories",
        example="基础类、完善类",
    ),
    _f(
        "budget",
        pgettext_lazy("programme import", "Total investment (yuan)"),
        {"总投资(元)", "总投资"},
        "decimal",
        example=Decimal("3600000.00"),
    ),
    _f(
        "contractor",
        pgettext_lazy("programme import", "Contractor"),
        {"施工单位"},
        max_length=160,
        example="某建设工程有限公司",
    ),
    _f(
        "supervisor",
        pgettext_lazy("programme import", "Supervisor"),
        {"监理单位"},
        max_length=160,
        example="某工程监理有限公司",
    ),
    _f(
        "designer",
        pgettext_lazy("programme import", "Designer"),
        {"设计单位"},
        max_length=160,
        example="某设计研究院",
    ),
    _f(
        "planned_start",
        pgettext_lazy("programme import", "Planned start"),
        {"计划开工日期", "计划开工"},
        "date",
        example=dt.date(2021, 4, 1),
    ),
    _f(
        "planned_end",
        pgettext_lazy("programme import", "Planned completion"),
        {"计划完工日期", "计划完工"},
        "date",
        example=dt.date(2021, 11, 30),
    ),
    _f(
        "stage",
        pgettext_lazy("programme import", "Stage reached"),
        {"当前阶段", "阶段"},
        "stage",
        example="长效管理",
    ),
    *[
        _f(
            f"date_{stage}",
            format_lazy(pgettext_lazy("programme import", "{stage} date"), stage=label),
            STAGE_DATE_ALIASES[stage],
            "date",
            example=dt.date(2021, month, 5 + i),
        )
        for i, (stage, label, month) in enumerate(
            zip(DATED_STAGES, Stage.labels[1:], (1, 2, 2, 3, 4, 11, 12), strict=True)
        )
    ],
    _f(
        "residents_present",
        pgettext_lazy("programme import", "Residents at acceptance"),
        {"验收居民代表人数"},
        "int",
        example=8,
    ),
    _f(
        "participants",
        pgettext_lazy("programme import", "Acceptance participants"),
        {"验收参加单位"},
        max_length=255,
        example="区住建局、街道办、施工单位、监理单位、居民代表",
    ),
    _f(
        "money_central",
        pgettext_lazy("programme import", "Central subsidy (yuan)"),
        {"中央补助资金(元)"},
        "decimal",
        example=Decimal("2000000.00"),
    ),
    _f(
        "money_district",
        pgettext_lazy("programme import", "District budget (yuan)"),
        {"区县财政资金(元)"},
        "decimal",
        example=Decimal("1600000.00"),
    ),
    _f(
        "reason",
        pgettext_lazy("programme import", "Source of past dates"),
        {"补录依据"},
        example="2021年度改造项目竣工验收资料",
    ),
]


@dataclass
class ProgrammeImportResult:
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    rows: int = 0
    projects_new: int = 0
    projects_updated: int = 0
    compounds_new: int = 0
    committed: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


def _work_types(programme: Programme) -> list[WorkType]:
    return list(
        WorkType.objects.filter(is_active=True, district__in=[programme.district_id])
        | WorkType.objects.filter(is_active=True, district__isnull=True)
    )


def _category_names(category: Category) -> set[str]:
    """The names a sheet may use for a category: its value, and its label in Chinese (基础类,
    or 基础) and English, whatever the reader's language."""
    names = {category.value}
    for language in ("zh-hans", "en"):
        with override(language):
            label = _norm(category.label)
        names |= {label, label.removesuffix("类"), f"{label}类"}
    return names


def _parse_cell(spec: Field, value: object) -> object:
    if spec.parse == "date":
        if value in (None, ""):
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(_text(value).replace("/", "-").replace(".", "-"))
        except ValueError:
            raise CellError(
                _("“%(value)s” is not a date (year-month-day).") % {"value": value}
            ) from None
    if spec.parse == "categories":
        chosen = []
        for part in _text(value).replace("，", "、").replace(",", "、").split("、"):
            part = part.strip()
            if not part:
                continue
            match = [c for c in Category if _norm(part) in _category_names(c)]
            if not match:
                raise CellError(_("“%(value)s” is not 基础类, 完善类 or 提升类.") % {"value": part})
            chosen.append(match[0].value)
        return chosen
    if spec.parse == "stage":
        text = _text(value)
        if not text:
            return None
        for stage in Stage:
            if _norm(text) in (_norm(stage.value), _norm(stage.label)):
                return stage.value
        raise CellError(
            _("“%(value)s” is not a stage; use one of: %(choices)s.")
            % {"value": text, "choices": "、".join(str(label) for label in Stage.labels)}
        )
    return _parse(spec, value)


@dataclass
class _Row:
    number: int
    values: dict[str, Any]
    planned: dict[int, Decimal]  # work type id -> planned quantity
    completed: dict[int, Decimal]
    ok: bool = True  # no cell error: the row goes through the services


def _quantity(value: object) -> Decimal | None:
    return _parse(Field("q", "", frozenset(), "decimal"), value)


def _read_rows(table: RawTable, columns: dict[str, int], type_columns: dict, errors) -> list[_Row]:
    specs = [spec for spec in FIELDS if spec.key in columns]
    rows = []
    for number, cells in table.rows:

        def cell(index: int, cells=cells) -> object:
            return cells[index] if index < len(cells) else None

        def fail(index: int, message: str, number=number) -> None:
            errors.append(
                RowError(
                    table.sheet,
                    number,
                    get_column_letter(index + 1),
                    _text(table.header[index]),
                    message,
                )
            )

        row = _Row(number, {}, {}, {})
        for spec in specs:
            try:
                row.values[spec.key] = _parse_cell(spec, cell(columns[spec.key]))
            except CellError as error:
                row.ok = False
                fail(columns[spec.key], str(error))
        for (type_id, kind), index in type_columns.items():
            try:
                quantity = _quantity(cell(index))
            except CellError as error:
                row.ok = False
                fail(index, str(error))
                continue
            if quantity is not None:
                (row.planned if kind == PLANNED else row.completed)[type_id] = quantity
        rows.append(row)
    return rows


def _error_column(key: str, columns: dict[str, int], item_types: dict[int, int], type_columns):
    """The column of a service's error key (a field, a stage date, a work item's quantity)."""
    if key.startswith("item_") or key.startswith("quantity_"):
        digits = "".join(ch for ch in key if ch.isdigit())
        type_id = item_types.get(int(digits)) if digits else None
        return type_columns.get((type_id, COMPLETED))
    if key.startswith("money."):
        return columns.get("money_central")
    aliases = {"accepted_on": stage_field(Stage.ACCEPTED), "compound": "compound", "name": "name"}
    return columns.get(aliases.get(key, key))


def programme_import(
    *,
    user: User,
    programme: Programme,
    upload,
    commit: bool = False,
    confirm_warnings: bool = False,
) -> ProgrammeImportResult:
    """Check (`commit` false: nothing is written) or import a 项目清单 into `programme`."""
    require(
        can_set_up_in_district(user, programme.district_id),
        _("Only the district's officials set up its programmes and projects."),
    )
    result = ProgrammeImportResult()
    tables, result.errors = read_tables(upload, SHEET_LIMITS)
    if result.errors:
        return result
    types = _work_types(programme)
    type_names = {}
    for work_type in types:
        type_names[_norm(work_type.name_zh + PLANNED)] = (work_type.pk, PLANNED)
        type_names[_norm(work_type.name_zh + COMPLETED)] = (work_type.pk, COMPLETED)
    for table in tables:
        columns = _columns(table.header, FIELDS)
        if "compound" not in columns and "code" not in columns:
            continue  # the data dictionary, or another sheet that is not a project list
        if "compound" not in columns or "street" not in columns:
            result.errors.append(
                RowError(
                    table.sheet,
                    None,
                    "",
                    "",
                    _("The first row must name the columns; missing: %(missing)s.")
                    % {"missing": "、".join(str(s.label) for s in FIELDS[1:3])},
                )
            )
            continue
        type_columns = {}
        for index, header in enumerate(table.header):
            found = type_names.get(_norm(header))
            if found:
                type_columns[found] = index
            elif header and (PLANNED in header or COMPLETED in header):
                result.errors.append(
                    RowError(
                        table.sheet,
                        None,
                        get_column_letter(index + 1),
                        header,
                        _("“%(name)s” is not a work type of the catalogue or of %(district)s.")
                        % {"name": header, "district": programme.district.name},
                    )
                )
        rows = _read_rows(table, columns, type_columns, result.errors)
        result.rows += len(rows)
        if rows:
            _run(
                user,
                programme,
                table,
                columns,
                type_columns,
                rows,
                result,
                commit=commit,
                confirm_warnings=confirm_warnings,
            )
    if not result.rows and not result.errors:
        result.errors.append(RowError("", None, "", "", _("The file has no rows to import.")))
    result.errors.sort(key=lambda e: (e.sheet, e.row or 0, e.column))
    if result.errors or not commit or (result.warnings and not confirm_warnings):
        result.committed = False
    return result


class _Rollback(Exception):
    pass


def _run(user, programme, table, columns, type_columns, rows, result, *, commit, confirm_warnings):
    """Every row through the services, in one transaction; kept only for a clean commit."""
    try:
        with transaction.atomic():
            for row in rows:
                if not row.ok:
                    continue
                item_types: dict[int, int] = {}
                try:
                    with transaction.atomic():
                        _row_write(user, programme, row, result, item_types, confirm_warnings)
                except ValidationError as error:
                    _collect(error, table, columns, type_columns, row, item_types, result)
            if result.errors or not commit or (result.warnings and not confirm_warnings):
                raise _Rollback
    except _Rollback:
        result.committed = False
    else:
        result.committed = True


def _collect(error, table, columns, type_columns, row, item_types, result) -> None:
    messages = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
    for key, texts in messages.items():
        if key == "confirm_warnings":
            result.warnings += [
                _("Row %(row)s: %(message)s") % {"row": row.number, "message": t} for t in texts
            ]
            continue
        index = _error_column(key, columns, item_types, type_columns) if key else None
        for text in texts:
            if index is None:
                result.errors.append(RowError(table.sheet, row.number, "", "", text))
            else:
                result.errors.append(
                    RowError(
                        table.sheet,
                        row.number,
                        get_column_letter(index + 1),
                        _text(table.header[index]),
                        text,
                    )
                )


def _compound_for(user, programme, values, result) -> Compound:
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


def _row_write(user, programme, row: _Row, result, item_types, confirm_warnings) -> None:
    values = row.values
    compound = _compound_for(user, programme, values, result)
    setup = {k: values[k] for k in PROJECT_KEYS if k in values and values[k] is not None}
    if values.get("budget") is not None:
        setup["budget"] = values["budget"]
    project = Project.objects.filter(programme=programme, compound=compound).first()
    reason = values.get("reason") or _("Programme import")
    if project is None:
        result.projects_new += 1
        project = project_create(
            by=user,
            programme=programme,
            compound=compound,
            year=values.get("year"),
            categories=values.get("categories") or [Category.BASIC],
            **setup,
        )
    else:
        result.projects_updated += 1
        if values.get("year") is not None:
            setup["year"] = values["year"]
        if values.get("categories"):
            setup["categories"] = values["categories"]
        project = project_update(
            project=project, by=user, version=project.version, reason=reason, **setup
        )
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
            )
        elif item.planned_quantity != planned:
            item = work_item_change(
                item=item, by=user, version=item.version, reason=reason, planned_quantity=planned
            )
        existing[type_id] = item
        item_types[item.pk] = type_id
    for type_id in row.completed:
        if type_id not in existing:
            raise ValidationError(
                {"": _("A completed quantity needs the planned quantity of the same work type.")}
            )
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
    money = [
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
    project_historical_record_enter(
        project=project,
        by=user,
        reason=values.get("reason") or "",
        stage_dates=stage_dates,
        quantities={existing[t].pk: q for t, q in row.completed.items()},
        accepted_on=accepted_on,
        residents_present=values.get("residents_present"),
        participants=values.get("participants") or "",
        money=money,
        confirm_warnings=confirm_warnings,
    )


# --- Template ------------------------------------------------------------------------------


def programme_import_template(target, *, programme: Programme) -> None:
    """The 项目清单 to fill in: the projects sheet (headers, one example row, a planned and a
    completed column per work type of the catalogue and the district) and a data dictionary."""
    formats = {"int": "int", "year": "int", "decimal": "decimal", "date": "date"}
    columns = [
        Column(spec.header, formats.get(spec.parse, "text"), max(10, len(spec.header) + 4))
        for spec in FIELDS
    ]
    example = [spec.example for spec in FIELDS]
    dictionary = [
        [spec.header, str(_FIELD_HELP.get(spec.parse, "")), str(spec.example)] for spec in FIELDS
    ]
    for work_type in _work_types(programme):
        unit = work_type.get_unit_display()
        for suffix in (PLANNED, COMPLETED):
            columns.append(Column(work_type.name_zh + suffix, "decimal", 14))
            example.append(None)
            dictionary.append([work_type.name_zh + suffix, str(unit), ""])
    if len(FIELDS) < len(columns):
        example[len(FIELDS)] = Decimal("800.00")
        example[len(FIELDS) + 1] = Decimal("800.00")
    write_workbook(
        [
            Table(pgettext("sheet", "Projects"), columns, [example]),
            Table(
                pgettext("sheet", "Data dictionary"),
                [
                    Column(pgettext("programme import", "Column"), "text", 28),
                    Column(pgettext("programme import", "What to write"), "text", 60),
                    Column(pgettext("programme import", "Example"), "text", 30),
                ],
                dictionary,
            ),
        ],
        target,
    )


_FIELD_HELP = {
    "text": pgettext_lazy("programme import", "Text"),
    "int": pgettext_lazy("programme import", "Whole number"),
    "year": pgettext_lazy("programme import", "Year, e.g. 2021"),
    "decimal": pgettext_lazy("programme import", "Number, up to two decimals"),
    "date": pgettext_lazy("programme import", "Date, year-month-day"),
    "categories": pgettext_lazy("programme import", "基础类, 完善类, 提升类, separated by 、"),
    "stage": pgettext_lazy(
        "programme import", "The stage reached; with it, the date of every stage up to it"
    ),
}

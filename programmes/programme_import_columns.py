"""The columns of the programme import (项目清单): their headers in Chinese and English, how
each cell is read, and the template with its data dictionary (see programme_import)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import override, pgettext, pgettext_lazy

from renovation.sheets import SheetLimits
from renovation.xlsx import Column, Table, write_workbook

from .imports import (
    MAX_ROWS,
    CellError,
    Field,
    _f,
    _norm,
    _parse,
    _text,
)
from .models import Category, Programme, Stage, WorkType

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


def _parse_date(value: object) -> dt.date | None:
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


def _parse_categories(value: object) -> list[str]:
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


def _parse_stage(value: object) -> str | None:
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


# The cell kinds of this import; the others are read as the census reads them.
CELL_PARSERS: dict[str, Callable[[object], object]] = {
    "date": _parse_date,
    "categories": _parse_categories,
    "stage": _parse_stage,
}


def _parse_cell(spec: Field, value: object) -> object:
    parser = CELL_PARSERS.get(spec.parse)
    return parser(value) if parser is not None else _parse(spec, value)


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

"""Census import (摸排): compounds and buildings from an XLSX or CSV file.

A workbook has a compounds sheet and a buildings sheet (either may be left out); a CSV file is
one of the two. A table is a buildings table when it has a building-name column. Headers are
recognised in Chinese and English, in any order; columns left out of the file are left unchanged
on compounds that already exist.

Every row is checked before anything is written, and every problem is reported with its sheet,
row and column. The import is all or nothing: one bad row and nothing is written. Re-importing
updates by natural key instead of duplicating: a compound by its registry code (Compound.code),
else by street office and name; a building by compound and name. Street offices must exist in
the importing district; communities and areas named in the file are created when missing.

Rows are written with bulk operations (and their history), so 10,000 rows take seconds.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override, pgettext, pgettext_lazy
from openpyxl.utils import get_column_letter
from simple_history.utils import bulk_create_with_history

from renovation.access import can_approve_in_district, require
from renovation.sheets import SheetLimits, SheetTooLarge, check_sheet_limits
from renovation.uploads import check_workbook
from renovation.xlsx import Column, Table, write_workbook

from . import stale
from .census_warnings import census_warnings
from .models import Area, Building, Community, Compound, District, Street

if TYPE_CHECKING:
    from renovation.models import User

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000
# Rows include the header and a few notes above it; the template has about 30 columns.
SHEET_LIMITS = SheetLimits(rows=MAX_ROWS + 50, columns=100, cells=2_000_000)
BATCH = 500
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Field:
    key: str
    label: Any  # the header of the template, translated lazily (context "census")
    aliases: frozenset[str]  # other accepted headers, Chinese and English
    parse: str = "text"  # text, int, year, decimal, flag, status
    max_length: int = 0
    example: object = ""

    @property
    def header(self) -> str:
        return str(self.label)

    def names(self) -> set[str]:
        """Every header this column is recognised by: the template's header in the reader's
        language and in English, and the usual Chinese names of census tables."""
        with override("en"):
            english = str(self.label)
        return {_norm(english), _norm(self.header), *map(_norm, self.aliases)}


def _f(key, label, aliases, parse="text", max_length=0, example=""):
    return Field(key, label, frozenset(aliases), parse, max_length, example)


COMPOUND_FIELDS = [
    _f(
        "code",
        pgettext_lazy("census", "Registry code"),
        {"小区编码", "编码", "小区编号", "code"},
        max_length=32,
        example="QY-0001",
    ),
    _f(
        "name",
        pgettext_lazy("census", "Compound name"),
        {"小区名称", "小区", "院落名称", "name", "compound"},
        max_length=128,
        example="浣花小区",
    ),
    _f(
        "street",
        pgettext_lazy("census", "Street office"),
        {"街道", "街道办", "镇街", "所属街道", "street"},
        example="草堂街道",
    ),
    _f(
        "community",
        pgettext_lazy("census", "Community"),
        {"社区", "所属社区"},
        max_length=64,
        example="浣花社区",
    ),
    _f(
        "area",
        pgettext_lazy("census", "Area"),
        {"片区", "所属片区"},
        max_length=64,
        example="浣花片区",
    ),
    _f(
        "address",
        pgettext_lazy("census", "Address"),
        {"地址", "详细地址"},
        max_length=255,
        example="浣花北路1号",
    ),
    _f(
        "year_built",
        pgettext_lazy("census", "Year built"),
        {"建成年份", "建成年代", "建成时间"},
        "year",
        example=1992,
    ),
    _f(
        "building_count", pgettext_lazy("census", "Buildings"), {"楼栋数", "栋数"}, "int", example=6
    ),
    _f("households", pgettext_lazy("census", "Households"), {"户数", "总户数"}, "int", example=240),
    _f(
        "residents",
        pgettext_lazy("census", "Residents"),
        {"人口", "居住人口", "人数"},
        "int",
        example=680,
    ),
    _f(
        "floor_area",
        pgettext_lazy("census", "Floor area (m²)"),
        {"建筑面积", "建筑面积(㎡)", "建筑面积(m²)", "建筑面积(平方米)", "floor area"},
        "decimal",
        example=Decimal("18500.00"),
    ),
    _f(
        "survey_status",
        pgettext_lazy("census", "Survey status"),
        {"摸排结论", "摸排状态", "改造需求"},
        "status",
        example="符合改造条件",
    ),
    _f(
        "flag_incomplete_functions",
        pgettext_lazy("census", "Incomplete functions"),
        {"功能缺失", "功能不全"},
        "flag",
        example="是",
    ),
    _f(
        "flag_ageing_facilities",
        pgettext_lazy("census", "Ageing facilities"),
        {"设施老旧"},
        "flag",
        example="是",
    ),
    _f(
        "flag_poor_quality",
        pgettext_lazy("census", "Poor living quality"),
        {"品质不佳", "环境较差"},
        "flag",
        example="否",
    ),
    _f(
        "flag_poor_management",
        pgettext_lazy("census", "Poor management"),
        {"管理不善", "管理缺失"},
        "flag",
        example="是",
    ),
    _f(
        "flag_safety_hazard",
        pgettext_lazy("census", "Safety hazards"),
        {"安全隐患", "存在安全隐患"},
        "flag",
        example="否",
    ),
    _f("notes", pgettext_lazy("census", "Notes"), {"备注", "说明"}, example=""),
]
BUILDING_FIELDS = [
    _f(
        "compound_code",
        pgettext_lazy("census", "Registry code"),
        {"小区编码", "编码", "小区编号", "code"},
        max_length=32,
        example="QY-0001",
    ),
    _f(
        "street",
        pgettext_lazy("census", "Street office"),
        {"街道", "街道办", "镇街", "所属街道", "street"},
        example="草堂街道",
    ),
    _f(
        "compound",
        pgettext_lazy("census", "Compound name"),
        {"小区名称", "小区", "院落名称", "compound"},
        max_length=128,
        example="浣花小区",
    ),
    _f(
        "name",
        pgettext_lazy("census", "Building"),
        {"楼栋", "楼栋名称", "楼号", "楼栋号", "building name"},
        max_length=64,
        example="1栋",
    ),
    _f("floors", pgettext_lazy("census", "Floors"), {"层数", "楼层数"}, "int", example=6),
    _f("units", pgettext_lazy("census", "Units"), {"单元数"}, "int", example=2),
    _f("households", pgettext_lazy("census", "Households"), {"户数"}, "int", example=24),
    _f(
        "has_elevator",
        pgettext_lazy("census", "Has elevator"),
        {"有无电梯", "是否有电梯", "电梯", "有电梯"},
        "flag",
        example="否",
    ),
    _f(
        "year_built",
        pgettext_lazy("census", "Year built"),
        {"建成年份", "建成年代", "建成时间"},
        "year",
        example=1992,
    ),
]
BUILDING_MARKER = "name"  # a table with this building column is a buildings table

TRUE = {"是", "有", "y", "yes", "true", "1", "√", "✓", "x"}
FALSE = {"否", "无", "n", "no", "false", "0", ""}
STATUS_ALIASES = {
    "符合改造条件": Compound.SurveyStatus.ELIGIBLE,
    "需改造": Compound.SurveyStatus.ELIGIBLE,
    "纳入改造": Compound.SurveyStatus.ELIGIBLE,
    "现状良好": Compound.SurveyStatus.GOOD,
    "暂无需改造": Compound.SurveyStatus.GOOD,
    "已实施棚改": Compound.SurveyStatus.REDEVELOPED,
    "已棚改": Compound.SurveyStatus.REDEVELOPED,
    "待摸排": Compound.SurveyStatus.PENDING,
}


def _norm(text: object) -> str:
    value = str(text or "").strip().lower()
    return value.replace("（", "(").replace("）", ")").replace(" ", "").replace("\u3000", "")


# --- Results -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    sheet: str
    row: int | None
    column: str  # the column letter, "" for a problem with the whole row or file
    header: str
    message: str

    def __str__(self) -> str:
        if self.row is None:
            text = self.message
        elif self.column:
            text = _("Row %(row)s, column %(column)s (%(header)s): %(message)s") % {
                "row": self.row,
                "column": self.column,
                "header": self.header,
                "message": self.message,
            }
        else:
            text = _("Row %(row)s: %(message)s") % {"row": self.row, "message": self.message}
        return f"{self.sheet}: {text}" if self.sheet else text


@dataclass
class CensusResult:
    errors: list[RowError] = field(default_factory=list)
    compound_rows: int = 0
    building_rows: int = 0
    compounds_new: int = 0
    compounds_updated: int = 0
    compounds_unchanged: int = 0
    buildings_new: int = 0
    buildings_updated: int = 0
    buildings_unchanged: int = 0
    communities_new: int = 0
    areas_new: int = 0
    committed: bool = False
    # Plausibility warnings (census_warnings.py): an import with warnings is written only
    # when they are confirmed.
    warnings: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


# --- Reading -------------------------------------------------------------------------------


@dataclass
class RawTable:
    sheet: str
    header: list[str]
    rows: list[tuple[int, list[Any]]]  # (row number in the file, cell values)


def _tables_from_xlsx(data: bytes, limits: SheetLimits = SHEET_LIMITS) -> list[RawTable]:
    from openpyxl import load_workbook

    check_workbook(data)  # a zip with a workbook, not a zip bomb (ValueError otherwise)
    check_sheet_limits(data, limits)  # SheetTooLarge, before openpyxl builds any row

    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        tables = []
        for sheet in book.worksheets:
            rows = sheet.iter_rows(values_only=True, max_row=limits.rows, max_col=limits.columns)
            header: list[str] | None = None
            body = []
            for number, values in enumerate(rows, start=1):
                if not any(v not in (None, "") for v in values):
                    continue
                if header is None:
                    header = ["" if v is None else str(v) for v in values]
                    continue
                body.append((number, list(values)))
                if len(body) > MAX_ROWS:
                    break
            if header is not None:
                tables.append(RawTable(sheet.title, header, body))
        return tables
    finally:
        book.close()


def _tables_from_csv(data: bytes) -> list[RawTable]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes nearly anything
        raise ValueError
    header: list[str] | None = None
    body = []
    for number, values in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not any(v.strip() for v in values):
            continue
        if header is None:
            header = values
            continue
        body.append((number, values))
        if len(body) > MAX_ROWS:
            break
    return [RawTable("", header, body)] if header is not None else []


def read_tables(
    upload, limits: SheetLimits = SHEET_LIMITS
) -> tuple[list[RawTable], list[RowError]]:
    name = (getattr(upload, "name", "") or "").lower()
    if upload.size is not None and upload.size > MAX_BYTES:
        message = _("The file is larger than %(n)s MB.") % {"n": MAX_BYTES // (1024 * 1024)}
        return [], [RowError("", None, "", "", message)]
    data = upload.read()
    try:
        if name.endswith(".xlsx"):
            tables = _tables_from_xlsx(data, limits)
        elif name.endswith(".csv"):
            tables = _tables_from_csv(data)
        else:
            return [], [RowError("", None, "", "", _("Upload a .xlsx or .csv file."))]
    except SheetTooLarge as error:
        return [], [RowError("", None, "", "", error.message)]
    except Exception:  # a corrupt workbook or unreadable text: say so, never a 500
        return [], [RowError("", None, "", "", _("The file could not be read as a census table."))]
    if not tables:
        return [], [RowError("", None, "", "", _("The file is empty."))]
    for table in tables:
        if len(table.rows) > MAX_ROWS:
            message = _("A sheet has more than %(n)s rows; split the file.") % {"n": MAX_ROWS}
            return [], [RowError(table.sheet, None, "", "", message)]
    return tables, []


def _columns(header: list[str], fields: list[Field]) -> dict[str, int]:
    found: dict[str, int] = {}
    for spec in fields:
        names = spec.names()
        for index, cell in enumerate(header):
            if _norm(cell) in names:
                found[spec.key] = index
                break
    return found


# --- Parsing cells -------------------------------------------------------------------------


class CellError(Exception):
    pass


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _parse_text(spec: Field, text: str) -> str:
    if spec.max_length and len(text) > spec.max_length:
        raise CellError(_("longer than %(n)s characters.") % {"n": spec.max_length})
    return text


def _parse_whole(spec: Field, text: str) -> int | None:
    """A whole number ("int") or a year between 1900 and 2100 ("year"); blank is None."""
    if text == "":
        return None
    try:
        number = Decimal(text)
        if number != number.to_integral_value():
            raise InvalidOperation
        whole = int(number)
    except (InvalidOperation, ValueError):
        raise CellError(_("“%(value)s” is not a whole number.") % {"value": text}) from None
    if spec.parse == "year" and not 1900 <= whole <= 2100:
        raise CellError(_("the year %(value)s is not between 1900 and 2100.") % {"value": text})
    if whole < 0 or whole > 2_000_000_000:
        raise CellError(_("enter a whole number of 0 or more."))
    return whole


def _parse_decimal(spec: Field, text: str) -> Decimal | None:
    if text == "":
        return None
    try:
        number = Decimal(text.replace(",", ""))
        if not number.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        raise CellError(_("“%(value)s” is not a number.") % {"value": text}) from None
    if number < 0 or number >= Decimal("1e10"):
        raise CellError(_("enter a number of 0 or more."))
    return number.quantize(CENT)


def _parse_flag(spec: Field, text: str) -> bool:
    lowered = text.lower()
    if lowered in TRUE:
        return True
    if lowered in FALSE:
        return False
    raise CellError(_("“%(value)s” is not 是 or 否 (yes or no).") % {"value": text})


def _parse_status(spec: Field, text: str) -> str | None:
    if text == "":
        return None
    lowered = text.lower()
    for status in Compound.SurveyStatus:
        if lowered in (status.value, str(status.label).lower()):
            return status.value
    if text in STATUS_ALIASES:
        return STATUS_ALIASES[text]
    raise CellError(
        _("“%(value)s” is not a survey status; use one of: %(choices)s.")
        % {
            "value": text,
            "choices": "、".join(str(label) for label in Compound.SurveyStatus.labels),
        }
    )


# How a cell is read, by the column's `Field.parse`.
PARSERS: dict[str, Callable[[Field, str], object]] = {
    "text": _parse_text,
    "int": _parse_whole,
    "year": _parse_whole,
    "decimal": _parse_decimal,
    "flag": _parse_flag,
    "status": _parse_status,
}


def _parse(spec: Field, value: object) -> object:
    parser = PARSERS.get(spec.parse)
    if parser is None:  # pragma: no cover
        raise AssertionError(spec.parse)
    return parser(spec, _text(value))


@dataclass
class ParsedRow:
    row: int
    values: dict[str, Any]  # the columns present in the file, parsed
    ok: bool


def _parse_table(
    table: RawTable, fields: list[Field], columns: dict[str, int], errors: list[RowError]
) -> list[ParsedRow]:
    specs = [spec for spec in fields if spec.key in columns]
    parsed = []
    for number, cells in table.rows:
        values: dict[str, Any] = {}
        ok = True
        for spec in specs:
            index = columns[spec.key]
            raw = cells[index] if index < len(cells) else None
            try:
                values[spec.key] = _parse(spec, raw)
            except CellError as error:
                ok = False
                errors.append(
                    RowError(
                        table.sheet,
                        number,
                        get_column_letter(index + 1),
                        _text(table.header[index]),
                        str(error),
                    )
                )
        parsed.append(ParsedRow(number, values, ok))
    return parsed


# --- Import --------------------------------------------------------------------------------


def _cell_error(table: RawTable, columns: dict[str, int], key: str, row: int, message: str):
    index = columns.get(key)
    if index is None:
        return RowError(table.sheet, row, "", "", message)
    return RowError(
        table.sheet, row, get_column_letter(index + 1), _text(table.header[index]), message
    )


COMPOUND_UPDATABLE = [
    spec.key for spec in COMPOUND_FIELDS if spec.key not in ("street", "community", "area")
]

Columns = dict[str, int]  # field key -> index of its column in the table


def census_import(
    *,
    user: User,
    district: District,
    upload,
    commit: bool = False,
    confirm_warnings: bool = False,
) -> CensusResult:
    """Check (dry run) or import a census file for `district`. With `commit`, the rows are
    written only when no row has an error and any warnings are confirmed; otherwise nothing
    is written."""
    require(
        can_approve_in_district(user, district.pk),
        _("Census imports are made by the district's officials."),
    )
    result = CensusResult()
    tables, result.errors = read_tables(upload)
    if result.errors:
        return result
    compound_tables, building_tables = _sort_tables(tables)
    errors = result.errors
    errors += _header_errors(compound_tables, building_tables)
    if errors:
        return result

    register = Register.load(district)
    compounds = CompoundRows(register, errors)
    for table, columns in compound_tables:
        result.compound_rows += compounds.check_table(table, columns)
    compounds.check_codes_of_other_districts()
    buildings = BuildingRows(register, compounds, errors)
    for table, columns in building_tables:
        result.building_rows += buildings.check_table(table, columns)

    changes = Changes.of(compounds, buildings)
    changes.count(result, compounds, buildings)
    if result.compound_rows + result.building_rows == 0 and not errors:
        errors.append(RowError("", None, "", "", _("The file has no rows to import.")))
    result.warnings = census_warnings(compounds.plans, buildings.plans)
    if errors or not commit or (result.warnings and not confirm_warnings):
        errors.sort(key=lambda e: (e.sheet, e.row or 0, e.column))
        return result

    _write(user=user, compounds=compounds, buildings=buildings, changes=changes)
    result.committed = True
    return result


def _sort_tables(
    tables: list[RawTable],
) -> tuple[list[tuple[RawTable, Columns]], list[tuple[RawTable, Columns]]]:
    """The compounds tables and the buildings tables (those with a building-name column), each
    with its columns."""
    compound_tables, building_tables = [], []
    for table in tables:
        building_columns = _columns(table.header, BUILDING_FIELDS)
        if BUILDING_MARKER in building_columns:
            building_tables.append((table, building_columns))
        else:
            compound_tables.append((table, _columns(table.header, COMPOUND_FIELDS)))
    return compound_tables, building_tables


def _header_errors(
    compound_tables: list[tuple[RawTable, Columns]],
    building_tables: list[tuple[RawTable, Columns]],
) -> list[RowError]:
    """Tables without the columns that find a row's compound."""
    errors = []
    for table, columns in compound_tables:
        missing = [
            s for s in COMPOUND_FIELDS if s.key in ("name", "street") and s.key not in columns
        ]
        if missing:
            errors.append(_missing_columns(table, missing))
    for table, columns in building_tables:
        if "compound_code" not in columns and not {"street", "compound"} <= set(columns):
            errors.append(
                RowError(
                    table.sheet,
                    None,
                    "",
                    "",
                    _(
                        "The buildings table needs the compound's registry code, or its street "
                        "office and name."
                    ),
                )
            )
    return errors


def _missing_columns(table: RawTable, missing: list[Field]) -> RowError:
    return RowError(
        table.sheet,
        None,
        "",
        "",
        _("The first row must name the columns; missing: %(missing)s.")
        % {"missing": "、".join(spec.header for spec in missing)},
    )


@dataclass
class Register:
    """The reference data of the district: a handful of queries, whatever the file's size."""

    district: District
    streets: dict[str, Street]
    communities: dict[tuple[int, str], Community]
    areas: dict[str, Area]
    by_code: dict[str, Compound]
    by_street_name: dict[tuple[int, str], Compound]

    @classmethod
    def load(cls, district: District) -> Register:
        existing = list(Compound.objects.filter(street__district=district))
        by_street_name: dict[tuple[int, str], Compound] = {}
        for c in existing:
            by_street_name.setdefault((c.street_id, c.name), c)
        return cls(
            district=district,
            streets={s.name: s for s in Street.objects.filter(district=district)},
            communities={
                (c.street_id, c.name): c
                for c in Community.objects.filter(street__district=district)
            },
            areas={a.name: a for a in Area.objects.filter(district=district)},
            by_code={c.code: c for c in existing if c.code},
            by_street_name=by_street_name,
        )

    def no_street(self, name: object) -> str:
        return _("no street office “%(name)s” in %(district)s.") % {
            "name": name,
            "district": self.district.name,
        }


@dataclass
class CheckedRow:
    """One parsed row of a table, and where its errors go."""

    table: RawTable
    columns: Columns
    parsed: ParsedRow
    errors: list[RowError]

    @property
    def values(self) -> dict[str, Any]:
        return self.parsed.values

    @property
    def number(self) -> int:
        return self.parsed.row

    def fail(self, key: str, message: str) -> None:
        self.errors.append(_cell_error(self.table, self.columns, key, self.parsed.row, message))


class CompoundRows:
    """Checks the rows of the compounds tables and plans each compound: new, or the existing
    one the row updates (by registry code, else by street office and name)."""

    def __init__(self, register: Register, errors: list[RowError]) -> None:
        self.register = register
        self.errors = errors
        self.plans: list[dict] = []
        self.planned: dict[tuple, dict] = {}  # natural key -> plan for the compound
        self.file_codes: dict[str, int] = {}
        self.file_names: dict[tuple[int, str], int] = {}
        self.matched: dict[int, int] = {}  # existing compound id -> the row that updates it
        self.new_communities: dict[tuple[int, str], Community] = {}
        self.new_areas: dict[str, Area] = {}

    def check_table(self, table: RawTable, columns: Columns) -> int:
        rows = _parse_table(table, COMPOUND_FIELDS, columns, self.errors)
        for parsed in rows:
            self._check(CheckedRow(table, columns, parsed, self.errors))
        return len(rows)

    def _check(self, row: CheckedRow) -> None:
        v = row.values
        street = self._street(row)
        if not row.parsed.ok or not v.get("name") or street is None:
            return
        code = v.get("code") or None
        key_name = (street.pk, v["name"])
        if not self._claim_code(row, code) or not self._claim_name(row, code, key_name, street):
            return
        target = self._target(code, key_name)
        if target is not None and not self._claim_target(row, target):
            return
        self._plan(row, street, code, key_name, target)

    def _street(self, row: CheckedRow) -> Street | None:
        # Name and street are checked even on a row with bad cells: every error of every row
        # is listed at once.
        v = row.values
        street = self.register.streets.get(v.get("street") or "")
        if v.get("name", "?") == "":  # (a name too long has its own error)
            row.fail("name", _("the compound name is empty."))
        if street is None and "street" in v:
            row.fail("street", self.register.no_street(v.get("street", "")))
        return street

    def _claim_code(self, row: CheckedRow, code: str | None) -> bool:
        if code is None:
            return True
        if code in self.file_codes:
            row.fail(
                "code",
                _("registry code %(code)s is already on row %(row)s.")
                % {"code": code, "row": self.file_codes[code]},
            )
            return False
        self.file_codes[code] = row.number
        return True

    def _claim_name(
        self, row: CheckedRow, code: str | None, key_name: tuple[int, str], street: Street
    ) -> bool:
        if key_name in self.file_names and code is None:
            row.fail(
                "name",
                _("“%(name)s” in %(street)s is already on row %(row)s.")
                % {"name": key_name[1], "street": street.name, "row": self.file_names[key_name]},
            )
            return False
        self.file_names.setdefault(key_name, row.number)
        return True

    def _target(self, code: str | None, key_name: tuple[int, str]) -> Compound | None:
        """The existing compound the row updates, if any."""
        target = self.register.by_code.get(code) if code else None
        if target is None:
            candidate = self.register.by_street_name.get(key_name)
            # A compound matched by name keeps its own registry code: a different code
            # in the file is another compound of the same name.
            if candidate is not None and (not code or not candidate.code):
                target = candidate
        return target

    def _claim_target(self, row: CheckedRow, target: Compound) -> bool:
        if target.pk in self.matched:
            row.fail(
                "name",
                _("this row and row %(row)s are the same compound.")
                % {"row": self.matched[target.pk]},
            )
            return False
        self.matched[target.pk] = row.number
        return True

    def _relations(self, row: CheckedRow, street: Street) -> tuple[Community | None, Area | None]:
        """The community and area the row names, created (when written) if missing."""
        v = row.values
        community = None
        if "community" in row.columns and v.get("community"):
            ckey = (street.pk, v["community"])
            community = self.register.communities.get(ckey) or self.new_communities.setdefault(
                ckey, Community(street=street, name=v["community"])
            )
        area = None
        if "area" in row.columns and v.get("area"):
            area = self.register.areas.get(v["area"]) or self.new_areas.setdefault(
                v["area"], Area(district=self.register.district, name=v["area"])
            )
        return community, area

    def _plan(
        self,
        row: CheckedRow,
        street: Street,
        code: str | None,
        key_name: tuple[int, str],
        target: Compound | None,
    ) -> None:
        community, area = self._relations(row, street)
        plan = {
            "row": row.number,
            "target": target,
            "street": street,
            "community": community,
            "area": area,
            "values": row.values,
            "present": set(row.values),
            "table": row.table,
            "columns": row.columns,
        }
        self.plans.append(plan)
        self.planned[("code", code) if code else ("name", *key_name)] = plan
        if target is not None:
            self.planned.setdefault(("name", target.street_id, target.name), plan)
            if target.code:
                self.planned.setdefault(("code", target.code), plan)
        else:
            self.planned.setdefault(("name", *key_name), plan)

    def check_codes_of_other_districts(self) -> None:
        """A registry code is unique nationally: one of another district's compounds is an
        error (one query)."""
        if not self.file_codes:
            return
        taken = dict(
            Compound.objects.filter(code__in=list(self.file_codes))
            .exclude(street__district=self.register.district)
            .values_list("code", "street__district__name")
        )
        for plan in self.plans:
            code = plan["values"].get("code")
            if code in taken:
                self.errors.append(
                    _cell_error(
                        plan["table"],
                        plan["columns"],
                        "code",
                        plan["row"],
                        _("registry code %(code)s belongs to a compound of %(district)s.")
                        % {"code": code, "district": taken[code]},
                    )
                )


class BuildingRows:
    """Checks the rows of the buildings tables and finds each building's compound: one of the
    file (planned) or of the registry."""

    def __init__(self, register: Register, compounds: CompoundRows, errors: list[RowError]):
        self.register = register
        self.planned = compounds.planned
        self.errors = errors
        self.plans: list[dict] = []
        self.seen: dict[tuple, int] = {}  # (compound, building name) -> its row

    def check_table(self, table: RawTable, columns: Columns) -> int:
        rows = _parse_table(table, BUILDING_FIELDS, columns, self.errors)
        for parsed in rows:
            self._check(CheckedRow(table, columns, parsed, self.errors))
        return len(rows)

    def _check(self, row: CheckedRow) -> None:
        v = row.values
        if v.get("name", "?") == "":
            row.fail("name", _("the building name is empty."))
        if not row.parsed.ok or not v.get("name"):
            return
        code = v.get("compound_code") or None
        found = self._by_code(row, code) if code else self._by_name(row)
        if found is None:
            return
        plan, compound = found
        if plan is not None and plan["target"] is not None:
            compound = plan["target"]
        owner = id(plan) if compound is None else compound.pk
        bkey = (owner, v["name"])
        if bkey in self.seen:
            row.fail(
                "name",
                _("building %(name)s of this compound is already on row %(row)s.")
                % {"name": v["name"], "row": self.seen[bkey]},
            )
            return
        self.seen[bkey] = row.number
        self.plans.append({"row": row.number, "compound": compound, "plan": plan, "values": v})

    def _by_code(self, row: CheckedRow, code: str) -> tuple[dict | None, Compound | None] | None:
        plan = self.planned.get(("code", code))
        compound = self.register.by_code.get(code)
        if plan is None and compound is None:
            row.fail(
                "compound_code",
                _("no compound with registry code %(code)s in %(district)s.")
                % {"code": code, "district": self.register.district.name},
            )
            return None
        return plan, compound

    def _by_name(self, row: CheckedRow) -> tuple[dict | None, Compound | None] | None:
        v = row.values
        street = self.register.streets.get(v.get("street") or "")
        if street is None:
            row.fail("street", self.register.no_street(v.get("street", "")))
            return None
        key_name = (street.pk, v.get("compound") or "")
        plan = self.planned.get(("name", *key_name))
        compound = self.register.by_street_name.get(key_name)
        if plan is None and compound is None:
            row.fail(
                "compound",
                _("no compound “%(name)s” in %(street)s.")
                % {"name": v.get("compound", ""), "street": street.name},
            )
            return None
        return plan, compound


# Blank cells that mean "not known" (stored as NULL on a new compound), not "none".
KEEP_WHEN_BLANK = {"residents"}


def _apply(obj, values: dict, keys: Iterable[str]) -> set[str]:
    """Set the values on the object; return the names of the fields that changed."""
    changed = set()
    for key in keys:
        value = values[key]
        if key == "code":
            value = value or getattr(obj, "code", None)  # a blank code keeps the known one
        elif key in KEEP_WHEN_BLANK and value is None:
            value = getattr(obj, key, None)  # blank is unknown: a figure on record stays
        elif value is None:
            value = _default(obj, key)
        if getattr(obj, key) != value:
            setattr(obj, key, value)
            changed.add(key)
    return changed


def _default(obj, key: str) -> object:
    model_field = obj._meta.get_field(key)
    if model_field.null:
        return None
    return model_field.get_default()


def _compound_changes(plans: list[dict]) -> dict[int, set[str]]:
    """For each existing compound the fields the file changes (applied to the instance)."""
    changes: dict[int, set[str]] = {}
    for plan in plans:
        target: Compound | None = plan["target"]
        if target is None:
            continue
        keys = [k for k in COMPOUND_UPDATABLE if k in plan["present"]]
        changed = _apply(target, plan["values"], keys)
        if target.street_id != plan["street"].pk:
            target.street = plan["street"]
            changed.add("street")
        for relation in ("community", "area"):
            if relation in plan["columns"]:
                new = plan[relation]
                if getattr(target, f"{relation}_id") != (new.pk if new else None) or (
                    new is not None and new.pk is None
                ):
                    changed.add(relation)
        if changed:
            changes[id(plan)] = changed
    return changes


BUILDING_UPDATABLE = ["floors", "units", "households", "has_elevator", "year_built"]


def _building_changes(
    plans: list[dict], existing: dict[tuple[int, str], Building]
) -> dict[int, set[str]]:
    changes = {}
    for plan in plans:
        compound = plan["compound"]
        if compound is None:
            continue
        building = existing.get((compound.pk, plan["values"]["name"]))
        if building is None:
            continue
        keys = [k for k in BUILDING_UPDATABLE if k in plan["values"]]
        changed = _apply(building, plan["values"], keys)
        if changed:
            changes[id(plan)] = changed
    return changes


@dataclass
class Changes:
    """What the checked rows change: for each row (by id of its plan) that updates an existing
    compound or building, the fields it changes (already applied to the instance)."""

    compounds: dict[int, set[str]]
    buildings: dict[int, set[str]]
    existing_buildings: dict[tuple[int, str], Building]  # (compound id, name) -> building

    @classmethod
    def of(cls, compounds: CompoundRows, buildings: BuildingRows) -> Changes:
        existing: dict[tuple[int, str], Building] = {}
        if buildings.plans:
            ids = {b["compound"].pk for b in buildings.plans if b["compound"] is not None}
            existing = {
                (b.compound_id, b.name): b for b in Building.objects.filter(compound__in=ids)
            }
        return cls(
            compounds=_compound_changes(compounds.plans),
            buildings=_building_changes(buildings.plans, existing),
            existing_buildings=existing,
        )

    def count(self, result: CensusResult, compounds: CompoundRows, buildings: BuildingRows) -> None:
        """The figures of the result: new, updated and unchanged compounds and buildings."""
        compound_plans, building_plans = compounds.plans, buildings.plans
        result.compounds_new = sum(1 for p in compound_plans if p["target"] is None)
        result.compounds_updated = len(self.compounds)
        result.compounds_unchanged = (
            len(compound_plans) - result.compounds_new - len(self.compounds)
        )
        result.buildings_new = sum(
            1
            for b in building_plans
            if b["compound"] is None
            or (b["compound"].pk, b["values"]["name"]) not in self.existing_buildings
        )
        result.buildings_updated = len(self.buildings)
        result.buildings_unchanged = (
            len(building_plans) - result.buildings_new - len(self.buildings)
        )
        result.communities_new = len(compounds.new_communities)
        result.areas_new = len(compounds.new_areas)


@transaction.atomic
def _write(
    *, user: User, compounds: CompoundRows, buildings: BuildingRows, changes: Changes
) -> None:
    Community.objects.bulk_create(list(compounds.new_communities.values()), batch_size=BATCH)
    Area.objects.bulk_create(list(compounds.new_areas.values()), batch_size=BATCH)
    reason = str(_("Census import"))[:100]
    _write_compounds(user, compounds.plans, changes.compounds, reason)
    _write_buildings(user, buildings.plans, changes, reason)


def _write_compounds(
    user: User, plans: list[dict], changes: dict[int, set[str]], reason: str
) -> None:
    """Create the new compounds (each plan then names its compound as its target) and update
    the changed ones, with their history; mark their statistics stale."""
    created: list[Compound] = []
    updated: list[Compound] = []
    fields: set[str] = set()
    for plan in plans:
        target = plan["target"]
        if target is None:
            compound = Compound(
                street=plan["street"],
                community=plan["community"],
                area=plan["area"],
                created_by=user,
                updated_by=user,
            )
            keys = [k for k in COMPOUND_UPDATABLE if k in plan["present"]]
            _apply(compound, plan["values"], keys)
            plan["target"] = compound
            created.append(compound)
            continue
        changed = changes.get(id(plan))
        if not changed:
            continue
        for relation in ("community", "area"):
            if relation in changed:
                setattr(target, relation, plan[relation])
        target.updated_by = user
        fields |= changed | {"updated_by"}
        updated.append(target)
    if created:
        bulk_create_with_history(
            created, Compound, batch_size=BATCH, default_user=user, default_change_reason=reason
        )
    if updated:
        now = timezone.now()
        for compound in updated:
            compound.updated_at = now
            compound.version += 1  # a form opened before the import now conflicts
        _bulk_update(
            updated, Compound, [*sorted(fields), "updated_at", "version"], user=user, reason=reason
        )
    # The registry counts in the statistics (compounds, households, eligibility): mark the
    # streets and areas it touched, as every service does with what it changes.
    stale.mark_dirty(
        street_ids={c.street_id for c in created + updated},
        area_ids={c.area_id for c in created + updated},
    )


def _write_buildings(user: User, plans: list[dict], changes: Changes, reason: str) -> None:
    """Create the new buildings and update the changed ones, with their history."""
    new_buildings: list[Building] = []
    changed_buildings: list[Building] = []
    building_fields: set[str] = set()
    for plan in plans:
        compound = plan["compound"] or plan["plan"]["target"]
        values = plan["values"]
        building = changes.existing_buildings.get((compound.pk, values["name"]))
        if building is None:
            building = Building(compound=compound, name=values["name"], created_by=user)
            _apply(building, values, [k for k in BUILDING_UPDATABLE if k in values])
            building.updated_by = user
            new_buildings.append(building)
            continue
        changed = changes.buildings.get(id(plan))
        if changed:
            building.updated_by = user
            building.updated_at = timezone.now()
            building.version += 1
            building_fields |= changed
            changed_buildings.append(building)
    if new_buildings:
        bulk_create_with_history(
            new_buildings,
            Building,
            batch_size=BATCH,
            default_user=user,
            default_change_reason=reason,
        )
    if changed_buildings:
        _bulk_update(
            changed_buildings,
            Building,
            [*sorted(building_fields), "updated_by", "updated_at", "version"],
            user=user,
            reason=reason,
        )


def _bulk_update(objs: list, model, fields: list[str], *, user: User, reason: str) -> None:
    """UPDATE ... WHERE id = %s for each row with executemany, then the history rows in bulk.
    Django's bulk_update builds a CASE WHEN per field and row, which costs more in Python than
    the update itself for thousands of rows (scripts/bench_import.py)."""
    model_fields = [model._meta.get_field(name) for name in fields]
    assignments = ", ".join(f"{connection.ops.quote_name(f.column)} = %s" for f in model_fields)
    # Table and column names come from the model's own metadata, quoted; values are parameters.
    sql = (
        f"UPDATE {connection.ops.quote_name(model._meta.db_table)} SET {assignments} "  # nosec B608
        f"WHERE {connection.ops.quote_name(model._meta.pk.column)} = %s"
    )
    rows = [
        [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in model_fields] + [obj.pk]
        for obj in objs
    ]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(sql, rows[start : start + BATCH])
    model.history.bulk_history_create(
        objs, batch_size=BATCH, update=True, default_user=user, default_change_reason=reason
    )


# --- Template ------------------------------------------------------------------------------


def census_template(target) -> None:
    """The census workbook to fill in: a compounds sheet and a buildings sheet, each with its
    headers and one example row."""

    def table(title, fields: list[Field]) -> Table:
        types = {"int": "int", "year": "int", "decimal": "decimal"}
        columns = [
            Column(spec.header, types.get(spec.parse, "text"), max(10, len(spec.header) + 4))
            for spec in fields
        ]
        return Table(title, columns, [[spec.example for spec in fields]])

    write_workbook(
        [
            table(pgettext("sheet", "Compounds"), COMPOUND_FIELDS),
            table(pgettext("sheet", "Buildings"), BUILDING_FIELDS),
        ],
        target,
    )


def census_district_for(user: User, district_id: object = None) -> District:
    """The district a user imports for: a district official's own; a superuser names one."""
    if user.is_superuser and district_id not in (None, ""):
        try:
            return District.objects.get(pk=int(str(district_id)))
        except (District.DoesNotExist, ValueError):
            raise ValidationError(_("Choose a district.")) from None
    if user.district_id and user.role == user.Role.DISTRICT_OFFICIAL:
        return user.district
    raise ValidationError(_("Census imports are made by the district's officials."))


__all__: list[str] = [
    "BUILDING_FIELDS",
    "COMPOUND_FIELDS",
    "CensusResult",
    "RowError",
    "census_district_for",
    "census_import",
    "census_template",
]

"""Writing tables to XLSX (openpyxl write-only mode, so memory stays flat for any size) and to
CSV, from one description of the columns.

Numbers are written as numbers with a number format, never as text: officials sum and filter
them in Excel. Money is Decimal all the way; in 万元 it is divided exactly and rounded half up to
two places once (renovation.figures.rounding; rows that must add up to a total shown are rounded
by largest remainder there), and the unit is said in the column header. Rates are the pages'
rates (one decimal place, half up) written as fractions in cells formatted as percentages.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from renovation.figures import rounding
from renovation.validation import strip_control_characters

UNITS = {unit: rounding.MONEY_UNITS[unit] for unit in ("yuan", "wan")}
DEFAULT_UNIT = "wan"

# Number formats by column type.
FORMATS = {
    "int": "#,##0",
    "money": "#,##0.00",
    "decimal": "#,##0.00",
    "percent": "0.0%",
    "date": "yyyy-mm-dd",
}
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDE5EE")
HEADER_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)


def unit_or_default(unit: str | None) -> str:
    return unit if unit in UNITS else DEFAULT_UNIT


def unit_label(unit: str) -> str:
    return _("yuan") if unit == "yuan" else _("10,000 yuan")


def money(value: object, unit: str) -> Decimal | None:
    """Yuan converted once to the unit, two places, half up (None stays empty)."""
    if value is None:
        return None
    return rounding.in_unit(value, unit)


def ratio(part: object, whole: object) -> Decimal | None:
    """A rate as a fraction (shown as a percentage by the cell format): the rate of the pages,
    one decimal place of percent, half up (45.8% is 0.458); None without a whole."""
    return rounding.fraction(part, whole)


def percent_cell(value: Decimal | None) -> Decimal | None:
    """A rate already in percent (a registry figure, 45.8) as the cell's fraction (0.458)."""
    return None if value is None else value / rounding.HUNDRED


@dataclass(frozen=True)
class Column:
    header: str | Promise
    type: str = "text"  # text, int, money, decimal, percent, date
    width: int = 12


@dataclass
class Table:
    """One sheet: a title, columns and the rows (an iterator, consumed once)."""

    title: str | Promise
    columns: list[Column]
    rows: Iterable[list[Any]]
    # Called with the number of rows written so far (for export jobs' progress).
    on_row: Callable[[int], None] | None = None

    @property
    def headers(self) -> list[str]:
        return [str(column.header) for column in self.columns]


def safe_text(value: Any) -> Any:
    """What an export writes for a text value: without control characters, which are illegal
    in the workbook's XML (openpyxl refuses them, a 500) and garble CSV readers. Records saved
    before input was cleaned may still hold them."""
    return strip_control_characters(value) if isinstance(value, str) else value


def _text_cell(sheet, value: Any) -> Any:
    value = safe_text(value)
    if isinstance(value, str) and value.startswith("="):
        # Text, never a formula, whatever a record says.
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value


def _sheet_title(title: str, used: set[str]) -> str:
    # Excel: at most 31 characters, none of []:*?/\ , unique in the book.
    clean = "".join(ch for ch in safe_text(title) if ch not in "[]:*?/\\")[:31] or "Sheet"
    candidate, n = clean, 2
    while candidate in used:
        suffix = f" ({n})"
        candidate, n = clean[: 31 - len(suffix)] + suffix, n + 1
    used.add(candidate)
    return candidate


def write_workbook(tables: Iterable[Table], target) -> int:
    """Write the tables, one sheet each, to `target` (a path or a binary file). The header row
    is bold, filled and frozen; each column gets its width and number format. Returns the
    number of data rows written."""
    book = Workbook(write_only=True)
    used: set[str] = set()
    total = 0
    for table in tables:
        sheet = book.create_sheet(_sheet_title(str(table.title), used))
        sheet.freeze_panes = "A2"
        for index, column in enumerate(table.columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = column.width
        header = []
        for text in table.headers:
            cell = WriteOnlyCell(sheet, value=safe_text(text))
            cell.font = HEADER_FONT
            cell.fill = HEADER_FILL
            cell.alignment = HEADER_ALIGN
            header.append(cell)
        sheet.append(header)
        formats = [FORMATS.get(column.type) for column in table.columns]
        for values in table.rows:
            cells = []
            for value, number_format in zip(values, formats, strict=True):
                if number_format is None or value is None or value == "":
                    cells.append(_text_cell(sheet, value))
                    continue
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = number_format
                cells.append(cell)
            sheet.append(cells)
            total += 1
            if table.on_row is not None:
                table.on_row(total)
    if not used:
        book.create_sheet("Sheet")
    book.save(target)
    return total


class _Echo:
    """A file-like object whose write returns the text, for csv.writer in a streaming response."""

    def write(self, value: str) -> str:
        return value


def csv_value(value: object, column: Column) -> object:
    if value is None:
        return ""
    if column.type == "percent" and isinstance(value, Decimal):
        return rounding.percent_text(
            rounding.round_half_up(value * rounding.HUNDRED, rounding.PERCENT_PLACES)
        )
    if isinstance(value, dt.date):
        return value.isoformat()
    return safe_text(value)


def csv_lines(table: Table) -> Iterator[str]:
    """The table as CSV text, line by line, with a BOM so that Excel reads it as UTF-8."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([safe_text(header) for header in table.headers])
    for values in table.rows:
        yield writer.writerow(
            [csv_value(value, column) for value, column in zip(values, table.columns, strict=True)]
        )

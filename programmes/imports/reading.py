"""Reading the uploaded XLSX or CSV file into tables, within the size limits."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from renovation.sheets import SheetLimits, SheetTooLarge, check_sheet_limits
from renovation.uploads import check_workbook

from .fields import Field, _norm
from .results import RowError

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000
# Rows include the header and a few notes above it; the template has about 30 columns.
SHEET_LIMITS = SheetLimits(rows=MAX_ROWS + 50, columns=100, cells=2_000_000)


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

"""Bounds for uploaded spreadsheets, checked by streaming the sheet XML before openpyxl reads it.

openpyxl, even in read-only mode, builds a whole row before handing it over: a 444 KB .xlsx with
one row of 4 million cells held a worker for 94 s at 3.6 GB. Here each worksheet's XML is read
in small chunks straight from the zip archive, counting rows, columns and cells, and reading
stops at the first one past its limit. A file of any size under the upload limit is answered
within a second or two, with a message that says which limit it passed.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

# The stdlib pull parser streams the sheet (defusedxml has no pull parser); a document type
# declaration, where entity attacks live, is refused before any byte reaches it (see _feed).
from xml.etree.ElementTree import ParseError, XMLPullParser  # nosec B405

from django.utils.translation import gettext as _

CHUNK = 64 * 1024
_COLUMN = re.compile(r"[A-Z]+")
_WORKSHEET = re.compile(r"xl/worksheets/[^/]+\.xml")


@dataclass(frozen=True)
class SheetLimits:
    rows: int
    columns: int
    cells: int


class SheetTooLarge(ValueError):
    """The sheet passes one of its limits; `message` says which, in the user's language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _column_number(reference: str | None, fallback: int) -> int:
    match = _COLUMN.match(reference or "")
    if not match:
        return fallback
    number = 0
    for letter in match.group(0):
        number = number * 26 + ord(letter) - 64
    return number


def _too_many_rows(limits: SheetLimits) -> SheetTooLarge:
    return SheetTooLarge(
        _("A sheet has more than %(n)s rows; split the file.") % {"n": limits.rows}
    )


def _too_many_columns(limits: SheetLimits) -> SheetTooLarge:
    return SheetTooLarge(
        _("A sheet has more than %(n)s columns; keep only the columns the template names.")
        % {"n": limits.columns}
    )


class _Counter:
    def __init__(self, limits: SheetLimits) -> None:
        self.limits = limits
        self.cells = 0  # across the workbook
        self.rows = 0  # in the current sheet
        self.in_row = 0

    def start_sheet(self) -> None:
        self.rows = 0

    def start_row(self, number: str | None) -> None:
        self.rows += 1
        self.in_row = 0
        # A row numbered far down makes openpyxl yield every empty row above it.
        if self.rows > self.limits.rows or (
            number and number.isdigit() and int(number) > self.limits.rows
        ):
            raise _too_many_rows(self.limits)

    def start_cell(self, reference: str | None) -> None:
        self.in_row += 1
        self.cells += 1
        column = _column_number(reference, self.in_row)
        if column > self.limits.columns or self.in_row > self.limits.columns:
            raise _too_many_columns(self.limits)
        if self.cells > self.limits.cells:
            raise SheetTooLarge(
                _("The file has more than %(n)s cells; split it.") % {"n": self.limits.cells}
            )


def check_sheet_limits(data: bytes, limits: SheetLimits) -> None:
    """Raise SheetTooLarge as soon as a worksheet of the .xlsx `data` passes a limit: rows and
    columns per sheet (by count and by the row or column a cell names), cells (empty ones
    too) across the workbook. Raises ValueError for XML that is not well formed."""
    counter = _Counter(limits)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in sorted(n for n in archive.namelist() if _WORKSHEET.fullmatch(n)):
            counter.start_sheet()
            parser = XMLPullParser(events=("start", "end"))
            with archive.open(name) as stream:
                tail = b""
                while chunk := stream.read(CHUNK):
                    # A worksheet never declares a DTD: refuse one (billion laughs, external
                    # entities) even when it straddles two chunks.
                    if (
                        b"<!DOCTYPE" in (tail + chunk).upper()
                        or b"<!ENTITY" in (tail + chunk).upper()
                    ):
                        raise ValueError("the sheet declares a document type")
                    tail = chunk[-16:]
                    try:
                        parser.feed(chunk)
                        events = list(parser.read_events())
                    except ParseError as error:
                        raise ValueError("the sheet is not well-formed XML") from error
                    for event, element in events:
                        tag = element.tag.rpartition("}")[2]
                        if event == "end":
                            if tag in ("c", "row"):
                                element.clear()  # keep memory flat
                        elif tag == "row":
                            counter.start_row(element.get("r"))
                        elif tag == "c":
                            counter.start_cell(element.get("r"))

"""Reading a ballot sheet (CSV or XLSX) into validated rows, with errors by row number.

Columns (first row, any order, Chinese or English): room (房号), owner (业主, optional),
exclusive area (专有面积), choice (同意/反对/弃权 or agree/oppose/abstain).
An owner of several rooms counts once by heads but with the area of all their rooms; without an
owner column every room is one owner.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from renovation.sheets import SheetLimits, SheetTooLarge, check_sheet_limits
from renovation.uploads import check_workbook

from .rules import Tally

if TYPE_CHECKING:
    from .models import OwnerVote
    from .rules import VoteOutcome

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
# A ballot sheet has four or five columns (room or owner, area, choice, note).
SHEET_LIMITS = SheetLimits(rows=MAX_ROWS + 20, columns=30, cells=200_000)
CENT = Decimal("0.01")

HEADERS = {
    "room": {"room", "owner/room", "房号", "房间号", "户号", "房屋", "专有部分"},
    "owner": {"owner", "owner name", "业主", "业主姓名", "姓名"},
    "area": {"area", "exclusive area", "专有面积", "专有部分面积", "面积", "建筑面积"},
    "choice": {"choice", "vote", "表决意见", "意见", "选择", "表决"},
}
CHOICES = {
    "同意": "agree",
    "赞成": "agree",
    "agree": "agree",
    "yes": "agree",
    "反对": "oppose",
    "不同意": "oppose",
    "oppose": "oppose",
    "against": "oppose",
    "no": "oppose",
    "弃权": "abstain",
    "abstain": "abstain",
}


@dataclass
class SheetRow:
    line: int
    room: str
    owner: str
    area: Decimal
    choice: str

    @property
    def owner_key(self) -> str:
        return self.owner or f"room:{self.room}"


@dataclass
class BallotSheet:
    rows: list[SheetRow] = field(default_factory=list)
    errors: list[tuple[int | None, str]] = field(default_factory=list)
    outcome: VoteOutcome | None = None
    vote: OwnerVote | None = None

    def error_messages(self) -> list[str]:
        return [
            _("Row %(line)s: %(message)s") % {"line": line, "message": message}
            if line is not None
            else message
            for line, message in self.errors
        ]

    def _owners(self, choice: str | None = None) -> set[str]:
        return {row.owner_key for row in self.rows if choice is None or row.choice == choice}

    def owners_choosing(self, choice: str) -> int:
        return len(self._owners(choice))

    def area_choosing(self, choice: str | None) -> Decimal:
        return sum(
            (row.area for row in self.rows if choice is None or row.choice == choice), Decimal(0)
        )

    @property
    def participating_owners(self) -> int:
        return len(self._owners())

    def tally(self, *, eligible_owners: int, eligible_area: Decimal) -> Tally:
        return Tally(
            eligible_owners=eligible_owners,
            eligible_area=eligible_area,
            participating_owners=self.participating_owners,
            participating_area=self.area_choosing(None),
            agree_owners=self.owners_choosing("agree"),
            agree_area=self.area_choosing("agree"),
        )

    def check_against(self, *, eligible_owners: int, eligible_area: Decimal) -> None:
        if self.participating_owners > eligible_owners:
            self.errors.append(
                (
                    None,
                    _("The sheet has %(n)s owners, more than the %(eligible)s entitled to vote.")
                    % {"n": self.participating_owners, "eligible": eligible_owners},
                )
            )
        area = self.area_choosing(None)
        if area > eligible_area:
            self.errors.append(
                (
                    None,
                    _(
                        "The sheet's area of %(area)s m² is more than the %(eligible)s m² of all "
                        "owners."
                    )
                    % {"area": area, "eligible": eligible_area},
                )
            )


def _cells_from_csv(data: bytes) -> list[list[str]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte sequence
        raise ValueError
    return [list(row) for row in csv.reader(io.StringIO(text))]


def _cells_from_xlsx(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    check_workbook(data)  # a zip with a workbook, not a zip bomb (ValueError otherwise)
    check_sheet_limits(data, SHEET_LIMITS)  # SheetTooLarge, before openpyxl builds any row

    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        rows = []
        for values in sheet.iter_rows(
            values_only=True, max_row=SHEET_LIMITS.rows, max_col=SHEET_LIMITS.columns
        ):
            rows.append(["" if value is None else str(value) for value in values])
        return rows
    finally:
        book.close()


def _header_map(header: list[str]) -> dict[str, int]:
    found = {}
    for index, cell in enumerate(header):
        name = cell.strip().lower()
        for key, names in HEADERS.items():
            if name in names and key not in found:
                found[key] = index
    return found


def read(upload: UploadedFile) -> BallotSheet:
    sheet = BallotSheet()
    cells = _cells(upload, sheet)
    if cells is None:
        return sheet
    columns = _columns(cells, sheet)
    if columns is None:
        return sheet
    _read_ballots(cells, columns, sheet)
    if not sheet.rows and not sheet.errors:
        sheet.errors.append((None, _("The sheet has no ballots.")))
    return sheet


def _cells(upload: UploadedFile, sheet: BallotSheet) -> list[list[str]] | None:
    """The file's non-empty rows; None, with the reason in the sheet's errors, when the file
    cannot be read."""
    name = (upload.name or "").lower()
    if upload.size is not None and upload.size > MAX_BYTES:
        sheet.errors.append(
            (None, _("The file is larger than %(n)s MB.") % {"n": MAX_BYTES // (1024 * 1024)})
        )
        return None
    data = upload.read()
    try:
        if name.endswith(".xlsx"):
            cells = _cells_from_xlsx(data)
        elif name.endswith(".csv"):
            cells = _cells_from_csv(data)
        else:
            sheet.errors.append((None, _("Upload a .csv or .xlsx file.")))
            return None
    except SheetTooLarge as error:
        sheet.errors.append((None, error.message))
        return None
    except Exception:  # a corrupt workbook or unreadable text: say so, never a 500
        sheet.errors.append((None, _("The file could not be read as a ballot sheet.")))
        return None
    cells = [row for row in cells if any(cell.strip() for cell in row)]
    if not cells:
        sheet.errors.append((None, _("The file is empty.")))
        return None
    return cells


def _columns(cells: list[list[str]], sheet: BallotSheet) -> dict[str, int] | None:
    """The columns named by the first row; None, with the reason in the sheet's errors, when
    one is missing or the sheet is too long."""
    columns = _header_map(cells[0])
    missing = [key for key in ("area", "choice") if key not in columns]
    if "room" not in columns and "owner" not in columns:
        missing.insert(0, "room")
    if missing:
        sheet.errors.append(
            (
                None,
                _(
                    "The first row must name the columns: room (房号) or owner (业主), area "
                    "(专有面积) and choice (表决意见). Missing: %(missing)s."
                )
                % {"missing": ", ".join(missing)},
            )
        )
        return None
    if len(cells) - 1 > MAX_ROWS:
        sheet.errors.append((None, _("The sheet has more than %(n)s ballots.") % {"n": MAX_ROWS}))
        return None
    return columns


def _read_ballots(cells: list[list[str]], columns: dict[str, int], sheet: BallotSheet) -> None:
    """Each row after the header a ballot, or its errors: every problem of every row is
    listed; a room counts once, and an owner of several rooms makes one choice."""

    def cell(row: list[str], key: str) -> str:
        index = columns.get(key)
        return row[index].strip() if index is not None and index < len(row) else ""

    seen_rooms: dict[str, int] = {}
    owner_choice: dict[str, tuple[str, int]] = {}
    for line, row in enumerate(cells[1:], start=2):
        owner = cell(row, "owner")[:64]
        room = (cell(row, "room") or owner)[:64]
        problems = [] if room else [_("the room (or owner) is empty.")]
        area = _area(cell(row, "area"), problems)
        choice = _choice(cell(row, "choice"), problems)
        if room and room in seen_rooms:
            problems.append(
                _("room %(room)s is already on row %(line)s.")
                % {"room": room, "line": seen_rooms[room]}
            )
        if problems or choice is None:  # (a choice of None has its problem listed)
            sheet.errors.extend((line, problem) for problem in problems)
            continue
        seen_rooms[room] = line
        parsed = SheetRow(line=line, room=room, owner=owner, area=area, choice=choice)
        earlier = owner_choice.get(parsed.owner_key)
        if earlier is not None and earlier[0] != choice:
            sheet.errors.append(
                (
                    line,
                    _("the same owner voted differently on row %(line)s.") % {"line": earlier[1]},
                )
            )
            continue
        owner_choice.setdefault(parsed.owner_key, (choice, line))
        sheet.rows.append(parsed)


def _area(raw: str, problems: list[str]) -> Decimal:
    """The exclusive area in m² (positive, two decimals at most); 0 with a problem if not."""
    try:
        area = Decimal(raw)
        if not area.is_finite() or area <= 0 or area != area.quantize(CENT) or area >= 10**8:
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        problems.append(
            _("the area “%(value)s” is not a positive number of m² with two decimals at most.")
            % {"value": raw}
        )
        return Decimal(0)
    return area


def _choice(raw: str, problems: list[str]) -> str | None:
    """agree, oppose or abstain; None with a problem if the cell is none of them."""
    choice = CHOICES.get(raw.lower())
    if choice is None:
        problems.append(
            _("the choice “%(value)s” is not one of 同意/反对/弃权 (agree/oppose/abstain).")
            % {"value": raw}
        )
    return choice

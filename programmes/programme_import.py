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

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from renovation.access import can_set_up_in_district, require
from renovation.warnings import WarningsNotConfirmed

from .history_services import stage_field
from .imports import (
    CellError,
    Field,
    RawTable,
    RowError,
    _columns,
    _norm,
    _parse,
    _text,
    read_tables,
)
from .models import Programme, Stage
from .programme_import_columns import (
    COMPLETED,
    FIELDS,
    PLANNED,
    SHEET_LIMITS,
    _parse_cell,
    _work_types,
    programme_import_template,
)
from .programme_import_rows import ProjectRow, project_row_write

if TYPE_CHECKING:
    from renovation.models import User


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


def _quantity(value: object) -> Decimal | None:
    return _parse(Field("q", "", frozenset(), "decimal"), value)


def _read_rows(
    table: RawTable, columns: dict[str, int], type_columns: dict, errors
) -> list[ProjectRow]:
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

        row = ProjectRow(number, {}, {}, {})
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
            seen: dict[int, int] = {}  # compound id -> the row that imports it
            for row in rows:
                if not row.ok:
                    continue
                item_types: dict[int, int] = {}
                try:
                    with transaction.atomic():
                        project_row_write(
                            user, programme, row, result, item_types, confirm_warnings, seen
                        )
                except ValidationError as error:
                    _collect(error, table, columns, type_columns, row, item_types, result)
                except WarningsNotConfirmed as warning:  # e.g. per-household work (户)
                    result.warnings += [
                        _("Row %(row)s: %(message)s") % {"row": row.number, "message": text}
                        for text in warning.messages
                    ]
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


__all__ = ["ProgrammeImportResult", "programme_import", "programme_import_template"]

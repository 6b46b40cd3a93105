"""Reading each cell by its column's kind (text, whole number, year, number, flag, status)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from ..models import Compound
from .fields import Field
from .reading import RawTable
from .results import RowError

CENT = Decimal("0.01")

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


def _cell_error(table: RawTable, columns: dict[str, int], key: str, row: int, message: str):
    index = columns.get(key)
    if index is None:
        return RowError(table.sheet, row, "", "", message)
    return RowError(
        table.sheet, row, get_column_letter(index + 1), _text(table.header[index]), message
    )

"""What a census import answers: the errors by sheet, row and column, and the figures."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _


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

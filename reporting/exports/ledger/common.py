"""What every sheet of the ledger shares: the sheets and their titles, the chunk size of the
streamed queries, and money columns that add up exactly to their total row."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from renovation.figures.rounding import StreamingRounder, in_unit

CHUNK = 2000
SHEETS = ("compounds", "projects", "work_items", "funding", "governance", "members")
MEASURES_OF_PROJECT = ("planned", "received", "spent")


def sheet_titles() -> dict[str, str]:
    return {
        "compounds": pgettext("sheet", "Compounds"),
        "projects": _("Projects"),
        "work_items": _("Work items"),
        "funding": _("Funding"),
        "governance": _("Governance"),
        "members": _("Committee members"),
    }


def _yesno(value: bool) -> str:
    return _("yes") if value else _("no")


class MoneyColumns:
    """Money columns of a sheet shown in `unit`, adding up exactly to their total row.

    Feed every row's yuan once with `count` (not needed in yuan, which is shown exactly), then
    `shown` converts each row's amounts in the same order; `total` gives the total row's."""

    def __init__(self, unit: str, names: tuple[str, ...]) -> None:
        self.unit = unit
        self.names = names
        self.rounders = {name: StreamingRounder(unit) for name in names}
        self.sums = dict.fromkeys(names, Decimal(0))

    @property
    def needs_first_pass(self) -> bool:
        return self.unit != "yuan"

    def count(self, amounts: dict[str, Decimal]) -> None:
        for name in self.names:
            self.rounders[name].count([amounts[name]])

    def shown(self, amounts: dict[str, Decimal]) -> dict[str, Decimal]:
        for name in self.names:
            self.sums[name] += amounts[name]
        if not self.needs_first_pass:
            return {name: in_unit(amounts[name], self.unit) for name in self.names}
        return {name: self.rounders[name].shown(amounts[name]) for name in self.names}

    def total(self) -> dict[str, Decimal]:
        return {name: in_unit(self.sums[name], self.unit) for name in self.names}

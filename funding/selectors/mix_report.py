"""The funding-mix report: its rows per kind and sub-type, resident contributions, and the
report as shown in one unit (元, 万元, 亿元)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import pgettext

from renovation.figures import rounding

from .. import figures as fig
from ..models import ZERO, ContributionRule, Kind, SubType
from .scope import FundingScope

MEASURES = ("planned", "approved", "received", "spent")


@dataclass
class Figures:
    planned: Decimal = ZERO
    approved: Decimal = ZERO
    received: Decimal = ZERO
    spent: Decimal = ZERO
    share_planned: Decimal | None = None
    share_received: Decimal | None = None
    share_spent: Decimal | None = None

    @property
    def gap(self) -> Decimal:
        """Planned but not (yet) received."""
        return self.planned - self.received

    @property
    def received_rate(self) -> Decimal | None:
        return fig.RECEIVED_RATE.of(self.received, self.planned)

    @property
    def spent_rate(self) -> Decimal | None:
        return fig.SPENT_RATE.of(self.spent, self.received)

    def add(self, other: Figures) -> None:
        for name in MEASURES:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class SubTypeRow(Figures):
    kind: str = ""
    sub_type: str = ""

    @property
    def label(self) -> str:
        return str(SubType(self.sub_type).label)


@dataclass
class KindRow(Figures):
    kind: str = ""
    sub_types: list[SubTypeRow] = field(default_factory=list)

    @property
    def label(self) -> str:
        return str(Kind(self.kind).label)


@dataclass
class ResidentRow:
    """One resident contribution rule over the projects in scope."""

    name: str
    sub_type: str
    basis: str
    rate: Decimal
    quantity: Decimal  # m² or households the rule applies to
    projects: int
    expected: Decimal
    collected: Decimal

    @property
    def collection_rate(self) -> Decimal | None:
        return fig.COLLECTION_RATE.of(self.collected, self.expected)

    @property
    def basis_label(self) -> str:
        return str(ContributionRule.Basis(self.basis).label)


@dataclass
class FundingMix:
    scope: FundingScope
    attributed: bool  # counted as attributed to projects (see the package docstring)
    kinds: list[KindRow]
    total: Figures
    residents: list[ResidentRow]

    @property
    def sub_types(self) -> list[SubTypeRow]:
        return [row for kind in self.kinds for row in kind.sub_types]

    @property
    def residents_expected(self) -> Decimal:
        return sum((row.expected for row in self.residents), ZERO)

    @property
    def residents_collected(self) -> Decimal:
        return sum((row.collected for row in self.residents), ZERO)

    @property
    def residents_rate(self) -> Decimal | None:
        return fig.COLLECTION_RATE.of(self.residents_collected, self.residents_expected)

    def kind(self, kind: str) -> KindRow:
        return next(row for row in self.kinds if row.kind == kind)

    def shown(self, unit: str) -> ShownMix:
        """The report as shown in `unit` (元, 万元, 亿元): each total converted once, the kinds
        adding up exactly to the total shown, each kind's sub-types to the kind shown, the
        resident rules to their total (largest remainder, renovation.figures.rounding)."""
        totals = {name: rounding.in_unit(getattr(self.total, name), unit) for name in MEASURES}
        by_kind = _shown_rows(self.kinds, unit, totals)
        kinds = []
        for kind, values in zip(self.kinds, by_kind, strict=True):
            sub_types = [
                Shown(row, sub_values)
                for row, sub_values in zip(
                    kind.sub_types, _shown_rows(kind.sub_types, unit, values), strict=True
                )
            ]
            kinds.append(Shown(kind, values, sub_types))
        expected, residents_expected = rounding.money_rows(
            [row.expected for row in self.residents], unit
        )
        collected, residents_collected = rounding.money_rows(
            [row.collected for row in self.residents], unit
        )
        return ShownMix(
            unit=unit,
            total=Shown(self.total, {**totals, "gap": totals["planned"] - totals["received"]}),
            kinds=kinds,
            residents=[
                Shown(row, {"expected": e, "collected": c})
                for row, e, c in zip(self.residents, expected, collected, strict=True)
            ],
            residents_expected=residents_expected,
            residents_collected=residents_collected,
        )

    def chart_data(self, unit: str = "yuan") -> dict:
        """Plain JSON for the chart script (amounts as strings in the chosen unit, as the
        table shows them)."""
        shown = self.shown(unit)
        return {
            "kinds": [
                {
                    "kind": row.kind,
                    "label": row.label,
                    **{name: str(getattr(row, name)) for name in MEASURES},
                    "share": str(row.share_planned) if row.share_planned is not None else None,
                }
                for row in shown.kinds
            ],
            "measures": {
                "planned": pgettext("money", "Planned"),
                "approved": pgettext("money", "Approved"),
                "received": pgettext("money", "Received"),
                "spent": pgettext("money", "Spent"),
            },
        }


class Shown:
    """A row of the report with its money as shown in one unit: the shown amounts in place of
    the yuan, everything else (label, shares, rates) read from the row itself."""

    def __init__(
        self, row: object, values: Mapping[str, Decimal], sub_types: list[Shown] | None = None
    ) -> None:
        self.row = row
        self.values = dict(values)
        self.sub_types = sub_types or []

    def __getattr__(self, name: str) -> Any:
        values = self.__dict__.get("values", {})
        if name in values:
            return values[name]
        return getattr(self.__dict__["row"], name)


@dataclass
class ShownMix:
    unit: str
    total: Shown
    kinds: list[Shown]
    residents: list[Shown]
    residents_expected: Decimal
    residents_collected: Decimal


def _shown_rows(rows: list, unit: str, totals: Mapping[str, Decimal]) -> list[dict[str, Decimal]]:
    """Each measure of `rows` in `unit`, adding up to `totals` (already shown), and the gap of
    each row as shown (planned − received, so that gaps add up too)."""
    columns = {
        name: rounding.money_rows([getattr(r, name) for r in rows], unit, shown_total=totals[name])[
            0
        ]
        for name in MEASURES
    }
    result = []
    for index in range(len(rows)):
        values = {name: columns[name][index] for name in MEASURES}
        values["gap"] = values["planned"] - values["received"]
        result.append(values)
    return result

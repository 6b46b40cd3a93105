"""Reading a snapshot's raw figures back into the objects the pages already know.

The raw figures are additive (see compute.py); here they become the live selectors' own types
(`YearFigures`, `StreetRow`, `FundingMix`, `Indicators`), with rates, shares and averages
derived by the same code, so a page renders a snapshot exactly as it rendered live figures.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from funding.figures import expected_contribution
from funding.models import ContributionRule
from funding.selectors import (
    MEASURES,
    FundingMix,
    FundingScope,
    ResidentRow,
    mix_rows,
    money_,
)
from governance.selectors import Indicators
from programmes import figures as pf
from programmes.models import Stage, Street
from programmes.selectors import StreetRow, YearFigures


class SnapshotFigures:
    def __init__(self, raw: dict[str, Any]) -> None:
        self.raw = raw

    # --- Registry and programme ---------------------------------------------------------

    @property
    def stages(self) -> list[dict]:
        return [
            {
                "stage": stage,
                "label": label,
                "compounds": self.raw["stages"].get(stage, [0, 0])[0],
                "households": self.raw["stages"].get(stage, [0, 0])[1],
            }
            for stage, label in Stage.choices
        ]

    @property
    def unassigned(self) -> dict:
        compounds, households = self.raw["unassigned"]
        return {"compounds": compounds, "households": households}

    @property
    def compounds(self) -> int:
        return sum(pair[0] for pair in self.raw["stages"].values()) + self.raw["unassigned"][0]

    @property
    def households(self) -> int:
        return sum(pair[1] for pair in self.raw["stages"].values()) + self.raw["unassigned"][1]

    @property
    def eligible(self) -> int:
        return self.raw["eligible"]

    def years(self) -> dict[int, YearFigures]:
        result = {}
        for key in sorted(self.raw["years"], key=int):
            result[int(key)] = self._year_figures(int(key), self.raw["years"][key])
        return result

    def year(self, year: int) -> YearFigures:
        raw = self.raw["years"].get(str(year))
        if raw is None:
            return YearFigures(year, None, None, 0, 0, 0, 0)
        return self._year_figures(year, raw)

    @staticmethod
    def _year_figures(year: int, raw: dict) -> YearFigures:
        return YearFigures(
            year=year,
            target_compounds=raw["target_compounds"],
            target_households=raw["target_households"],
            started=raw["started"],
            started_households=raw["started_households"],
            completed=raw["completed"],
            completed_households=raw["completed_households"],
        )

    @property
    def projects(self) -> dict:
        return self.raw["projects"]

    @property
    def in_construction(self) -> int:
        return self.projects["in_construction"]

    @property
    def average_progress(self) -> Decimal | None:
        """Plain mean progress of the projects under construction (as on the street rows)."""
        return pf.AVERAGE_PROGRESS.value(self.projects)

    @property
    def weighted_progress(self) -> Decimal | None:
        """Budget-weighted progress of the projects under construction (equal weights when
        none has a budget), as a project's own progress weights its work items."""
        return pf.WEIGHTED_PROGRESS.value(self.projects)

    @property
    def reports_overdue(self) -> int:
        return self.projects["reports_overdue"]

    @property
    def open_problems(self) -> int:
        return self.raw["problems"]["open"]

    @property
    def overdue_problems(self) -> int:
        return self.raw["problems"]["overdue"]

    def street_row(self, street: Street, year: int) -> StreetRow:
        figures = self.year(year)
        return StreetRow(
            street=street,
            compounds=self.compounds,
            eligible=self.eligible,
            in_construction=self.in_construction,
            started=figures.started,
            completed=figures.completed,
            average_progress=self.average_progress,
            open_problems=self.open_problems,
            overdue_problems=self.overdue_problems,
        )

    def work(self) -> dict[str, dict]:
        return self.raw["work"]

    # --- Funding ------------------------------------------------------------------------

    def funding_totals(self) -> dict[str, Decimal]:
        totals = dict.fromkeys(MEASURES, Decimal("0.00"))
        for values in self.raw["funding"]["money"].values():
            for name in MEASURES:
                totals[name] += Decimal(values[name])
        return totals

    def funding_mix(self, scope: FundingScope | None = None) -> FundingMix:
        """The funding-mix report of funding.selectors, from the snapshot."""
        money = {
            tuple(key.split("|")): values for key, values in self.raw["funding"]["money"].items()
        }
        kind_rows, total = mix_rows(money)
        residents = []
        for rule in self.raw["funding"]["residents"]:
            per_m2 = rule["basis"] == ContributionRule.Basis.PER_M2
            quantity = money_(rule["floor_area"]) if per_m2 else Decimal(rule["households"])
            rate = Decimal(rule["rate"])
            residents.append(
                ResidentRow(
                    name=rule["name"],
                    sub_type=rule["sub_type"],
                    basis=rule["basis"],
                    rate=rate,
                    quantity=quantity,
                    projects=rule["projects"],
                    expected=expected_contribution(rate, quantity),
                    collected=money_(rule["collected"]),
                )
            )
        return FundingMix(
            scope=scope or FundingScope(),
            attributed=self.raw["funding"]["attributed"],
            kinds=kind_rows,
            total=total,
            residents=residents,
        )

    # --- Governance ---------------------------------------------------------------------

    @property
    def has_governance(self) -> bool:
        return bool((self.raw.get("governance") or {}).get("present"))

    def indicators(self) -> Indicators | None:
        raw = self.raw.get("governance")
        if raw is None:
            return None
        values = {name: raw.get(name, 0) for name in Indicators.__dataclass_fields__}
        values["by_kind"] = {kind: dict(counts) for kind, counts in raw["by_kind"].items()}
        for name in ("fund_amount_expected", "fund_amount_collected"):
            values[name] = Decimal(raw[name])
        return Indicators(**values)

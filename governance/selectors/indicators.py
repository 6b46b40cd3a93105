"""Governance indicators computed with SQL aggregates in a fixed number of queries whatever
the number of rows, and the panels built from them for the compound page and the dashboard."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import F, QuerySet

from programmes.models import Compound, Street
from renovation.figures import Figure, aggregates, cleaned

from .. import figures as gf
from ..models import Disclosure, LongTermManagement, ResidentCommittee

if TYPE_CHECKING:
    from renovation.models import User


# --- Indicators ----------------------------------------------------------------------------


@dataclass
class Indicators:
    """Governance figures for one compound, one street or everything a user may see."""

    committees: int = 0
    committee_members: int = 0
    by_kind: dict[str, dict[str, int]] = field(default_factory=dict)
    meetings: int = 0
    meeting_attendance: int = 0
    surveyed_projects: int = 0
    forms_issued: int = 0
    forms_returned: int = 0
    support: int = 0
    votes: int = 0
    votes_tallied: int = 0
    votes_passed: int = 0
    votes_without_quorum: int = 0
    fund_households_expected: int = 0
    fund_households_paid: int = 0
    fund_amount_expected: Decimal = Decimal(0)
    fund_amount_collected: Decimal = Decimal(0)
    suggestions: int = 0
    suggestions_answered: int = 0
    suggestions_within_day: int = 0
    suggestions_open: int = 0
    respondents: int = 0
    satisfied: int = 0
    managed_compounds: int = 0

    # Rates by the registry's rule (governance.figures).
    @property
    def support_rate(self) -> Decimal | None:
        return gf.SUPPORT_RATE.value(vars(self))

    @property
    def fund_household_rate(self) -> Decimal | None:
        return gf.FUND_HOUSEHOLD_RATE.value(vars(self))

    @property
    def fund_amount_rate(self) -> Decimal | None:
        return gf.FUND_AMOUNT_RATE.value(vars(self))

    @property
    def within_day_rate(self) -> Decimal | None:
        return gf.WITHIN_DAY_RATE.value(vars(self))

    @property
    def answered_rate(self) -> Decimal | None:
        return gf.ANSWERED_RATE.value(vars(self))

    @property
    def satisfaction_rate(self) -> Decimal | None:
        return gf.SATISFACTION_RATE.value(vars(self))

    def add(self, other: Indicators) -> None:
        """Add another scope's figures (streets add up to their district: every record belongs
        to exactly one street, and the latest survey or evaluation is per project)."""
        for name in self.__dataclass_fields__:
            if name == "by_kind":
                for kind, values in other.by_kind.items():
                    mine = self.by_kind.setdefault(kind, {"count": 0, "headcount": 0})
                    mine["count"] += values["count"]
                    mine["headcount"] += values["headcount"]
            else:
                setattr(self, name, getattr(self, name) + getattr(other, name))

    def kind(self, kind: str) -> dict[str, int]:
        return self.by_kind.get(kind, {"count": 0, "headcount": 0})

    @property
    def kinds(self) -> list[tuple[str, int, int]]:
        """(label, committees, members) for every kind, in the order of the choices."""
        return [
            (str(label), self.kind(value)["count"], self.kind(value)["headcount"])
            for value, label in ResidentCommittee.Kind.choices
        ]


def _grouped(qs: QuerySet, group: str | None, **aggregates) -> dict[Any, dict]:
    """One aggregate query; grouped by `group` (a lookup) when given."""
    if group is None:
        return {None: qs.aggregate(**aggregates)}
    return {
        row.pop("_group"): row
        for row in qs.order_by().values(_group=F(group)).annotate(**aggregates)
    }


def _indicator_rows(
    *, user: User, compound: Compound | None, group: str | None
) -> dict[Any, Indicators]:
    """Eight aggregate queries, whatever the number of records; `group` is "street" or None.
    Each section reads its figures from the registry (governance.figures)."""
    result: dict[Any, Indicators] = {}

    def row(key) -> Indicators:
        return result.setdefault(key, Indicators())

    def scoped(section: tuple[Figure, ...], compound_path: str) -> QuerySet:
        source = section[0].sources[0]
        qs = source.model_class()._default_manager.visible_to(user)  # type: ignore[attr-defined]
        if source.rows is not None:
            qs = qs.filter(source.rows)
        if compound is not None:
            qs = qs.filter(**{compound_path: compound.pk})
        return qs

    committees = scoped(gf.COMMITTEE_FIGURES, "compound")
    for r in (
        committees.order_by()
        .values(*([] if group is None else ["street"]), "kind")
        .annotate(**aggregates(gf.COMMITTEE_FIGURES))
    ):
        values = cleaned(gf.COMMITTEE_FIGURES, r)
        target = row(r.get("street") if group else None)
        target.by_kind[r["kind"]] = {
            "count": values["committees"],
            "headcount": values["committee_members"],
        }
        target.committees += values["committees"]
        target.committee_members += values["committee_members"]

    sections = (
        (gf.MEETING_FIGURES, "compound", "compound__street"),
        (gf.SURVEY_FIGURES, "project__compound", "project__compound__street"),
        (gf.VOTE_FIGURES, "compound", "compound__street"),
        (gf.FUND_FIGURES, "project__compound", "project__compound__street"),
        (gf.SUGGESTION_FIGURES, "compound", "compound__street"),
        (gf.SATISFACTION_FIGURES, "project__compound", "project__compound__street"),
        (gf.MANAGEMENT_FIGURES, "compound", "compound__street"),
    )
    for section, compound_path, street_path in sections:
        qs = scoped(section, compound_path)
        for key, r in _grouped(qs, street_path if group else None, **aggregates(section)).items():
            for name, value in cleaned(section, r).items():
                setattr(row(key), name, value)

    return result


def governance_indicators(*, user: User, compound: Compound | None = None) -> Indicators:
    """Rolled up over everything the user may see, or for one compound."""
    return _indicator_rows(user=user, compound=compound, group=None).get(None) or Indicators()


@dataclass
class StreetIndicators:
    street: Street
    figures: Indicators


def governance_indicators_by_street(*, user: User) -> list[StreetIndicators]:
    """The same figures side by side per street (nine queries)."""
    rows = _indicator_rows(user=user, compound=None, group="street")
    streets = (
        Street.objects.visible_to(user).select_related("district").order_by("district_id", "name")
    )
    return [
        StreetIndicators(street=street, figures=rows[street.pk])
        for street in streets
        if street.pk in rows
    ]


# --- Panels for the compound page and the dashboard ----------------------------------------


@dataclass
class CompoundPanel:
    compound: Compound
    figures: Indicators
    disclosures: list[Disclosure]
    management: LongTermManagement | None
    can_file: bool


def compound_governance_panel(*, user: User, compound: Compound) -> CompoundPanel:
    """What the compound page shows about governance (ten queries)."""
    from renovation.access import can_file_street_records

    disclosures = list(
        Disclosure.objects.visible_to(user)
        .filter(project__compound=compound)
        .order_by("-window_starts_on", "-id")[:5]
    )
    return CompoundPanel(
        compound=compound,
        figures=governance_indicators(user=user, compound=compound),
        disclosures=disclosures,
        management=LongTermManagement.objects.visible_to(user)
        .filter(compound=compound)
        .order_by("-starts_on", "-id")
        .first(),
        can_file=can_file_street_records(user, compound.street_id),
    )


@dataclass
class DashboardPanel:
    figures: Indicators
    streets: list[StreetIndicators]
    unit_kind: str = "street"  # what `streets` compares (see programmes.selectors.Dashboard)


def dashboard_governance_panel(*, user: User) -> DashboardPanel:
    """Figures per street and their total (nine queries: the total is the sum of the streets)."""
    streets = governance_indicators_by_street(user=user)
    total = Indicators()
    for row in streets:
        total.add(row.figures)
    return DashboardPanel(figures=total, streets=streets)

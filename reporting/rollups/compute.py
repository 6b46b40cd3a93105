"""Figures per scope, computed from source with grouped SQL aggregates.

Each section is one `GROUP BY <scope>` query (a few for funding and governance) over the whole
table or over the scopes asked for, never a query per scope: a national rollup costs the same
number of queries as a street's. Street, area, district and programme figures are computed
here; city and national figures are sums of district figures (see `merge`).

Every aggregate is a figure of the registry (programmes.figures, funding.figures,
governance.figures): the counting rules are those of the live selectors, which read the same
figures and which the tests compare against: programmes.selectors (stages, years, street
rows), funding.selectors.funding_mix (whole programme for district and programme scopes,
attributed to projects for street and area scopes) and governance.selectors (indicators).

Raw figures are additive: counts and sums (Decimals as strings), so that adding two districts'
figures gives their city's. Rates, shares and averages are derived when read (selectors.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce, ExtractYear
from django.utils import timezone

from funding import figures as ff
from funding.models import Allocation, Commitment, ContributionRule, Expenditure, Receipt
from governance import figures as gf
from governance.models import ResidentCommittee
from programmes import figures as pf
from programmes.models import Project, SiteProblem, Stage, WorkItem
from renovation.figures import Figure, Moment, Unit, aggregates, cleaned, rounding
from renovation.models import ScopeKind

ZERO = Decimal("0")
CENT = Decimal("0.01")
SOURCE_KINDS = (ScopeKind.STREET, ScopeKind.AREA, ScopeKind.DISTRICT, ScopeKind.PROGRAMME)

# From a project to the scope it counts in.
PROJECT_PATH: dict[str, str] = {
    ScopeKind.STREET: "compound__street",
    ScopeKind.AREA: "compound__area",
    ScopeKind.DISTRICT: "compound__street__district",
    ScopeKind.PROGRAMME: "programme",
}
# From a compound to its scope (a programme's compounds are reached through its projects).
COMPOUND_PATH: dict[str, str] = {
    ScopeKind.STREET: "street",
    ScopeKind.AREA: "area",
    ScopeKind.DISTRICT: "street__district",
}
# Whole-programme money counts at district and programme level; below the district only what
# is booked for projects counts ("attributed"), as in funding.selectors.
ATTRIBUTED: dict[str, bool] = {ScopeKind.STREET: True, ScopeKind.AREA: True}

Figures = dict[str, Any]


def money(value: object) -> str:
    return str(rounding.money(value))


def exact(value: object) -> str:
    """An exact decimal sum (SQLite may return a float for decimal arithmetic)."""
    if value is None:
        return "0"
    return str(Decimal(str(value)))


def empty_figures(kind: str) -> Figures:
    return {
        "stages": {stage: [0, 0] for stage in Stage.values},
        "unassigned": [0, 0],
        "eligible": 0,
        "years": {},
        "projects": {
            "count": 0,
            "in_construction": 0,
            "progress_sum": "0",
            "weighted_sum": "0",
            "budget_in_construction": "0.00",
            "budget": "0.00",
            "reports_overdue": 0,
        },
        "problems": {"open": 0, "overdue": 0},
        "work": {},
        "funding": {"attributed": ATTRIBUTED.get(kind, False), "money": {}, "residents": []},
        "governance": None if kind == ScopeKind.PROGRAMME else empty_governance(),
    }


def empty_governance() -> Figures:
    return {
        "present": 0,
        "committees": 0,
        "committee_members": 0,
        "by_kind": {},
        "meetings": 0,
        "meeting_attendance": 0,
        "surveyed_projects": 0,
        "forms_issued": 0,
        "forms_returned": 0,
        "support": 0,
        "votes": 0,
        "votes_tallied": 0,
        "votes_passed": 0,
        "votes_without_quorum": 0,
        "fund_households_expected": 0,
        "fund_households_paid": 0,
        "fund_amount_expected": "0.00",
        "fund_amount_collected": "0.00",
        "suggestions": 0,
        "suggestions_answered": 0,
        "suggestions_within_day": 0,
        "suggestions_open": 0,
        "respondents": 0,
        "satisfied": 0,
        "managed_compounds": 0,
    }


def _year(figures: Figures, year: int) -> Figures:
    return figures["years"].setdefault(
        str(year),
        {
            "target_compounds": None,
            "target_households": None,
            "started": 0,
            "started_households": 0,
            "completed": 0,
            "completed_households": 0,
        },
    )


class Computation:
    """The figures of every scope of one kind (or of the ids given), section by section.

    `on_step` is called after each section, for the run's progress bar."""

    def __init__(
        self,
        kind: str,
        ids: Iterable[int] | None = None,
        *,
        today: dt.date | None = None,
        now: dt.datetime | None = None,
        on_step: Callable[[], None] | None = None,
    ) -> None:
        self.kind = kind
        self.ids = None if ids is None else sorted(set(ids))
        self.today = today or timezone.localdate()
        self.now = now or timezone.now()
        self.on_step = on_step or (lambda: None)
        self.result: dict[int, Figures] = {}

    SECTIONS = (
        "stages",
        "years",
        "targets",
        "projects",
        "problems",
        "work",
        "funding",
        "governance",
    )

    def run(self) -> dict[int, Figures]:
        if self.ids is not None:
            for pk in self.ids:
                self.row(pk)
        for section in self.SECTIONS:
            getattr(self, f"_{section}")()
            self.on_step()
        return self.result

    def row(self, key: int) -> Figures:
        """The figures of one scope (rows come from `scoped`, so a key is never None)."""
        if key not in self.result:
            self.result[key] = empty_figures(self.kind)
        return self.result[key]

    def scoped(self, queryset: QuerySet, path: str, extra: Q | None = None) -> QuerySet:
        """Rows of the scopes asked for, with their scope as `_key`. One filter() call, so a
        path through a multi-valued relation joins once (and aggregates reuse that join)."""
        condition = Q(**{f"{path}__isnull": False})
        if self.ids is not None:
            condition &= Q(**{f"{path}__in": self.ids})
        if extra is not None:
            condition &= extra
        return queryset.filter(condition).annotate(_key=F(path)).order_by()

    def project_path(self, prefix: str = "") -> str:
        return prefix + PROJECT_PATH[self.kind]

    # --- Programme figures --------------------------------------------------------------

    @property
    def moment(self) -> Moment:
        return Moment(today=self.today, now=self.now)

    def _stages(self) -> None:
        """Compounds and households by the stage of their current project, as on the
        dashboard; a programme counts its own projects by stage."""
        figures = (pf.COMPOUNDS, pf.HOUSEHOLDS, pf.ELIGIBLE)
        if self.kind == ScopeKind.PROGRAMME:
            rows = (
                self.scoped(Project.objects.all(), "programme")
                .values("_key", "stage")
                .annotate(**aggregates(figures, prefix="compound__"))
            )
        else:
            rows = (
                self.scoped(pf.COMPOUNDS.sources[0].queryset(), COMPOUND_PATH[self.kind])
                .values("_key", stage=F("current_project__stage"))
                .annotate(**aggregates(figures))
            )
        for r in rows:
            figures_of = self.row(r["_key"])
            values = cleaned(figures, r)
            pair = [values["compounds"], values["households"]]
            if r["stage"] is None:
                figures_of["unassigned"] = pair
            else:
                figures_of["stages"][r["stage"]] = pair
            figures_of["eligible"] += values["eligible"]

    def _years(self) -> None:
        """Started (entered construction) and completed (accepted) projects per year."""
        projects = self.scoped(Project.objects.all(), self.project_path())
        for pair in ((pf.STARTED, pf.STARTED_HOUSEHOLDS), (pf.COMPLETED, pf.COMPLETED_HOUSEHOLDS)):
            rows = (
                projects.filter(pair[0].condition_q())
                .values("_key", y=ExtractYear(pair[0].date_field))
                .annotate(**aggregates(pair))
            )
            for r in rows:
                _year(self.row(r["_key"]), r["y"]).update(cleaned(pair, r))

    def _targets(self) -> None:
        """Yearly targets are set per district programme; a street or an area has the share
        the programme gave it (LocalTarget), if any."""
        sources = pf.TARGET_COMPOUNDS.sources_for(self.kind)
        if not sources:
            return
        path = sources[0].paths[self.kind]
        if not isinstance(path, str):
            raise TypeError("targets of a source kind are reached by a lookup")
        rows = (
            self.scoped(sources[0].queryset(), path)
            .values("_key", "year")
            .annotate(**aggregates(pf.YEAR_TARGETS))
        )
        for r in rows:
            _year(self.row(r["_key"]), r["year"]).update(cleaned(pf.YEAR_TARGETS, r))

    # The projects section of the snapshot: figure key → its name in the snapshot.
    PROJECT_NAMES = {"projects": "count"}

    def _projects(self) -> None:
        """Projects under construction, their progress (plain sum for the average, budget-
        weighted sum for the weighted progress) and those whose progress report is overdue."""
        rows = (
            self.scoped(Project.objects.all(), self.project_path())
            .values("_key")
            .annotate(**aggregates(pf.PROJECT_FIGURES, moment=self.moment))
        )
        for r in rows:
            values = cleaned(pf.PROJECT_FIGURES, r)
            self.row(r["_key"])["projects"] = {
                self.PROJECT_NAMES.get(key, key): _stored(figure, values[key])
                for figure in pf.PROJECT_FIGURES
                for key in (figure.key,)
            }

    def _problems(self) -> None:
        rows = (
            self.scoped(
                SiteProblem.objects.filter(pf.OPEN_PROBLEMS.condition_q()),
                self.project_path("project__"),
            )
            .values("_key")
            .annotate(**aggregates(pf.PROBLEM_FIGURES, moment=self.moment))
        )
        for r in rows:
            values = cleaned(pf.PROBLEM_FIGURES, r)
            self.row(r["_key"])["problems"] = {
                "open": values["open_problems"],
                "overdue": values["overdue_problems"],
            }

    # The work section: figure key → its name in the snapshot.
    WORK_NAMES = {
        "work_projects": "projects",
        "planned_quantity": "planned",
        "completed_quantity": "completed",
        "work_budget": "budget",
    }

    def _work(self) -> None:
        """Planned and completed quantities per work type: each item's latest cumulative
        figure, never a sum of reports."""
        rows = (
            self.scoped(WorkItem.objects.all(), self.project_path("project__"))
            .values("_key", code=F("work_type__code"))
            .annotate(**aggregates(pf.WORK_FIGURES))
        )
        for r in rows:
            values = cleaned(pf.WORK_FIGURES, r)
            self.row(r["_key"])["work"][r["code"]] = {
                name: values[key] if key == "work_projects" else money(values[key])
                for key, name in self.WORK_NAMES.items()
            }

    # --- Funding ------------------------------------------------------------------------

    def _funding(self) -> None:
        attributed = ATTRIBUTED.get(self.kind, False)
        measures: dict[tuple[int, str], dict[str, Decimal]] = {}

        def add(rows: Iterable[dict], figures: tuple[Figure, ...]) -> None:
            for r in rows:
                slot = measures.setdefault((r["_key"], f"{r['k']}|{r['s']}"), {})
                for key, value in cleaned(figures, r).items():
                    slot[key] = slot.get(key, ZERO) + value

        if attributed:
            commitment_path = self.project_path("project__")
            line_path = commitment_path
        else:
            commitment_path = (
                "programme" if self.kind == ScopeKind.PROGRAMME else "programme__district"
            )
            line_path = f"commitment__{commitment_path}"
        committed = (ff.PLANNED, ff.APPROVED)
        commitments = self.scoped(Commitment.objects.all(), commitment_path)
        add(
            commitments.values("_key", k=F("source__kind"), s=F("source__sub_type")).annotate(
                **aggregates(committed)
            ),
            committed,
        )
        if attributed:
            allocated = ff.COMMITTED[2]  # the allocation's own amount, its commitment's status
            add(
                self.scoped(Allocation.objects.all(), line_path)
                .values(
                    "_key", k=F("commitment__source__kind"), s=F("commitment__source__sub_type")
                )
                .annotate(**{f.alias: f.aggregate(source=allocated) for f in committed}),
                committed,
            )
        for model, figure in ((Receipt, ff.RECEIVED), (Expenditure, ff.SPENT)):
            add(
                self.scoped(model.objects.all(), line_path)
                .values(
                    "_key", k=F("commitment__source__kind"), s=F("commitment__source__sub_type")
                )
                .annotate(**aggregates((figure,))),
                (figure,),
            )
        for (key, slot_key), values in measures.items():
            self.row(key)["funding"]["money"][slot_key] = {
                name: money(values.get(name))
                for name in ("planned", "approved", "received", "spent")
            }
        self._residents()

    def _residents(self) -> None:
        """Resident contributions per rule over the scope's projects: expected (rate × floor
        area or households) against collected (receipts on the rule's commitments)."""
        # Only rules with projects in scope, and only for their plan year (if they name one).
        condition = Q(programme__projects__isnull=False) & (
            Q(year__isnull=True) | Q(year=F("programme__projects__year"))
        )
        if self.kind == ScopeKind.PROGRAMME:
            rule_path, project_path = "programme", "project__programme"
        else:
            rule_path = f"programme__projects__{PROJECT_PATH[self.kind]}"
            project_path = self.project_path("project__")
        quantities = (pf.HOUSEHOLDS, pf.FLOOR_AREA)
        rules = (
            self.scoped(ContributionRule.objects.all(), rule_path, condition)
            .values("_key", "id", "programme_id", "name", "sub_type", "basis", "rate")
            .annotate(
                **aggregates((pf.PROJECTS,), prefix="programme__projects__"),
                **aggregates(quantities, prefix="programme__projects__compound__"),
            )
            # The order of the live report (funding.selectors.resident_contributions).
            .order_by("programme_id", "name")
        )
        collected_figure = (ff.RESIDENTS_COLLECTED,)
        collected = {
            (r["_key"], r["commitment__rule"]): cleaned(collected_figure, r)["residents_collected"]
            for r in self.scoped(
                Receipt.objects.filter(ff.RESIDENTS_COLLECTED.condition_q()), project_path
            )
            .values("_key", "commitment__rule")
            .annotate(**aggregates(collected_figure))
        }
        for r in rules:
            values = cleaned((pf.PROJECTS, *quantities), r)
            self.row(r["_key"])["funding"]["residents"].append(
                {
                    "rule": r["id"],
                    "programme": r["programme_id"],
                    "name": r["name"],
                    "sub_type": r["sub_type"],
                    "basis": r["basis"],
                    "rate": str(r["rate"]),
                    "projects": values["projects"],
                    "households": values["households"],
                    "floor_area": money(values["floor_area"]),
                    "collected": money(collected.get((r["_key"], r["id"]))),
                }
            )

    # --- Governance ---------------------------------------------------------------------

    def _governance(self) -> None:
        """The indicators of governance.selectors, grouped by scope (eight queries): the
        figures of governance.figures, section by section."""
        if self.kind == ScopeKind.PROGRAMME:
            return
        compound = COMPOUND_PATH[self.kind]

        def gov(key: int) -> Figures:
            figures = self.row(key)["governance"]
            figures["present"] = 1  # the scope has governance records (a street row is shown)
            return figures

        committee_path = gf.COMMITTEES.sources[0].paths[self.kind]
        committees = ResidentCommittee.objects.all()
        if not isinstance(committee_path, str):  # an area committee counts in its own area
            committees = committees.alias(_area=Coalesce("area", "compound__area"))
            committee_path = "_area"
        for r in (
            self.scoped(committees, committee_path)
            .values("_key", "kind")
            .annotate(**aggregates(gf.COMMITTEE_FIGURES))
        ):
            values = cleaned(gf.COMMITTEE_FIGURES, r)
            g = gov(r["_key"])
            g["by_kind"][r["kind"]] = {
                "count": values["committees"],
                "headcount": values["committee_members"],
            }
            g["committees"] += values["committees"]
            g["committee_members"] += values["committee_members"]

        sections = (
            (gf.MEETING_FIGURES, "compound__"),
            (gf.SURVEY_FIGURES, "project__compound__"),
            (gf.VOTE_FIGURES, "compound__"),
            (gf.FUND_FIGURES, "project__compound__"),
            (gf.SUGGESTION_FIGURES, "compound__"),
            (gf.SATISFACTION_FIGURES, "project__compound__"),
            (gf.MANAGEMENT_FIGURES, "compound__"),
        )
        for section, path in sections:
            rows = (
                self.scoped(section[0].sources[0].queryset(), path + compound)
                .values("_key")
                .annotate(**aggregates(section))
            )
            for r in rows:
                values = cleaned(section, r)
                gov(r["_key"]).update(
                    {
                        key: money(value) if key.startswith("fund_amount") else value
                        for key, value in values.items()
                    }
                )


def _stored(figure: Figure, value: int | Decimal) -> int | str:
    """A figure as the snapshot stores it: counts as ints, money as yuan strings with two
    places, other sums as exact decimal strings (additive, see `merge`)."""
    if isinstance(value, int):
        return value
    if figure.unit == Unit.YUAN:
        return money(value)
    return exact(value)


def compute(
    kind: str,
    ids: Iterable[int] | None = None,
    *,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
    on_step: Callable[[], None] | None = None,
) -> dict[int, Figures]:
    """Figures of every scope of `kind` that has any data (or of each id in `ids`)."""
    return Computation(kind, ids, today=today, now=now, on_step=on_step).run()


# --- Adding up ------------------------------------------------------------------------------


def merge(a: Any, b: Any) -> Any:
    """The sum of two scopes' raw figures: numbers add (Decimal strings exactly), lists (rules
    of resident contributions, each belonging to one programme) concatenate, a missing target
    (None) counts as none."""
    if a is None:
        return b
    if b is None:
        return a
    if isinstance(a, dict):
        return {key: merge(a.get(key), b.get(key)) for key in a.keys() | b.keys()}
    if isinstance(a, list):
        if len(a) == len(b) == 2 and all(isinstance(x, int) for x in (*a, *b)):
            return [a[0] + b[0], a[1] + b[1]]  # (compounds, households) of a stage
        return a + b
    if isinstance(a, bool):
        return a and b
    if isinstance(a, int):
        return a + b
    return str(Decimal(a) + Decimal(b))


def total(kind: str, parts: Iterable[Figures]) -> Figures:
    result = empty_figures(kind)
    for part in parts:
        result = merge(result, part)
    result["funding"]["residents"].sort(key=lambda row: (row["programme"], row["name"]))
    return result

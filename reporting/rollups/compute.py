"""Figures per scope, computed from source with grouped SQL aggregates.

Each section is one `GROUP BY <scope>` query (a few for funding and governance) over the whole
table or over the scopes asked for, never a query per scope: a national rollup costs the same
number of queries as a street's. Street, area, district and programme figures are computed
here; city and national figures are sums of district figures (see `merge`).

The counting rules are those of the live selectors, which the tests compare against:
programmes.selectors (stages, years, street rows), funding.selectors.funding_mix (whole
programme for district and programme scopes, attributed to projects for street and area scopes)
and governance.selectors (indicators).

Raw figures are additive: counts and sums (Decimals as strings), so that adding two districts'
figures gives their city's. Rates, shares and averages are derived when read (selectors.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, DecimalField, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, ExtractYear
from django.utils import timezone

from funding.models import Allocation, Commitment, ContributionRule, Expenditure, Receipt
from governance.models import (
    FundCollection,
    LongTermManagement,
    Meeting,
    OpinionSurvey,
    OwnerVote,
    ResidentCommittee,
    SatisfactionSurvey,
    Suggestion,
)
from governance.selectors import ANSWER_WITHIN, latest_per_project
from programmes.models import (
    Compound,
    LocalTarget,
    Programme,
    Project,
    SiteProblem,
    Stage,
    WorkItem,
    YearTarget,
)
from programmes.selectors import REPORT_REFERENCE_DAY, report_overdue_q
from renovation.models import ScopeKind

ZERO = Decimal("0")
CENT = Decimal("0.01")
MONEY = DecimalField(max_digits=18, decimal_places=2)
# Sums of percentages and of percentage × budget: wider than any column they add up.
PRECISE = DecimalField(max_digits=30, decimal_places=4)
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


def money(value: Decimal | float | int | str | None) -> str:
    if value is None:
        return "0.00"
    return str(Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP))


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
        """The figures of scope `key` (rows come from `scoped`, which leaves out a missing
        scope: compounds without an area)."""
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

    def _stages(self) -> None:
        """Compounds and households by the stage of their current project, as on the
        dashboard; a programme counts its own projects by stage."""
        eligible = Q(survey_status=Compound.SurveyStatus.ELIGIBLE)
        if self.kind == ScopeKind.PROGRAMME:
            rows = (
                self.scoped(Project.objects.all(), "programme")
                .values("_key", "stage")
                .annotate(
                    n=Count("id"),
                    h=Sum("compound__households"),
                    eligible=Count(
                        "id", filter=Q(compound__survey_status=Compound.SurveyStatus.ELIGIBLE)
                    ),
                )
            )
        else:
            rows = (
                self.scoped(Compound.objects.all(), COMPOUND_PATH[self.kind])
                .values("_key", stage=F("current_project__stage"))
                .annotate(n=Count("id"), h=Sum("households"), eligible=Count("id", filter=eligible))
            )
        for r in rows:
            figures = self.row(r["_key"])
            pair = [r["n"], r["h"] or 0]
            if r["stage"] is None:
                figures["unassigned"] = pair
            else:
                figures["stages"][r["stage"]] = pair
            figures["eligible"] += r["eligible"]

    def _years(self) -> None:
        """Started (entered construction) and completed (accepted) projects per year."""
        projects = self.scoped(Project.objects.all(), self.project_path())
        for field, name in (("started_on", "started"), ("completed_on", "completed")):
            rows = (
                projects.filter(**{f"{field}__isnull": False})
                .values("_key", y=ExtractYear(field))
                .annotate(n=Count("id"), h=Sum("compound__households"))
            )
            for r in rows:
                year = _year(self.row(r["_key"]), r["y"])
                year[name] = r["n"]
                year[f"{name}_households"] = r["h"] or 0

    def _targets(self) -> None:
        """Yearly targets are set per district programme; a street or an area has the share
        the programme gave it (LocalTarget), if any."""
        paths: dict[str, str] = {
            ScopeKind.DISTRICT: "programme__district",
            ScopeKind.PROGRAMME: "programme",
        }
        local_paths: dict[str, str] = {ScopeKind.STREET: "street", ScopeKind.AREA: "area"}
        model: type[LocalTarget] | type[YearTarget]
        if self.kind in local_paths:
            model, path = LocalTarget, local_paths[self.kind]
        elif self.kind in paths:
            model, path = YearTarget, paths[self.kind]
        else:
            return
        rows = (
            self.scoped(model.objects.all(), path)
            .values("_key", "year")
            .annotate(c=Sum("compounds"), h=Sum("households"))
        )
        for r in rows:
            year = _year(self.row(r["_key"]), r["year"])
            year["target_compounds"] = r["c"]
            year["target_households"] = r["h"]

    def _projects(self) -> None:
        """Projects under construction, their progress (plain sum for the average, budget-
        weighted sum for the weighted progress) and those whose progress report is overdue."""
        building = Q(stage=Stage.CONSTRUCTION)
        rows = (
            self.scoped(Project.objects.all(), self.project_path())
            .alias(report_reference_day=REPORT_REFERENCE_DAY)
            .values("_key")
            .annotate(
                n=Count("id"),
                in_construction=Count("id", filter=building),
                progress_sum=Sum("progress", filter=building, output_field=PRECISE),
                weighted_sum=Sum(
                    F("progress") * F("budget"), filter=building, output_field=PRECISE
                ),
                budget_in_construction=Sum("budget", filter=building, output_field=MONEY),
                budget=Sum("budget", output_field=MONEY),
                overdue=Count(
                    "id",
                    filter=report_overdue_q(
                        today=self.today,
                        thresholds=Programme.objects.order_by()
                        .values_list("report_overdue_days", flat=True)
                        .distinct(),
                    ),
                ),
            )
        )
        for r in rows:
            self.row(r["_key"])["projects"] = {
                "count": r["n"],
                "in_construction": r["in_construction"],
                "progress_sum": exact(r["progress_sum"]),
                "weighted_sum": exact(r["weighted_sum"]),
                "budget_in_construction": money(r["budget_in_construction"]),
                "budget": money(r["budget"]),
                "reports_overdue": r["overdue"],
            }

    def _problems(self) -> None:
        cutoff = self.now - timedelta(hours=settings.RENOVATION_PROBLEM_OVERDUE_HOURS)
        rows = (
            self.scoped(SiteProblem.objects.open(), self.project_path("project__"))
            .values("_key")
            .annotate(n=Count("id"), overdue=Count("id", filter=Q(created_at__lt=cutoff)))
        )
        for r in rows:
            self.row(r["_key"])["problems"] = {"open": r["n"], "overdue": r["overdue"]}

    def _work(self) -> None:
        """Planned and completed quantities per work type: each item's latest cumulative
        figure, never a sum of reports."""
        rows = (
            self.scoped(WorkItem.objects.all(), self.project_path("project__"))
            .values("_key", code=F("work_type__code"))
            .annotate(
                projects=Count("project", distinct=True),
                planned=Sum("planned_quantity", output_field=MONEY),
                done=Sum("completed_quantity", output_field=MONEY),
                budget=Sum("budget", output_field=MONEY),
            )
        )
        for r in rows:
            self.row(r["_key"])["work"][r["code"]] = {
                "projects": r["projects"],
                "planned": money(r["planned"]),
                "completed": money(r["done"]),
                "budget": money(r["budget"]),
            }

    # --- Funding ------------------------------------------------------------------------

    def _funding(self) -> None:
        attributed = ATTRIBUTED.get(self.kind, False)
        approved = Q(status=Commitment.Status.APPROVED)
        measures: dict[tuple[int, str], dict[str, Decimal]] = {}

        def add(key: int, kind: str, sub_type: str, measure: str, value: object) -> None:
            slot = measures.setdefault((key, f"{kind}|{sub_type}"), {})
            slot[measure] = slot.get(measure, ZERO) + Decimal(str(value or 0))

        if attributed:
            commitment_path = self.project_path("project__")
            line_path = commitment_path
        else:
            commitment_path = (
                "programme" if self.kind == ScopeKind.PROGRAMME else "programme__district"
            )
            line_path = f"commitment__{commitment_path}"
        commitments = self.scoped(Commitment.objects.all(), commitment_path)
        for r in commitments.values("_key", k=F("source__kind"), s=F("source__sub_type")).annotate(
            planned=Sum("amount"), approved=Sum("amount", filter=approved)
        ):
            add(r["_key"], r["k"], r["s"], "planned", r["planned"])
            add(r["_key"], r["k"], r["s"], "approved", r["approved"])
        if attributed:
            allocations = self.scoped(Allocation.objects.all(), line_path)
            for r in allocations.values(
                "_key", k=F("commitment__source__kind"), s=F("commitment__source__sub_type")
            ).annotate(
                planned=Sum("amount"),
                approved=Sum("amount", filter=Q(commitment__status=Commitment.Status.APPROVED)),
            ):
                add(r["_key"], r["k"], r["s"], "planned", r["planned"])
                add(r["_key"], r["k"], r["s"], "approved", r["approved"])
        for model, measure in ((Receipt, "received"), (Expenditure, "spent")):
            records = self.scoped(model.objects.all(), line_path)
            for r in records.values(
                "_key", k=F("commitment__source__kind"), s=F("commitment__source__sub_type")
            ).annotate(total=Sum("amount")):
                add(r["_key"], r["k"], r["s"], measure, r["total"])
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
        rules = (
            self.scoped(ContributionRule.objects.all(), rule_path, condition)
            .values("_key", "id", "programme_id", "name", "sub_type", "basis", "rate")
            .annotate(
                projects=Count("programme__projects"),
                households=Sum("programme__projects__compound__households"),
                floor_area=Sum("programme__projects__compound__floor_area"),
            )
            # The order of the live report (funding.selectors.resident_contributions).
            .order_by("programme_id", "name")
        )
        collected = {
            (r["_key"], r["commitment__rule"]): r["total"]
            for r in self.scoped(
                Receipt.objects.filter(commitment__rule__isnull=False), project_path
            )
            .values("_key", "commitment__rule")
            .annotate(total=Sum("amount"))
        }
        for r in rules:
            self.row(r["_key"])["funding"]["residents"].append(
                {
                    "rule": r["id"],
                    "programme": r["programme_id"],
                    "name": r["name"],
                    "sub_type": r["sub_type"],
                    "basis": r["basis"],
                    "rate": str(r["rate"]),
                    "projects": r["projects"],
                    "households": r["households"] or 0,
                    "floor_area": money(r["floor_area"]),
                    "collected": money(collected.get((r["_key"], r["id"]))),
                }
            )

    # --- Governance ---------------------------------------------------------------------

    def _governance(self) -> None:
        """The indicators of governance.selectors, grouped by scope (eight queries)."""
        if self.kind == ScopeKind.PROGRAMME:
            return
        compound = COMPOUND_PATH[self.kind]

        def grouped(queryset: QuerySet, path: str, **aggregates) -> Iterable[dict]:
            return self.scoped(queryset, path).values("_key").annotate(**aggregates)

        def gov(key: int) -> Figures:
            figures = self.row(key)["governance"]
            figures["present"] = 1  # the scope has governance records (a street row is shown)
            return figures

        committee_paths: dict[str, str] = {
            ScopeKind.STREET: "street",
            ScopeKind.DISTRICT: "street__district",
        }
        committee_path = committee_paths.get(self.kind)
        committees = ResidentCommittee.objects.all()
        if committee_path is None:  # an area committee counts in its own area
            committees = committees.alias(_area=Coalesce("area", "compound__area"))
            committee_path = "_area"
        for r in (
            self.scoped(committees, committee_path)
            .values("_key", "kind")
            .annotate(n=Count("id"), members=Coalesce(Sum("headcount"), 0))
        ):
            g = gov(r["_key"])
            g["by_kind"][r["kind"]] = {"count": r["n"], "headcount": r["members"]}
            g["committees"] += r["n"]
            g["committee_members"] += r["members"]

        for r in grouped(
            Meeting.objects.all(),
            f"compound__{compound}",
            n=Count("id"),
            people=Coalesce(Sum("attendance"), 0),
        ):
            gov(r["_key"]).update(meetings=r["n"], meeting_attendance=r["people"])

        for r in grouped(
            OpinionSurvey.objects.filter(pk=latest_per_project(OpinionSurvey)),
            f"project__compound__{compound}",
            n=Count("id"),
            issued=Coalesce(Sum("forms_issued"), 0),
            returned=Coalesce(Sum("forms_returned"), 0),
            support=Coalesce(Sum("support"), 0),
        ):
            gov(r["_key"]).update(
                surveyed_projects=r["n"],
                forms_issued=r["issued"],
                forms_returned=r["returned"],
                support=r["support"],
            )

        tallied = ~Q(tally_method=OwnerVote.TallyMethod.NONE)
        for r in grouped(
            OwnerVote.objects.all(),
            f"compound__{compound}",
            n=Count("id"),
            tallied=Count("id", filter=tallied),
            passed=Count("id", filter=Q(passed=True)),
            no_quorum=Count("id", filter=tallied & Q(quorum_reached=False)),
        ):
            gov(r["_key"]).update(
                votes=r["n"],
                votes_tallied=r["tallied"],
                votes_passed=r["passed"],
                votes_without_quorum=r["no_quorum"],
            )

        for r in grouped(
            FundCollection.objects.all(),
            f"project__compound__{compound}",
            expected=Coalesce(Sum("households_expected"), 0),
            paid=Coalesce(Sum("households_paid"), 0),
            amount_expected=Coalesce(Sum("amount_expected"), ZERO, output_field=MONEY),
            amount_collected=Coalesce(Sum("amount_collected"), ZERO, output_field=MONEY),
        ):
            gov(r["_key"]).update(
                fund_households_expected=r["expected"],
                fund_households_paid=r["paid"],
                fund_amount_expected=money(r["amount_expected"]),
                fund_amount_collected=money(r["amount_collected"]),
            )

        answered = Q(answered_at__isnull=False)
        for r in grouped(
            Suggestion.objects.all(),
            f"compound__{compound}",
            n=Count("id"),
            answered=Count("id", filter=answered),
            within=Count(
                "id", filter=answered & Q(answered_at__lte=F("received_at") + ANSWER_WITHIN)
            ),
            open=Count("id", filter=Q(status__in=["received", "assigned"])),
        ):
            gov(r["_key"]).update(
                suggestions=r["n"],
                suggestions_answered=r["answered"],
                suggestions_within_day=r["within"],
                suggestions_open=r["open"],
            )

        for r in grouped(
            SatisfactionSurvey.objects.filter(pk=latest_per_project(SatisfactionSurvey)),
            f"project__compound__{compound}",
            respondents=Coalesce(Sum("respondents"), 0),
            satisfied=Coalesce(Sum("satisfied"), 0),
        ):
            gov(r["_key"]).update(respondents=r["respondents"], satisfied=r["satisfied"])

        for r in grouped(
            LongTermManagement.objects.all(),
            f"compound__{compound}",
            n=Count("compound", distinct=True),
        ):
            gov(r["_key"])["managed_compounds"] = r["n"]


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

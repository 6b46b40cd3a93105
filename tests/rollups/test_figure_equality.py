"""Every registered figure, for every scope of the demo data, through every reader that shows it,
equals the registry's own computation (reporting.figures): to the fen for money, exactly for
counts, households and rates.

Readers: the snapshots (reporting/rollups/compute.py read back by SnapshotFigures), the live
selectors (dashboard, street rows, funding mix, governance indicators, work effects, progress and
stage statistics), the statistics API, the statutory returns, the weekly/monthly report, the
ledger's totals and, on PostgreSQL, the benchmark's bare SQL. Each reader computes the figures
its own way (grouped, scoped to a user, per year or period); all take their aggregates from the
registry, and this test proves they agree."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from funding.models import Commitment, ContributionRule, Receipt
from funding.selectors import FundingScope, funding_mix
from governance.models import Meeting
from governance.selectors import Indicators, governance_indicators
from programmes import selectors as live
from programmes.models import (
    Area,
    City,
    Compound,
    District,
    Programme,
    Project,
    Province,
    SiteProblem,
    Stage,
    Street,
)
from renovation.figures import registered, rounding
from renovation.models import ScopeKind, User
from reporting.exports.ledger import funding_table, projects_table
from reporting.exports.periodic import period_report
from reporting.exports.returns import district_figures
from reporting.exports.scope import LedgerScope
from reporting.figures import FigureScope, figures_by, figures_for, plan_figures
from reporting.models import ScopeSnapshot
from reporting.rollups.figures import SnapshotFigures
from reporting.rollups.selectors import work_rows
from reporting.rollups.services import rollup_full
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]

SCOPE_MODELS = {
    ScopeKind.STREET: Street,
    ScopeKind.AREA: Area,
    ScopeKind.DISTRICT: District,
    ScopeKind.PROGRAMME: Programme,
    ScopeKind.CITY: City,
    ScopeKind.PROVINCE: Province,
}
YEAR_KEYS = (
    "started",
    "started_households",
    "completed",
    "completed_households",
    "target_compounds",
    "target_households",
    "start_rate",
    "start_rate_households",
    "completion_rate",
    "completion_rate_households",
)
GOVERNANCE_KEYS = tuple(name for name in Indicators.__dataclass_fields__ if name != "by_kind")
GOVERNANCE_RATES = (
    "support_rate",
    "fund_household_rate",
    "fund_amount_rate",
    "within_day_rate",
    "answered_rate",
    "satisfaction_rate",
)
MONEY = ("planned", "approved", "received", "spent")
# The sum of every project's progress: shown only as the mean progress by stage (mean_progress).
SHOWN_THROUGH_DERIVED = {"progress_total"}
# Figures that exist to be parts of others (a sum of percentages), compared where a reader
# holds them (the snapshots), and shown only through the figures derived from them.
WORK_NAMES = {
    "work_projects": "projects",
    "planned_quantity": "planned",
    "completed_quantity": "completed",
    "work_budget": "budget",
}


def normal(value: Any) -> Any:
    """Numbers as exact Decimals (JSON strings, ints, floats of a spreadsheet), money to the
    fen as it is: Decimal('1.50') equals Decimal('1.5'); None stays None."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, str):
        return Decimal(value)
    return value


class Checks:
    def __init__(self) -> None:
        self.count = 0
        self.by_reader: Counter[str] = Counter()
        self.keys: set[str] = set()
        self.mismatches: list[str] = []

    def eq(self, reader: str, scope: object, key: str, got: Any, expected: Any) -> None:
        self.count += 1
        self.by_reader[reader] += 1
        self.keys.add(key)
        if normal(got) != normal(expected):
            self.mismatches.append(f"{reader} · {scope} · {key}: {got!r} != {expected!r}")

    def all(self, reader: str, scope: object, got: dict, expected: dict) -> None:
        for key, value in got.items():
            self.eq(reader, scope, key, value, expected[key])


@pytest.fixture
def rolled_up():
    rollup_full()
    return timezone.localdate()


def scopes() -> list[FigureScope]:
    result = [FigureScope(ScopeKind.ALL, 0)]
    for kind, model in SCOPE_MODELS.items():
        result += [
            FigureScope(kind, pk)
            for pk in model.objects.order_by("pk").values_list("pk", flat=True)
        ]
    return result


def years_with_data(today: dt.date) -> list[int]:
    return list(range(today.year - 4, today.year + 1))


def user_for(kind: str, pk: int) -> User:
    fields = {
        ScopeKind.STREET: {"role": User.Role.STREET_OFFICER, "street_id": pk},
        ScopeKind.DISTRICT: {"role": User.Role.DISTRICT_OFFICIAL, "district_id": pk},
        ScopeKind.CITY: {"role": User.Role.CITY_VIEWER, "city_id": pk},
        ScopeKind.ALL: {"role": User.Role.CITY_VIEWER},
    }[kind]
    existing = User.objects.filter(username=f"figures-{kind}-{pk}").first()
    return existing or factories.UserFactory(username=f"figures-{kind}-{pk}", **fields)


class Reference:
    """The registry's own figures (reporting.figures), computed once per scope."""

    def __init__(self) -> None:
        self.cache: dict[tuple, Any] = {}

    def __call__(self, kind: str, pk: int, year: int | None = None) -> dict:
        key = ("for", kind, pk, year)
        if key not in self.cache:
            self.cache[key] = figures_for(FigureScope(kind, pk, year))
        return self.cache[key]

    def by(self, kind: str, pk: int, breakdown: str) -> dict:
        key = ("by", kind, pk, breakdown)
        if key not in self.cache:
            self.cache[key] = figures_by(FigureScope(kind, pk), breakdown)
        return self.cache[key]


def shares_of(rows: dict, key: str, order: list) -> list:
    return rounding.shares([rows.get(k, {}).get(key) or 0 for k in order])


# --- Readers -------------------------------------------------------------------------------


def check_snapshot_like(checks: Checks, reader: str, ref: Reference, scope, raw: dict, years):
    """The snapshots' figures (or the bare SQL's, arranged alike) against the registry."""
    kind, pk = scope.kind, scope.pk
    expected = ref(kind, pk)
    figures = SnapshotFigures(raw)
    projects = figures.projects
    got = {
        "compounds": figures.compounds,
        "households": figures.households,
        "eligible": figures.eligible,
        "projects": projects["count"],
        "in_construction": projects["in_construction"],
        "progress_sum": projects["progress_sum"],
        "weighted_sum": projects["weighted_sum"],
        "budget": projects["budget"],
        "budget_in_construction": projects["budget_in_construction"],
        "reports_overdue": projects["reports_overdue"],
        "open_problems": figures.open_problems,
        "overdue_problems": figures.overdue_problems,
        "average_progress": figures.average_progress,
        "weighted_progress": figures.weighted_progress,
        **figures.funding_totals(),
    }
    mix = figures.funding_mix()
    got.update(
        gap=mix.total.gap,
        received_rate=mix.total.received_rate,
        spent_rate=mix.total.spent_rate,
        residents_collected=mix.residents_collected,
    )
    if kind != ScopeKind.PROGRAMME:
        indicators = figures.indicators()
        got.update({key: getattr(indicators, key) for key in GOVERNANCE_KEYS + GOVERNANCE_RATES})
    checks.all(reader, scope, got, expected)
    # Compounds by stage, funding by kind with shares, work by type.
    stages = ref.by(kind, pk, "stage")
    for row in figures.stages:
        want = stages.get(row["stage"], {})
        checks.eq(
            reader, (scope, row["stage"]), "compounds", row["compounds"], want.get("compounds", 0)
        )
        checks.eq(
            reader,
            (scope, row["stage"]),
            "households",
            row["households"],
            want.get("households", 0),
        )
    kinds = ref.by(kind, pk, "kind")
    order = [row.kind for row in mix.kinds]
    for measure, share in (
        ("planned", "share_planned"),
        ("received", "share_received"),
        ("spent", "share_spent"),
    ):
        for row, want in zip(mix.kinds, shares_of(kinds, measure, order), strict=True):
            checks.eq(
                reader,
                (scope, row.kind),
                measure,
                getattr(row, measure),
                kinds.get(row.kind, {}).get(measure, 0),
            )
            checks.eq(reader, (scope, row.kind), share, getattr(row, share), want)
    work = ref.by(kind, pk, "work_type")
    assert set(figures.work()) == set(work)
    for code, values in figures.work().items():
        for key, name in WORK_NAMES.items():
            checks.eq(reader, (scope, code), key, values[name], work[code][key])
    for row in work_rows(figures):  # the statistics page's table of works
        code = row["work_type"].code
        want = work[code]["work_completion_rate"]
        checks.eq(reader, (scope, code), "work_completion_rate", row["percent"], want)
    for year in years:
        want = ref(kind, pk, year)
        row = figures.year(year)
        checks.all(reader, (scope, year), {key: getattr(row, key) for key in YEAR_KEYS}, want)


def check_snapshots(checks: Checks, ref: Reference, today: dt.date) -> None:
    years = years_with_data(today)
    for scope in scopes():
        snapshot = ScopeSnapshot.objects.filter(
            scope_kind=scope.kind, scope_id=scope.pk, as_of=today
        ).first()
        if snapshot is None:
            continue  # a scope without any data has no snapshot: nothing to compare
        check_snapshot_like(checks, "snapshot", ref, scope, snapshot.figures, years)


def year_row(figures) -> dict:
    return {key: getattr(figures, key) for key in YEAR_KEYS}


def check_live(checks: Checks, ref: Reference, today: dt.date) -> None:
    years = years_with_data(today)
    user_scopes = [FigureScope(ScopeKind.ALL, 0)]
    user_scopes += [
        FigureScope(ScopeKind.CITY, pk) for pk in City.objects.values_list("pk", flat=True)
    ]
    user_scopes += [
        FigureScope(ScopeKind.DISTRICT, pk) for pk in District.objects.values_list("pk", flat=True)
    ]
    user_scopes += [
        FigureScope(ScopeKind.STREET, pk)
        for pk in Street.objects.filter(compounds__isnull=False)
        .distinct()
        .values_list("pk", flat=True)
    ]
    for scope in user_scopes:
        user = user_for(scope.kind, scope.pk)
        expected = ref(scope.kind, scope.pk)
        for year in years:
            board = live.dashboard(user=user, year=year)
            checks.all(
                "live dashboard",
                (scope, year),
                year_row(board.current),
                ref(scope.kind, scope.pk, year),
            )
            for row in board.streets:
                street = ref(ScopeKind.STREET, row.street.pk, year)
                got = {
                    "compounds": row.compounds,
                    "eligible": row.eligible,
                    "in_construction": row.in_construction,
                    "started": row.started,
                    "completed": row.completed,
                    "average_progress": row.average_progress,
                    "open_problems": row.open_problems,
                    "overdue_problems": row.overdue_problems,
                }
                checks.all("live street rows", (row.street.pk, year), got, street)
        board = live.dashboard(user=user, year=today.year)
        stages = ref.by(scope.kind, scope.pk, "stage")
        for row in board.stages:
            want = stages.get(row["stage"], {})
            checks.eq(
                "live dashboard",
                (scope, row["stage"]),
                "compounds",
                row["compounds"],
                want.get("compounds", 0),
            )
            checks.eq(
                "live dashboard",
                (scope, row["stage"]),
                "households",
                row["households"],
                want.get("households", 0),
            )
        checks.eq(
            "live dashboard",
            scope,
            "open_problems",
            board.open_problem_count,
            expected["open_problems"],
        )
        checks.eq(
            "live dashboard",
            scope,
            "overdue_problems",
            board.overdue_problem_count,
            expected["overdue_problems"],
        )
        mix = funding_mix(user=user)
        checks.all("live funding mix", scope, {m: getattr(mix.total, m) for m in MONEY}, expected)
        check_residents(checks, ref, scope, mix)
        checks.all(
            "live funding mix",
            scope,
            {
                "gap": mix.total.gap,
                "received_rate": mix.total.received_rate,
                "spent_rate": mix.total.spent_rate,
                "residents_collected": mix.residents_collected,
            },
            expected,
        )
        indicators = governance_indicators(user=user)
        checks.all(
            "live governance",
            scope,
            {key: getattr(indicators, key) for key in GOVERNANCE_KEYS + GOVERNANCE_RATES},
            expected,
        )
        work = ref.by(scope.kind, scope.pk, "work_type")
        for row in live.work_effects(user=user, scope=live.StatisticsScope()):
            code = row["work_type__code"]
            for key, name in (
                ("work_projects", "projects"),
                ("planned_quantity", "planned_quantity"),
                ("completed_quantity", "completed_quantity"),
                ("work_budget", "budget"),
            ):
                checks.eq("live work effects", (scope, code), key, row[name], work[code][key])
    for programme in Programme.objects.select_related("district"):
        scope = FigureScope(ScopeKind.PROGRAMME, programme.pk)
        official = user_for(ScopeKind.DISTRICT, programme.district_id)
        statistics = live.StatisticsScope(programme=programme)
        for row in live.progress_statistics(user=official, scope=statistics):
            checks.all(
                "live progress statistics",
                (scope, row.year),
                year_row(row),
                ref(scope.kind, scope.pk, row.year),
            )
        by_stage = ref.by(scope.kind, scope.pk, "stage")
        for row in live.stage_statistics(user=official, scope=statistics):
            want = by_stage.get(row["stage"], {})
            checks.eq(
                "live stage statistics",
                (scope, row["stage"]),
                "projects",
                row["projects"],
                want.get("projects", 0),
            )
            checks.eq(
                "live stage statistics",
                (scope, row["stage"]),
                "households",
                row["households"],
                want.get("households", 0),
            )
            checks.eq(
                "live stage statistics",
                (scope, row["stage"]),
                "mean_progress",
                row["average_progress"],
                want.get("mean_progress"),
            )
        mix = funding_mix(user=official, scope=FundingScope(programme=programme))
        checks.all(
            "live funding mix",
            scope,
            {m: getattr(mix.total, m) for m in MONEY},
            ref(scope.kind, scope.pk),
        )
    for area in Area.objects.select_related("district"):
        official = user_for(ScopeKind.DISTRICT, area.district_id)
        mix = funding_mix(user=official, scope=FundingScope(area=area))
        scope = FigureScope(ScopeKind.AREA, area.pk)
        checks.all(
            "live funding mix",
            scope,
            {m: getattr(mix.total, m) for m in MONEY},
            ref(scope.kind, scope.pk),
        )


def check_residents(checks: Checks, ref: Reference, scope: FigureScope, mix) -> None:
    """Resident contributions per rule: collected is the registry's figure per rule; what a
    rule expects (rate × floor area or households) is the same in the snapshot; the
    collection rate is collected over expected by the rate rule."""
    collected = ref.by(scope.kind, scope.pk, "rule")
    snapshot = ScopeSnapshot.objects.filter(
        scope_kind=scope.kind, scope_id=scope.pk, as_of=timezone.localdate()
    ).first()
    stored = SnapshotFigures(snapshot.figures).funding_mix().residents if snapshot else []
    by_name = {(row.name, row.rate): row for row in stored}
    rules = {(r.name, r.rate): r.pk for r in ContributionRule.objects.all()}
    for row in mix.residents:
        rule = rules[(row.name, row.rate)]
        want = collected.get(rule, {}).get("residents_collected", Decimal(0))
        checks.eq("live funding mix", (scope, row.name), "residents_collected", row.collected, want)
        expected_rate = rounding.rate(want, row.expected)
        checks.eq(
            "live funding mix",
            (scope, row.name),
            "collection_rate",
            row.collection_rate,
            expected_rate,
        )
        if snapshot is not None:
            mine = by_name[(row.name, row.rate)]
            checks.eq(
                "snapshot", (scope, row.name), "residents_expected", mine.expected, row.expected
            )
            checks.eq(
                "snapshot",
                (scope, row.name),
                "collection_rate",
                mine.collection_rate,
                expected_rate,
            )


def api_client(user: User) -> APIClient:
    token, _ = Token.objects.get_or_create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def check_api(checks: Checks, ref: Reference) -> None:
    for district in District.objects.all():
        scope = FigureScope(ScopeKind.DISTRICT, district.pk)
        client = api_client(user_for(ScopeKind.DISTRICT, district.pk))
        progress = client.get(reverse("api:statistics-progress"), {"district": district.pk}).json()
        for row in progress["results"]:
            checks.all(
                "API progress",
                (scope, row["year"]),
                {k: row[k] for k in YEAR_KEYS},
                ref(scope.kind, scope.pk, row["year"]),
            )
        stages = ref.by(scope.kind, scope.pk, "stage")
        for row in client.get(reverse("api:statistics-stages"), {"district": district.pk}).json()[
            "results"
        ]:
            want = stages.get(row["stage"], {})
            checks.eq(
                "API stages",
                (scope, row["stage"]),
                "compounds",
                row["projects"],
                want.get("compounds", 0),
            )
            checks.eq(
                "API stages",
                (scope, row["stage"]),
                "households",
                row["households"],
                want.get("households", 0),
            )
        work = ref.by(scope.kind, scope.pk, "work_type")
        for row in client.get(reverse("api:statistics-effects"), {"district": district.pk}).json()[
            "results"
        ]:
            for key, name in (
                ("work_projects", "projects"),
                ("planned_quantity", "planned_quantity"),
                ("completed_quantity", "completed_quantity"),
                ("work_budget", "budget"),
            ):
                checks.eq(
                    "API effects",
                    (scope, row["work_type"]),
                    key,
                    row[name],
                    work[row["work_type"]][key],
                )
        mix = client.get(reverse("api:statistics-funding-mix"), {"district": district.pk}).json()
        expected = ref(scope.kind, scope.pk)
        checks.all("API funding mix", scope, {m: mix["total"][m] for m in MONEY}, expected)
        checks.all(
            "API funding mix",
            scope,
            {k: mix["total"][k] for k in ("gap", "received_rate", "spent_rate")},
            expected,
        )
        kinds = ref.by(scope.kind, scope.pk, "kind")
        order = [row["kind"] for row in mix["kinds"]]
        for measure in ("planned", "received", "spent"):
            for row, want in zip(mix["kinds"], shares_of(kinds, measure, order), strict=True):
                checks.eq(
                    "API funding mix",
                    (scope, row["kind"]),
                    f"share_{measure}",
                    row[f"share_{measure}"],
                    want,
                )


RETURN_KEYS = {
    "planned": "projects",
    "planned_households": "households",
    "buildings": "buildings",
    "floor_area": "floor_area",
    "built_by_2000": "built_by_2000",
    "budget": "budget",
    "in_construction": "in_construction",
    "started": "started",
    "started_households": "started_households",
    "completed": "completed",
    "completed_households": "completed_households",
    "received": "received",
    "spent": "spent",
    "start_rate": "plan_start_rate",
    "start_rate_households": "plan_start_rate_households",
    "completion_rate": "plan_completion_rate",
    "completion_rate_households": "plan_completion_rate_households",
    "received_rate": "investment_received_rate",
}


def check_returns(checks: Checks, today: dt.date) -> None:
    for district in District.objects.all():
        official = user_for(ScopeKind.DISTRICT, district.pk)
        for year in years_with_data(today):
            figures = district_figures(user=official, district=district, year=year)
            rows = [(ScopeKind.DISTRICT, district.pk, figures.total)]
            rows += [(ScopeKind.STREET, row.street_id, row) for row in figures.streets]
            for kind, pk, row in rows:
                expected = plan_figures(kind, pk, year, figures.as_of)
                for name, key in RETURN_KEYS.items():
                    checks.eq(
                        "statutory returns",
                        (kind, pk, year),
                        key,
                        getattr(row, name),
                        expected[key],
                    )
            target = ref_target = figures_for(FigureScope(ScopeKind.DISTRICT, district.pk, year))
            checks.eq(
                "statutory returns",
                (district.pk, year),
                "target_compounds",
                figures.target_compounds,
                ref_target["target_compounds"],
            )
            checks.eq(
                "statutory returns",
                (district.pk, year),
                "target_households",
                figures.target_households,
                target["target_households"],
            )


def check_periodic(checks: Checks, ref: Reference, today: dt.date) -> None:
    for district in District.objects.all():
        official = user_for(ScopeKind.DISTRICT, district.pk)
        for year in years_with_data(today):
            report = period_report(
                user=official,
                district=district,
                start=dt.date(year, 1, 1),
                end=dt.date(year, 12, 31),
            )
            expected = ref(ScopeKind.DISTRICT, district.pk, year)
            got = {
                "started": report.started,
                "started_households": report.started_households,
                "completed": report.completed,
                "completed_households": report.completed_households,
                "received": report.received_total,
            }
            checks.all("periodic report", (district.pk, year), got, expected)
            for row in report.streets:
                street = ref(ScopeKind.STREET, row.street.pk, year)
                got = {
                    "in_construction": row.in_construction,
                    "average_progress": row.average_progress,
                    "started": row.started,
                    "completed": row.completed,
                }
                checks.all("periodic report", (row.street.pk, year), got, street)


def last_row(table) -> dict:
    rows = list(table.rows)
    return dict(zip(table.headers, rows[-1], strict=True))


def check_ledger(checks: Checks, ref: Reference) -> None:
    scopes_ = [
        (d.pk, LedgerScope(district=d), ScopeKind.DISTRICT, d.pk) for d in District.objects.all()
    ]
    scopes_ += [
        (s.district_id, LedgerScope(street=s), ScopeKind.STREET, s.pk)
        for s in Street.objects.filter(compounds__isnull=False).distinct()
    ]
    for district_id, scope, kind, pk in scopes_:
        official = user_for(ScopeKind.DISTRICT, district_id)
        expected = ref(kind, pk)
        funding = list(last_row(funding_table(user=official, scope=scope, unit="yuan")).values())
        checks.all(
            "ledger totals",
            (kind, pk),
            {"planned": funding[-3], "received": funding[-2], "spent": funding[-1]},
            expected,
        )
        projects = list(last_row(projects_table(user=official, scope=scope, unit="yuan")).values())
        checks.eq("ledger totals", (kind, pk), "budget", projects[16], expected["budget"])


def check_bare_sql(checks: Checks, ref: Reference, today: dt.date) -> None:
    from scripts.bench import bare_compare, bare_sql

    rows, _ = bare_sql.run_queries(
        connection,
        today=today,
        now=timezone.now(),
        overdue_hours=settings.RENOVATION_PROBLEM_OVERDUE_HOURS,
    )
    bare = bare_compare.assemble(rows)
    years = years_with_data(today)
    for scope in scopes():
        if (scope.kind, scope.pk) in bare:
            check_snapshot_like(checks, "bare SQL", ref, scope, bare[(scope.kind, scope.pk)], years)


def check_anchors(checks: Checks, ref: Reference, today: dt.date) -> None:
    """The registry itself against counts written out by hand with the ORM, so that a slip in
    a definition (which every reader would then share) is caught too."""
    for programme in Programme.objects.all():
        projects = Project.objects.filter(programme=programme)
        expected = ref(ScopeKind.PROGRAMME, programme.pk)
        got = {
            "compounds": projects.count(),
            "eligible": projects.filter(compound__survey_status="eligible").count(),
            "households": projects.aggregate(h=Sum("compound__households"))["h"] or 0,
            "in_construction": projects.filter(stage=Stage.CONSTRUCTION).count(),
            "planned": Commitment.objects.filter(programme=programme).aggregate(s=Sum("amount"))[
                "s"
            ]
            or Decimal(0),
        }
        checks.all("by hand", programme, got, expected)
    for district in District.objects.all():
        projects = Project.objects.filter(compound__street__district=district)
        for year in years_with_data(today):
            expected = ref(ScopeKind.DISTRICT, district.pk, year)
            got = {
                "started": projects.filter(started_on__year=year).count(),
                "completed": projects.filter(completed_on__year=year).count(),
                "received": Receipt.objects.filter(
                    commitment__programme__district=district, received_on__year=year
                ).aggregate(s=Sum("amount"))["s"]
                or Decimal(0),
            }
            checks.all("by hand", (district, year), got, expected)
        expected = ref(ScopeKind.DISTRICT, district.pk)
        compounds = Compound.objects.filter(street__district=district)
        got = {
            "compounds": compounds.count(),
            "eligible": compounds.filter(survey_status="eligible").count(),
            "meetings": Meeting.objects.filter(compound__street__district=district).count(),
            "open_problems": SiteProblem.objects.filter(
                status="open", project__compound__street__district=district
            ).count(),
        }
        checks.all("by hand", district, got, expected)


# --- The test ------------------------------------------------------------------------------


def test_every_figure_through_every_reader_equals_the_registry(rolled_up, capsys):
    today = rolled_up
    checks, ref = Checks(), Reference()

    check_snapshots(checks, ref, today)
    check_live(checks, ref, today)
    check_api(checks, ref)
    check_returns(checks, today)
    check_periodic(checks, ref, today)
    check_ledger(checks, ref)
    check_anchors(checks, ref, today)
    if connection.vendor == "postgresql":
        check_bare_sql(checks, ref, today)

    assert checks.mismatches == []
    # Every registered figure went through at least one reader besides the registry (a part
    # that no page shows by itself is checked through the figure derived from it).
    assert {f.key for f in registered()} - checks.keys == SHOWN_THROUGH_DERIVED
    # and the comparisons are not vacuous: the demo has data in every section.
    national = ref(ScopeKind.ALL, 0)
    assert national["compounds"] > 1000
    assert national["received"] > 0
    assert national["meetings"] > 0
    with capsys.disabled():
        readers = ", ".join(f"{name} {n}" for name, n in sorted(checks.by_reader.items()))
        print(f"\n{checks.count} checks (figure × scope × reader): {readers}")

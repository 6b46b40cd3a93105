"""On the demo data, snapshot figures equal the live selectors for every kind of scope."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone

from funding.selectors import FundingScope, funding_mix
from governance.selectors import governance_indicators, governance_indicators_by_street
from programmes import selectors as live
from programmes.models import Area, City, District, Programme, Project, Stage, Street
from programmes.services import weighted_progress
from renovation.models import ScopeKind, User
from reporting.models import ScopeSnapshot
from reporting.rollups import selectors as rollups
from reporting.rollups.figures import SnapshotFigures
from reporting.rollups.services import rollup_full
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]


@pytest.fixture
def rolled_up():
    rollup_full()
    return timezone.localdate()


def snapshot(kind: str, pk: int) -> ScopeSnapshot:
    return ScopeSnapshot.objects.get(scope_kind=kind, scope_id=pk, as_of=timezone.localdate())


def user_for(kind: str, pk: int) -> User:
    fields = {
        ScopeKind.STREET: {"role": User.Role.STREET_OFFICER, "street_id": pk},
        ScopeKind.DISTRICT: {"role": User.Role.DISTRICT_OFFICIAL, "district_id": pk},
        ScopeKind.CITY: {"role": User.Role.CITY_VIEWER, "city_id": pk},
        ScopeKind.ALL: {"role": User.Role.CITY_VIEWER},
    }[kind]
    existing = User.objects.filter(username=f"rollup-{kind}-{pk}").first()
    return existing or factories.UserFactory(username=f"rollup-{kind}-{pk}", **fields)


COUNTED = ("compounds", "eligible", "in_construction", "started", "completed", "open_problems")


def assert_units_sum_streets(stats, board, *, by_city: bool) -> None:
    """City and national pages compare districts or cities: each unit's row is the sum of the
    live rows of its streets."""
    expected: dict[int, dict[str, int]] = {}
    for row in board.streets:
        unit = row.street.district.city_id if by_city else row.street.district_id
        sums = expected.setdefault(unit, dict.fromkeys(COUNTED, 0))
        for name in COUNTED:
            sums[name] += getattr(row, name)
    got = {
        row.street.pk: {name: getattr(row, name) for name in COUNTED} for row in stats.board.streets
    }
    assert got == expected
    assert stats.board.unit_kind == (ScopeKind.CITY if by_city else ScopeKind.DISTRICT)


def mix_parts(mix) -> tuple:
    return mix.attributed, mix.kinds, mix.total, mix.residents


def assert_dashboard_matches(user: User, year: int) -> None:
    kind, pk = rollups.scope_of(user)
    stats = rollups.statistics_from_snapshot(
        snapshot=snapshot(kind, pk),
        year=year,
        units=rollups.child_units(kind=kind, pk=pk),
        problems=live.site_problem_list(user=user),
    )
    board = live.dashboard(user=user, year=year)
    if kind in (ScopeKind.CITY, ScopeKind.ALL):
        assert_units_sum_streets(stats, board, by_city=kind == ScopeKind.ALL)
        board.streets = stats.board.streets = []
    assert stats.board.stages == board.stages
    assert stats.board.unassigned == board.unassigned
    assert stats.board.years == board.years
    assert stats.board.current == board.current
    assert stats.board.streets == board.streets
    assert stats.board.open_problem_count == board.open_problem_count
    assert stats.board.overdue_problem_count == board.overdue_problem_count
    assert stats.board.overdue_problems == board.overdue_problems
    assert mix_parts(stats.funding_mix) == mix_parts(funding_mix(user=user))
    assert stats.figures.indicators() == governance_indicators(user=user)
    if kind not in (ScopeKind.CITY, ScopeKind.ALL):
        by_street = governance_indicators_by_street(user=user)
        assert [(r.street, r.figures) for r in stats.governance_panel.streets] == [
            (r.street, r.figures) for r in by_street
        ]
    effects = live.work_effects(user=user, scope=live.StatisticsScope())
    work = stats.figures.work()
    assert {row["work_type__code"] for row in effects} == set(work)
    for row in effects:
        mine = work[row["work_type__code"]]
        assert mine["projects"] == row["projects"]
        assert Decimal(mine["planned"]) == row["planned_quantity"]
        assert Decimal(mine["completed"]) == row["completed_quantity"]


def test_demo_has_figures_in_every_section(rolled_up):
    # The comparisons below would prove little on empty figures.
    national = SnapshotFigures(snapshot(ScopeKind.ALL, 0).figures)
    assert national.compounds > 1000
    assert sum(y.started for y in national.years().values()) > 100
    assert national.in_construction > 0
    assert national.funding_totals()["received"] > 0
    assert national.funding_mix().residents
    assert national.indicators().meetings > 0
    assert national.work()


@pytest.mark.parametrize("year_offset", [0, -2])
def test_district_snapshots_equal_live_dashboard(rolled_up, year_offset):
    for district in District.objects.all():
        assert_dashboard_matches(
            user_for(ScopeKind.DISTRICT, district.pk), rolled_up.year + year_offset
        )


def test_street_snapshots_equal_live_dashboard(rolled_up):
    streets = Street.objects.filter(compounds__isnull=False).distinct().order_by("pk")
    assert streets.count() >= 4
    for street in streets[:12]:
        assert_dashboard_matches(user_for(ScopeKind.STREET, street.pk), rolled_up.year)


def test_city_and_national_sums_equal_live_dashboard(rolled_up):
    for city in City.objects.filter(districts__isnull=False).distinct():
        assert_dashboard_matches(user_for(ScopeKind.CITY, city.pk), rolled_up.year)
    assert_dashboard_matches(user_for(ScopeKind.ALL, 0), rolled_up.year)


def test_programme_snapshots_equal_live_statistics(rolled_up):
    for programme in Programme.objects.select_related("district"):
        official = user_for(ScopeKind.DISTRICT, programme.district_id)
        figures = SnapshotFigures(snapshot(ScopeKind.PROGRAMME, programme.pk).figures)
        scope = live.StatisticsScope(programme=programme)
        assert list(figures.years().values()) == live.progress_statistics(
            user=official, scope=scope
        )
        stages = {row["stage"]: row for row in live.stage_statistics(user=official, scope=scope)}
        assert {s["stage"]: (s["compounds"], s["households"]) for s in figures.stages} == {
            stage: (row["projects"], row["households"]) for stage, row in stages.items()
        }
        mix = funding_mix(user=official, scope=FundingScope(programme=programme))
        assert mix_parts(figures.funding_mix()) == mix_parts(mix)


def test_area_snapshots_equal_live_funding_mix(rolled_up):
    areas = Area.objects.filter(compounds__isnull=False).distinct().select_related("district")
    assert areas.exists()
    for area in areas:
        official = user_for(ScopeKind.DISTRICT, area.district_id)
        figures = SnapshotFigures(snapshot(ScopeKind.AREA, area.pk).figures)
        mix = funding_mix(user=official, scope=FundingScope(area=area))
        assert mix_parts(figures.funding_mix()) == mix_parts(mix)
        compounds = area.compounds.all()
        assert figures.compounds == compounds.count()
        assert figures.households == (compounds.aggregate(h=Sum("households"))["h"] or 0)


def test_weighted_progress_weights_projects_by_budget(rolled_up):
    district = District.objects.filter(streets__compounds__projects__stage=Stage.CONSTRUCTION)[0]
    building = Project.objects.filter(
        stage=Stage.CONSTRUCTION, compound__street__district=district
    ).values_list("progress", "budget")
    expected = sum(p * b for p, b in building) / sum(b for _, b in building)
    # Rounded once, by the rule of every rate: one decimal place, half up.
    assert snapshot(ScopeKind.DISTRICT, district.pk).progress == expected.quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )
    # Each project's own progress weights its work items the same way.
    assert weighted_progress([(Decimal(1), Decimal(1), Decimal(3)), (Decimal(2), 0, 1)]) == 75


def test_reports_overdue_follow_each_programmes_setting(rolled_up):
    today = timezone.localdate()
    overdue = 0
    for project in Project.objects.filter(stage=Stage.CONSTRUCTION).select_related("programme"):
        seen = project.last_report_on or project.started_on
        if seen < today - dt.timedelta(days=project.programme.report_overdue_days):
            overdue += 1
    assert SnapshotFigures(snapshot(ScopeKind.ALL, 0).figures).reports_overdue == overdue


def _rows():
    return sorted(
        ScopeSnapshot.objects.values_list(
            "scope_kind",
            "scope_id",
            "as_of",
            "compounds",
            "households",
            "started",
            "completed",
            "target_compounds",
            "progress",
            "open_problems",
            "funding_planned",
            "funding_received",
            "funding_spent",
            "figures",
        ),
        key=lambda row: (row[0], row[1], row[2]),
    )


def test_running_the_full_rollup_twice_gives_identical_snapshots():
    first_count = rollup_full()
    first = _rows()

    second_count = rollup_full()

    assert first_count == second_count == len(first) > 0
    assert _rows() == first

"""A programme finished in 2020-2022, entered as historical records, reads the same start and
completion rates per year on the API statistics, the dashboard's year table, the rollup
snapshots (today's and a past year-end's, back-filled) and the statutory return."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from programmes import history_services
from programmes.models import Stage
from renovation.models import ScopeKind
from reporting.exports.returns import district_figures
from reporting.models import ScopeSnapshot
from reporting.rollups.figures import SnapshotFigures
from reporting.rollups.services import rollup_full
from tests import factories

TENTH = Decimal("0.1")
# (plan year, households, started, accepted or None)
PROJECTS = [
    (2020, 120, dt.date(2020, 4, 1), dt.date(2020, 10, 15)),
    (2020, 80, dt.date(2020, 5, 20), dt.date(2020, 12, 1)),
    (2021, 300, dt.date(2021, 3, 10), dt.date(2021, 9, 30)),
    (2021, 60, dt.date(2021, 4, 2), dt.date(2021, 11, 11)),
    (2021, 140, dt.date(2021, 6, 1), dt.date(2021, 12, 20)),
    (2022, 200, dt.date(2022, 3, 1), dt.date(2022, 10, 1)),
    (2022, 100, dt.date(2022, 5, 5), None),  # started, not yet accepted
]
YEARS = (2020, 2021, 2022)


def rate(part: int, whole: int) -> Decimal:
    return (Decimal(part) * 100 / whole).quantize(TENTH)


def expected(year: int) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    rows = [p for p in PROJECTS if p[0] == year]
    households = sum(p[1] for p in rows)
    started = [p for p in PROJECTS if p[2].year == year]
    completed = [p for p in PROJECTS if p[3] and p[3].year == year]
    return (
        rate(len(started), len(rows)),
        rate(sum(p[1] for p in started), households),
        rate(len(completed), len(rows)),
        rate(sum(p[1] for p in completed), households),
    )


def rates(figures) -> tuple:
    def tenth(value):
        return None if value is None else Decimal(value).quantize(TENTH)

    return (
        tenth(figures.start_rate),
        tenth(figures.start_rate_households),
        tenth(figures.completion_rate),
        tenth(figures.completion_rate_households),
    )


def stage_dates(started: dt.date, accepted: dt.date | None) -> dict:
    days = {
        Stage.CONSULTATION: started - dt.timedelta(days=90),
        Stage.DESIGN: started - dt.timedelta(days=70),
        Stage.APPROVED: started - dt.timedelta(days=50),
        Stage.TENDERING: started - dt.timedelta(days=30),
        Stage.CONSTRUCTION: started,
    }
    if accepted:
        days[Stage.ACCEPTED] = accepted
    return days


@pytest.fixture
def history(district, street_a, district_official, django_capture_on_commit_callbacks):
    programme = factories.ProgrammeFactory(district=district, start_year=2020, end_year=2022)
    for year in YEARS:
        rows = [p for p in PROJECTS if p[0] == year]
        factories.YearTargetFactory(
            programme=programme,
            year=year,
            compounds=len(rows),
            households=sum(p[1] for p in rows),
        )
    # A year-end snapshot taken before the history was entered (it counted nothing).
    rollup_full(as_of=dt.date(2021, 12, 31))
    for year, households, started, accepted in PROJECTS:
        project = factories.ProjectFactory(
            programme=programme,
            year=year,
            compound__street=street_a,
            compound__households=households,
            stage=Stage.SURVEYED,
        )
        with django_capture_on_commit_callbacks(execute=True):
            history_services.project_historical_record_enter(
                project=project,
                by=district_official,
                reason="2020-2022年度改造台账补录",
                stage_dates=stage_dates(started, accepted),
                residents_present=4 if accepted else None,
            )
    rollup_full()
    return programme


def test_past_years_read_the_same_rates_everywhere(history, district, district_official, client):
    token, _created = Token.objects.get_or_create(user=district_official)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    results = api.get(reverse("api:statistics-progress"), {"district": district.pk}).json()[
        "results"
    ]
    from_api = {row["year"]: row for row in results}

    client.force_login(district_official)
    board = client.get(reverse("home")).context["board"]
    from_dashboard = {row.year: row for row in board.years}

    snapshot = (
        ScopeSnapshot.objects.filter(scope_kind=ScopeKind.DISTRICT, scope_id=district.pk)
        .order_by("-as_of")
        .first()
    )
    from_snapshot = SnapshotFigures(snapshot.figures)

    for year in YEARS:
        want = expected(year)
        api_row = from_api[year]
        assert (
            Decimal(api_row["start_rate"]),
            Decimal(api_row["start_rate_households"]),
            Decimal(api_row["completion_rate"]),
            Decimal(api_row["completion_rate_households"]),
        ) == want, year
        assert rates(from_dashboard[year]) == want, year
        assert rates(from_snapshot.year(year)) == want, year
        total = district_figures(user=district_official, district=district, year=year).total
        returned = (
            total.start_rate,
            total.start_rate_households,
            total.completion_rate,
            total.completion_rate_households,
        )  # percent, by the registry's rule (the cells hold them as fractions: 45.8% is 0.458)
        assert returned == want, year
    # The complaint of the issue: a finished year no longer reads 0% started beside 100% done.
    assert expected(2020) == (
        Decimal("100.0"),
        Decimal("100.0"),
        Decimal("100.0"),
        Decimal("100.0"),
    )


def test_a_past_year_end_snapshot_is_back_filled(history, district):
    year_end = ScopeSnapshot.objects.get(
        scope_kind=ScopeKind.DISTRICT, scope_id=district.pk, as_of=dt.date(2021, 12, 31)
    )
    figures = SnapshotFigures(year_end.figures)

    assert year_end.started == 3  # started in 2021, as of 31 December 2021
    assert year_end.completed == 3
    assert year_end.completed_households == 500
    assert figures.year(2020).started == 2
    assert figures.year(2022).started == 0  # not yet, as of that day
    national = ScopeSnapshot.objects.get(scope_kind=ScopeKind.ALL, as_of=dt.date(2021, 12, 31))
    assert national.started == 3

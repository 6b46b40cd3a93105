"""Statistics: progress against target by year (compounds and households), projects by stage and
the effects of renovation by work type, scoped as everything else, in JSON and CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse

from programmes.models import Project, WorkType
from tests import factories


@pytest.fixture
def year(today) -> int:
    return today.year


@pytest.fixture
def programme_figures(programme, street_a, street_b, other_district, year, today):
    """In the district: a target of 4 compounds / 400 households; three projects started this
    year (two in street A with 100 and 50 households, one in street B with 30), one of them
    completed. In another district: one started project that must never be counted."""
    factories.YearTargetFactory(programme=programme, year=year, compounds=4, households=400)
    started_on = dt.date(year, 1, 2)

    def started(street, households, **extra):
        return factories.ProjectFactory(
            programme=programme,
            compound__street=street,
            compound__households=households,
            in_construction=True,
            started_on=started_on,
            **extra,
        )

    started(street_a, 100)
    started(street_a, 50, completed_on=today)
    started(street_b, 30)
    factories.ProjectFactory(
        compound__street__district=other_district,
        compound__households=999,
        in_construction=True,
        started_on=started_on,
    )


def _row(response, year):
    assert response.status_code == 200, response.content
    return next(row for row in response.json()["results"] if row["year"] == year)


def test_progress_of_a_district_against_target(district_api, district, programme_figures, year):
    response = district_api.get(
        reverse("api:statistics-progress"), {"district": district.pk, "year": year}
    )

    row = _row(response, year)
    assert response.json()["scope"]["district"] == district.pk
    assert (row["target_compounds"], row["target_households"]) == (4, 400)
    assert (row["started"], row["started_households"]) == (3, 180)
    assert (row["completed"], row["completed_households"]) == (1, 50)
    assert row["start_rate"] == "75.0"
    assert row["start_rate_households"] == "45.0"
    assert row["completion_rate"] == "25.0"


def test_progress_of_a_street_has_no_target(district_api, street_a, programme_figures, year):
    row = _row(district_api.get(reverse("api:statistics-progress"), {"street": street_a.pk}), year)

    assert (row["started"], row["started_households"]) == (2, 150)
    assert row["target_compounds"] is None
    assert row["start_rate"] is None


def test_street_officer_sees_only_their_street(street_api, programme_figures, year):
    row = _row(street_api.get(reverse("api:statistics-progress")), year)

    assert (row["started"], row["started_households"]) == (2, 150)


def test_city_viewer_counts_both_districts(client_for, city_viewer, programme_figures, year):
    row = _row(client_for(city_viewer).get(reverse("api:statistics-progress")), year)

    assert row["started"] == 4


def test_out_of_scope_district_parameter_is_400(district_api, other_district, programme_figures):
    response = district_api.get(reverse("api:statistics-progress"), {"district": other_district.pk})

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["district"]


def test_progress_statistics_as_csv(district_api, programme_figures, year):
    response = district_api.get(reverse("api:statistics-progress"), {"format": "csv"})

    rows = list(csv.DictReader(io.StringIO(response.content.decode()[1:])))
    assert response["Content-Type"].startswith("text/csv")
    assert [(r["year"], r["started"], r["started_households"]) for r in rows] == [
        (str(year), "3", "180")
    ]


def test_stage_statistics(district_api, programme_figures, project):
    rows = district_api.get(reverse("api:statistics-stages")).json()["results"]

    by_stage = {row["stage"]: row for row in rows}
    assert by_stage["construction"]["projects"] == 4  # three figures + the `project` fixture
    assert by_stage["construction"]["households"] == 100 + 50 + 30 + project.compound.households
    assert by_stage["surveyed"]["projects"] == 0
    assert len(rows) == 8


@pytest.fixture
def effects(project, street_b, programme, street_officer, file_report, today):
    """Elevators: 4 planned in street A (2 done, reported twice) and 3 in street B (1 done)."""
    elevator = factories.WorkTypeFactory(
        code="api-elevator", name_zh="加装电梯", name_en="Elevator retrofit", unit="unit"
    )
    pipe = factories.WorkTypeFactory(code="api-pipe", name_zh="供水管网", name_en="Water pipe")
    mine = factories.WorkItemFactory(project=project, work_type=elevator, planned_quantity=4)
    factories.WorkItemFactory(project=project, work_type=pipe, planned_quantity=900)
    file_report(
        project=project,
        by=street_officer,
        quantities={mine.pk: "1"},
        report_date=today - dt.timedelta(days=2),
    )
    file_report(project=project, by=street_officer, quantities={mine.pk: "2"})
    theirs = factories.WorkItemFactory(
        project__programme=programme,
        project__compound__street=street_b,
        work_type=elevator,
        planned_quantity=3,
    )
    type(theirs).objects.filter(pk=theirs.pk).update(completed_quantity=1)
    return elevator, pipe


def _effects(api, **params) -> dict[str, dict]:
    response = api.get(reverse("api:statistics-effects"), params)
    assert response.status_code == 200, response.content
    return {row["work_type"]: row for row in response.json()["results"]}


def test_effects_sum_latest_cumulative_figures(district_api, effects):
    rows = _effects(district_api)

    elevator = rows["api-elevator"]
    assert (elevator["planned_quantity"], elevator["completed_quantity"]) == ("7.00", "3.00")
    assert elevator["projects"] == 2
    assert elevator["name"] == "加装电梯"
    assert rows["api-pipe"]["planned_quantity"] == "900.00"


def test_effects_in_english(district_api, effects):
    response = district_api.get(reverse("api:statistics-effects"), HTTP_ACCEPT_LANGUAGE="en")

    names = {row["work_type"]: row["name"] for row in response.json()["results"]}
    assert names["api-elevator"] == "Elevator retrofit"


def test_effects_are_scoped(street_api, effects):
    rows = _effects(street_api)

    assert (rows["api-elevator"]["planned_quantity"], rows["api-elevator"]["projects"]) == (
        "4.00",
        1,
    )


def test_effects_filter_by_street_and_category(district_api, effects, street_b):
    assert set(_effects(district_api, street=street_b.pk)) == {"api-elevator"}
    assert _effects(district_api, category="enhancement") == {}
    WorkType.objects.filter(code="api-pipe").update(category="enhancement")
    assert set(_effects(district_api, category="enhancement")) == {"api-pipe"}


def test_statistics_never_count_another_district(district_api, other_district):
    item = factories.WorkItemFactory(
        project__compound__street__district=other_district, planned_quantity=5
    )

    assert item.work_type.code not in _effects(district_api)
    assert Project.objects.count() == 1

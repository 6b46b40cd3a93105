"""Lists: the FilterSets filter, search and ordering work, bad filter values are a 400, and
every list costs a constant number of queries whatever the number of rows."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from programmes import services
from programmes.models import ProgressPhoto, SiteProblem, Stage
from tests import factories
from tests.conftest import GIF_BYTES

_sequence = itertools.count()


@pytest.fixture
def make_world(
    city, district, street_a, street_b, street_officer, street_officer_b, district_official, today
):
    """`n` compounds with everything a row of any list shows: area, community, building,
    programme with targets, project in construction with a work item, a report with a photo
    (one returned), an open and a closed problem; plus a district and a street."""

    def make(n: int) -> None:
        k = next(_sequence)
        other = factories.DistrictFactory(city=city, name=f"区{k}")
        factories.StreetFactory(district=other, name=f"街道{k}")
        area = factories.AreaFactory(district=district, name=f"片区{k}")
        programme = factories.ProgrammeFactory(district=district)
        factories.YearTargetFactory(programme=programme, year=today.year)
        for i in range(n):
            street, officer = (street_a, street_officer) if i % 2 else (street_b, street_officer_b)
            project = factories.ProjectFactory(
                programme=programme,
                compound__street=street,
                compound__area=area,
                compound__community=factories.CommunityFactory(street=street),
                in_construction=True,
            )
            factories.BuildingFactory(compound=project.compound)
            item = factories.WorkItemFactory(project=project)
            report = services.progress_report_file(
                project=project,
                by=officer,
                report_date=today,
                quantities={item.pk: "5"},
                version=None,
            )
            ProgressPhoto.objects.create(
                report=report, image=SimpleUploadedFile("a.gif", GIF_BYTES, "image/gif")
            )
            if i % 3 == 0:
                services.progress_report_return(
                    report=report, by=district_official, comment="请核实"
                )
            factories.SiteProblemFactory(project=project, created_by=officer)
            closed = factories.SiteProblemFactory(project=project, created_by=officer)
            services.site_problem_close(problem=closed, by=officer, resolution="已处理")

    return make


LISTS = [
    "api:district-list",
    "api:street-list",
    "api:area-list",
    "api:compound-list",
    "api:building-list",
    "api:programme-list",
    "api:project-list",
    "api:work-type-list",
    "api:work-item-list",
    "api:progress-report-list",
    "api:site-problem-list",
    "api:statistics-progress",
    "api:statistics-stages",
    "api:statistics-effects",
]


@pytest.mark.parametrize("name", LISTS)
@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_list_query_count_is_constant(
    name, fmt, client_for, city_viewer, make_world, django_assert_max_num_queries
):
    api = client_for(city_viewer)
    url = f"{reverse(name)}?format={fmt}"
    make_world(2)
    with django_assert_max_num_queries(12) as small:
        first = api.get(url)
    assert first.status_code == 200

    make_world(14)

    with django_assert_max_num_queries(len(small.captured_queries)):
        second = api.get(url)
    assert second.status_code == 200
    assert len(second.content) > len(first.content)  # the larger data set was really listed


# --- Filters, search, ordering -------------------------------------------------------------


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


@pytest.fixture
def two_projects(programme, street_a, street_b, project, item_small, today):
    """`project` (street A, construction, started 30 days ago) and a surveyed one of street B
    planned for next year."""
    other = factories.ProjectFactory(
        programme=programme,
        compound__street=street_b,
        compound__name="宽窄巷子小区",
        compound__address="金河路8号",
        year=today.year + 1,
    )
    return project, other


def test_project_filters(district_api, two_projects, street_a, today):
    building, surveyed = two_projects
    url = reverse("api:project-list")

    assert _ids(district_api.get(url)) == sorted(
        [building.pk, surveyed.pk], key=lambda pk: pk != surveyed.pk
    )  # default order: latest plan year first
    assert _ids(district_api.get(url, {"stage": Stage.SURVEYED})) == [surveyed.pk]
    assert _ids(district_api.get(url, {"street": street_a.pk})) == [building.pk]
    assert _ids(district_api.get(url, {"year": today.year})) == [building.pk]
    assert _ids(district_api.get(url, {"started_year": today.year - 1})) == []
    started = (today - dt.timedelta(days=30)).year
    assert _ids(district_api.get(url, {"started_year": started})) == [building.pk]
    assert _ids(district_api.get(url, {"q": "宽窄"})) == [surveyed.pk]
    assert _ids(district_api.get(url, {"ordering": "-year"}))[0] == surveyed.pk
    assert _ids(district_api.get(url, {"ordering": "year"}))[0] == building.pk


def test_project_progress_filter(
    district_api, street_officer, two_projects, item_small, file_report
):
    building, _surveyed = two_projects
    file_report(project=building, by=street_officer, quantities={item_small.pk: "100"})

    response = district_api.get(reverse("api:project-list"), {"min_progress": "50"})

    assert _ids(response) == [building.pk]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"stage": "finished"}, "stage"),
        ({"year": "2024.5"}, "year"),
        ({"started_year": "99999999999"}, "started_year"),
        ({"min_progress": "NaN"}, "min_progress"),
        ({"programme": "abc"}, "programme"),
    ],
)
def test_bad_filter_value_is_400_with_the_field(district_api, project, params, field):
    response = district_api.get(reverse("api:project-list"), params)

    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_compound_filters_are_the_pages(district_api, two_projects, district, other_district):
    building, surveyed = two_projects
    factories.CompoundFactory(street__district=other_district)  # not visible to the district
    url = reverse("api:compound-list")

    assert _ids(district_api.get(url, {"q": "金河路"})) == [surveyed.compound_id]
    assert _ids(district_api.get(url, {"stage": Stage.CONSTRUCTION})) == [building.compound_id]
    assert sorted(_ids(district_api.get(url, {"district": district.pk}))) == sorted(
        [building.compound_id, surveyed.compound_id]
    )
    by_name = _ids(district_api.get(url, {"ordering": "-name"}))
    assert by_name == [building.compound_id, surveyed.compound_id]  # 水… after 宽… reversed


def test_progress_report_filters(
    district_api, district_official, street_officer, project, item_small, file_report, today
):
    older = file_report(
        project=project,
        by=street_officer,
        quantities={item_small.pk: "10"},
        report_date=today - dt.timedelta(days=3),
    )
    newer = file_report(project=project, by=street_officer, quantities={item_small.pk: "20"})
    services.progress_report_return(report=newer, by=district_official, comment="请核实")
    url = reverse("api:progress-report-list")

    assert _ids(district_api.get(url, {"status": "returned"})) == [newer.pk]
    assert _ids(district_api.get(url, {"date_to": (today - dt.timedelta(days=1)).isoformat()})) == [
        older.pk
    ]
    assert _ids(district_api.get(url, {"project": project.pk})) == [newer.pk, older.pk]


def test_site_problem_filters(district_api, project):
    fresh = factories.SiteProblemFactory(project=project, severity=SiteProblem.Severity.HIGH)
    late = factories.SiteProblemFactory(project=project)
    SiteProblem.objects.filter(pk=late.pk).update(created_at=timezone.now() - dt.timedelta(days=3))
    url = reverse("api:site-problem-list")

    assert _ids(district_api.get(url, {"overdue": "true"})) == [late.pk]
    assert _ids(district_api.get(url, {"overdue": "false"})) == [fresh.pk]
    assert _ids(district_api.get(url, {"severity": "high"})) == [fresh.pk]
    assert _ids(district_api.get(url, {"q": fresh.title})) == [fresh.pk]
    assert _ids(district_api.get(url, {"status": "closed"})) == []


def test_work_item_filters(district_api, project, item_small, item_large):
    url = reverse("api:work-item-list")

    assert _ids(district_api.get(url, {"work_type": item_small.work_type.code})) == [item_small.pk]
    assert _ids(district_api.get(url, {"ordering": "-planned_quantity"})) == [
        item_large.pk,
        item_small.pk,
    ]
    assert _ids(district_api.get(url, {"category": "enhancement"})) == []


def test_programme_year_filter(district_api, programme):
    url = reverse("api:programme-list")

    assert _ids(district_api.get(url, {"year": 2025})) == [programme.pk]
    assert _ids(district_api.get(url, {"year": 2031})) == []


def test_building_filter(district_api, project):
    lift = factories.BuildingFactory(compound=project.compound, has_elevator=True)
    factories.BuildingFactory(compound=project.compound, has_elevator=False)

    assert _ids(district_api.get(reverse("api:building-list"), {"has_elevator": "true"})) == [
        lift.pk
    ]


def test_work_type_detail_by_code(district_api, item_small):
    code = item_small.work_type.code

    response = district_api.get(reverse("api:work-type-detail", args=[code]))

    assert response.status_code == 200
    assert response.json()["code"] == code


def test_project_detail_has_etag_and_allowed_stages(district_api, project):
    response = district_api.get(reverse("api:project-detail", args=[project.pk]))

    assert response["ETag"] == f'"{project.version}"'
    assert response.json()["allowed_stages"] == [Stage.ACCEPTED, Stage.TENDERING]
    assert response.json()["progress"] == "0.00"
    assert Decimal(response.json()["budget"]) == project.budget

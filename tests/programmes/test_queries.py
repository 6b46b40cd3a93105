"""Every page costs a constant number of queries, whatever the number of rows."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from programmes import services
from programmes.models import ProgressPhoto, Project, SiteProblem, Stage
from tests import factories
from tests.conftest import GIF_BYTES

_areas = itertools.count()


@pytest.fixture
def make_compounds(programme, street_a, street_b, district, today):
    """Compounds with everything a list or dashboard row shows: area, community, a project in
    construction with progress, an overdue problem; half in each street."""

    def make(n: int) -> None:
        area = factories.AreaFactory(district=district, name=f"片区{next(_areas)}")
        for i in range(n):
            street = street_a if i % 2 else street_b
            project = factories.ProjectFactory(
                programme=programme,
                compound__street=street,
                compound__area=area,
                compound__community=factories.CommunityFactory(street=street),
                in_construction=True,
                started_on=dt.date(today.year, 1, 1),
            )
            problem = factories.SiteProblemFactory(project=project)
            SiteProblem.objects.filter(pk=problem.pk).update(
                created_at=timezone.now() - dt.timedelta(days=2)
            )

    return make


def test_dashboard_query_count_is_constant(
    client, district_official, make_compounds, django_assert_max_num_queries
):
    make_compounds(2)
    client.force_login(district_official)
    # Budget: live figures (no snapshot yet), funding-mix, governance and reminders panels (about
    # 9 each) and the header's notification count.
    with django_assert_max_num_queries(42) as small:
        assert client.get(reverse("home")).status_code == 200

    make_compounds(30)

    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(reverse("home")).status_code == 200


def test_street_officer_dashboard_query_count_is_constant(
    client, street_officer, make_compounds, django_assert_max_num_queries
):
    make_compounds(2)
    client.force_login(street_officer)
    # Same budget as the district dashboard.
    with django_assert_max_num_queries(42) as small:
        assert client.get(reverse("home")).status_code == 200

    make_compounds(30)

    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(reverse("home")).status_code == 200


def test_compound_list_query_count_is_constant(
    client, district_official, make_compounds, django_assert_max_num_queries
):
    make_compounds(3)
    client.force_login(district_official)
    with django_assert_max_num_queries(12) as small:
        client.get(reverse("programmes:compound-list"))

    make_compounds(40)

    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("programmes:compound-list"))
    assert len(response.context["page"].object_list) == 25


def _add_detail_rows(project, n, street_officer, district_official, today, history_rows):
    """n work items each with a report line, n reports with a photo, n problems, n buildings,
    transitions and history rows."""
    # a stage round trip below restarts construction today; reports go back further
    Project.objects.filter(pk=project.pk).update(started_on=today - dt.timedelta(days=60))
    project.refresh_from_db()
    compound = project.compound
    items = [factories.WorkItemFactory(project=project) for _ in range(n)]
    for b in range(n):
        factories.BuildingFactory(compound=compound, name=f"{project.pk}-{b}栋-{n}")
    taken = set(project.reports.values_list("report_date", flat=True))
    days = [today - dt.timedelta(days=d) for d in range(1, 50)]
    days = sorted(day for day in days if day not in taken)
    for k, day in enumerate(days[:n]):
        report = services.progress_report_file(
            project=project,
            by=street_officer,
            report_date=day,
            quantities={item.pk: str(k + 1) for item in items},
        )
        ProgressPhoto.objects.create(
            report=report,
            image=SimpleUploadedFile(f"p{k}.gif", GIF_BYTES, content_type="image/gif"),
        )
    for _ in range(n):
        factories.SiteProblemFactory(project=project, created_by=street_officer)
    # stage history: back to tendering and into construction again, twice per round
    for _ in range(history_rows):
        services.project_stage_transition(
            project=project, to_stage=Stage.TENDERING, by=district_official, reason="重新招标"
        )
        services.project_stage_transition(
            project=project, to_stage=Stage.CONSTRUCTION, by=district_official, reason="复工"
        )
    for _ in range(history_rows):
        compound.households += 1
        compound._history_user = district_official
        compound.save()


def test_compound_detail_query_count_is_constant(
    client,
    district_official,
    street_officer,
    project,
    today,
    django_assert_max_num_queries,
):
    # given an earlier programme's project too, shown under "earlier programmes"
    factories.ProjectFactory(
        compound=project.compound,
        programme__district=project.programme.district,
        programme__start_year=2016,
        programme__end_year=2020,
        year=2018,
    )
    factories.OpinionSurveyFactory(project=project)
    _add_detail_rows(project, 2, street_officer, district_official, today, history_rows=1)
    url = reverse("programmes:compound-detail", args=[project.compound_id])
    client.force_login(district_official)
    # Budget: compound, projects and prefetches, history, plus the funding and governance panels.
    with django_assert_max_num_queries(36) as small:
        assert client.get(url).status_code == 200

    _add_detail_rows(project, 8, street_officer, district_official, today, history_rows=6)

    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert len(response.context["project"].work_items.all()) == 10


def test_progress_form_query_count_is_constant(
    client, street_officer, district_official, project, today, django_assert_max_num_queries
):
    _add_detail_rows(project, 2, street_officer, district_official, today, history_rows=0)
    url = reverse("programmes:progress-file", args=[project.pk])
    date = project.reports.first().report_date.isoformat()
    client.force_login(street_officer)
    with django_assert_max_num_queries(15) as small:
        client.get(url, {"date": date})

    _add_detail_rows(project, 10, street_officer, district_official, today, history_rows=0)

    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url, {"date": date})


def test_report_return_page_query_count_is_constant(
    client, street_officer, district_official, project, today, django_assert_max_num_queries
):
    def report_with_items(n: int, day: dt.date):
        items = [factories.WorkItemFactory(project=project) for _ in range(n)]
        return services.progress_report_file(
            project=project,
            by=street_officer,
            report_date=day,
            quantities={item.pk: "1" for item in items},
        )

    small_report = report_with_items(2, today - dt.timedelta(days=2))
    client.force_login(district_official)
    with django_assert_max_num_queries(15) as small:
        client.get(reverse("programmes:report-return", args=[small_report.pk]))

    large_report = report_with_items(12, today - dt.timedelta(days=1))

    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("programmes:report-return", args=[large_report.pk]))
    assert response.content.decode().count("<li>") >= 12

"""Pages read snapshots (and say how old they are), scope pages keep to the user's scope, a
district official starts a full recompute and watches its progress; constant query counts."""

from __future__ import annotations

import datetime as dt
import itertools
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from programmes.models import Project, SiteProblem, Stage
from renovation.models import ScopeKind
from reporting.models import RollupRun, ScopeSnapshot
from reporting.rollups import services as rollups
from tests import factories

pytestmark = pytest.mark.django_db
_areas = itertools.count()


def test_dashboard_without_snapshot_shows_live_figures_labelled(client, district_official, project):
    client.force_login(district_official)

    response = client.get(reverse("home"))

    assert response.context["statistics"].is_live
    assert 'data-testid="live-figures"' in response.content.decode()
    assert response.context["board"].current.started == 1


def test_dashboard_reads_the_snapshot_and_shows_its_age(client, district_official, project):
    rollups.rollup_full()
    ScopeSnapshot.objects.update(computed_at=timezone.now() - dt.timedelta(minutes=5))
    # a change the snapshot does not know yet (made behind the services' back)
    Project.objects.filter(pk=project.pk).update(started_on=None, stage=Stage.TENDERING)
    client.force_login(district_official)

    response = client.get(reverse("home"))

    text = response.content.decode()
    assert not response.context["statistics"].is_live
    assert response.context["board"].current.started == 1  # the snapshot's figure
    assert 'data-testid="snapshot-age"' in text
    assert "5" in text.split('data-testid="snapshot-age"')[1].split("</p>")[0]


def test_dashboard_embeds_chart_data_without_inline_script(client, district_official, project):
    rollups.rollup_full()
    client.force_login(district_official)

    text = client.get(reverse("home")).content.decode()

    data = json.loads(
        text.split('id="dashboard-chart-data" type="application/json">')[1].split("<")[0]
    )
    assert [s["compounds"] for s in data["stages"]][Stage.values.index(Stage.CONSTRUCTION)] == 1
    assert data["trend"][-1]["started"] == 1
    assert {"stages", "years", "funding", "streets", "trend"} <= set(data)
    for chart in ("stage-funnel", "years", "funding-kinds", "streets", "trend-progress"):
        assert f'id="{chart}-chart"' in text
    scripts = [part.split(">")[0] for part in text.split("<script")[1:]]
    assert all("src=" in tag or "application/json" in tag for tag in scripts)


def test_scope_page_of_a_district_with_streets_work_items_and_trend(
    client, district_official, project, item_small, district
):
    rollups.rollup_full()
    client.force_login(district_official)

    response = client.get(reverse("rollups:scope", args=[ScopeKind.DISTRICT, district.pk]))

    assert response.status_code == 200
    assert [row.street for row in response.context["board"].streets] == [project.compound.street]
    assert [row["work_type"] for row in response.context["work_rows"]] == [item_small.work_type]


@pytest.mark.parametrize(
    ("who", "kind", "target", "status"),
    [
        ("district_official", ScopeKind.DISTRICT, "district", 200),
        ("district_official", ScopeKind.STREET, "street_a", 200),
        ("district_official", ScopeKind.DISTRICT, "other_district", 404),
        ("district_official", ScopeKind.CITY, "city", 404),
        ("district_official", ScopeKind.ALL, None, 404),
        ("street_officer", ScopeKind.STREET, "street_a", 200),
        ("street_officer", ScopeKind.STREET, "street_b", 404),
        ("street_officer", ScopeKind.DISTRICT, "district", 404),
        ("city_viewer", ScopeKind.DISTRICT, "other_district", 200),
        ("city_viewer", ScopeKind.CITY, "city", 200),
    ],
)
def test_scope_pages_keep_to_the_users_scope(
    client, request, project, street_b, other_district, who, kind, target, status
):
    rollups.rollup_full()
    client.force_login(request.getfixturevalue(who))
    if target is None:
        url = reverse("rollups:all")
    else:
        url = reverse("rollups:scope", args=[kind, request.getfixturevalue(target).pk])

    assert client.get(url).status_code == status


def test_district_official_recomputes_and_watches_progress(
    client, district_official, project, django_capture_on_commit_callbacks
):
    client.force_login(district_official)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("rollups:recompute"))

    run = RollupRun.objects.get(kind=RollupRun.Kind.FULL)
    assert response.url == reverse("rollups:run", args=[run.pk])
    assert run.requested_by == district_official
    page = client.get(response.url).content.decode()
    assert 'data-status-url="' + reverse("rollups:run-status", args=[run.pk]) in page
    assert "js/rollup-progress.js" in page
    status = client.get(reverse("rollups:run-status", args=[run.pk])).json()
    assert status["status"] == "succeeded"
    assert status["percent"] == 100
    assert status["finished"] is True
    assert ScopeSnapshot.objects.filter(scope_kind=ScopeKind.ALL).exists()


def test_run_status_reports_partial_progress(client, district_official):
    run = RollupRun.objects.create(
        kind=RollupRun.Kind.FULL, status=RollupRun.Status.RUNNING, steps_total=33, steps_done=11
    )
    client.force_login(district_official)

    status = client.get(reverse("rollups:run-status", args=[run.pk])).json()

    assert (status["percent"], status["finished"]) == (33, False)


def test_street_officer_cannot_recompute(client, street_officer):
    client.force_login(street_officer)

    assert client.post(reverse("rollups:recompute")).status_code == 403
    assert not RollupRun.objects.exists()


@pytest.fixture
def make_compounds(programme, street_a, street_b, district):
    """Compounds in construction with a work item, progress and an overdue problem."""

    def make(n: int) -> None:
        area = factories.AreaFactory(district=district, name=f"统计片区{next(_areas)}")
        for i in range(n):
            project = factories.ProjectFactory(
                programme=programme,
                compound__street=street_a if i % 2 else street_b,
                compound__area=area,
                in_construction=True,
            )
            factories.WorkItemFactory(project=project)
            problem = factories.SiteProblemFactory(project=project)
            SiteProblem.objects.filter(pk=problem.pk).update(
                created_at=timezone.now() - dt.timedelta(days=2)
            )
        rollups.rollup_full()

    return make


@pytest.mark.parametrize("who", ["district_official", "street_officer", "city_viewer"])
def test_dashboard_from_snapshots_has_a_constant_query_count(
    client, request, who, make_compounds, django_assert_max_num_queries
):
    make_compounds(2)
    client.force_login(request.getfixturevalue(who))
    # Budget: the snapshot, the live problem to-do list, the header's notification count and the
    # reminders panel (live by design: it is a to-do list).
    with django_assert_max_num_queries(22) as small:
        assert client.get(reverse("home")).status_code == 200

    make_compounds(30)

    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("home"))
    assert not response.context["statistics"].is_live


def test_scope_page_has_a_constant_query_count(
    client, district_official, district, make_compounds, django_assert_max_num_queries
):
    make_compounds(2)
    client.force_login(district_official)
    url = reverse("rollups:scope", args=[ScopeKind.DISTRICT, district.pk])
    with django_assert_max_num_queries(12) as small:
        assert client.get(url).status_code == 200

    make_compounds(30)

    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.context["snapshot"].compounds == 32

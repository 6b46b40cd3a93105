"""Who may see and change what, through the pages: out of scope is a 404 and writes nothing;
in scope with the wrong role is a 403 and writes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from programmes.models import (
    ProgressPhoto,
    ProgressReport,
    ProgressReportLine,
    Project,
    SiteProblem,
    StageTransition,
)
from tests import factories
from tests.conftest import GIF_BYTES


def snapshot() -> dict:
    """Everything a page of this module could write."""
    return {
        "reports": list(
            ProgressReport.objects.order_by("pk").values_list("pk", "status", "version")
        ),
        "lines": list(
            ProgressReportLine.objects.order_by("pk").values_list("pk", "quantity_to_date")
        ),
        "problems": list(SiteProblem.objects.order_by("pk").values_list("pk", "status", "version")),
        "photos": ProgressPhoto.objects.count(),
        "projects": list(Project.objects.order_by("pk").values_list("pk", "stage", "version")),
        "transitions": StageTransition.objects.count(),
    }


def pages_of(records: dict, today: dt.date) -> dict[str, tuple[str, str, dict]]:
    """name -> (method, url, data) for every page that touches one compound's records; the
    POST payloads are valid, so only scope and role can stop them."""
    project, item = records["project"], records["item"]
    problem, report = records["problem"], records["report"]
    detail = reverse("programmes:compound-detail", args=[records["compound"].pk])
    progress = reverse("programmes:progress-file", args=[project.pk])
    stage = reverse("programmes:stage-change", args=[project.pk])
    raise_ = reverse("programmes:problem-raise", args=[project.pk])
    close = reverse("programmes:problem-close", args=[problem.pk])
    return_ = reverse("programmes:report-return", args=[report.pk])
    return {
        "detail": ("get", detail, {}),
        "detail-post": ("post", detail, {}),
        "progress-file-get": ("get", progress, {}),
        "progress-file": (
            "post",
            progress,
            {"report_date": today.isoformat(), f"item_{item.pk}": "20", "version": ""},
        ),
        "stage-change-get": ("get", stage, {}),
        "stage-change": (
            "post",
            stage,
            {"to_stage": "tendering", "reason": "重新招标", "version": project.version},
        ),
        "problem-raise-get": ("get", raise_, {}),
        "problem-raise": ("post", raise_, {"title": "路面塌陷", "severity": "high"}),
        "problem-close-get": ("get", close, {}),
        "problem-close": ("post", close, {"resolution": "已回填", "version": problem.version}),
        "report-return-get": ("get", return_, {}),
        "report-return": ("post", return_, {"comment": "数据有误", "version": report.version}),
        "photo": ("get", reverse("programmes:photo", args=[records["photo"].pk]), {}),
    }


@pytest.fixture
def street_a_records(project, street_officer, file_report, today):
    """The same set of records as `other_street_records`, in street A."""
    item = factories.WorkItemFactory(project=project)
    report = file_report(
        project=project,
        by=street_officer,
        quantities={item.pk: "10"},
        report_date=today - dt.timedelta(days=1),
    )
    photo = ProgressPhoto.objects.create(
        report=report, image=SimpleUploadedFile("a.gif", GIF_BYTES, content_type="image/gif")
    )
    problem = factories.SiteProblemFactory(project=project, created_by=street_officer)
    return {
        "project": project,
        "compound": project.compound,
        "item": item,
        "report": report,
        "photo": photo,
        "problem": problem,
    }


@pytest.mark.parametrize("user_fixture", ["street_officer", "other_district_official"])
def test_every_page_of_an_out_of_scope_compound_is_404_and_writes_nothing(
    request, client, other_street_records, today, user_fixture
):
    # given a user who may not see street B
    client.force_login(request.getfixturevalue(user_fixture))
    before = snapshot()

    for method, url, data in pages_of(other_street_records, today).values():
        # when
        response = getattr(client, method)(url, data)

        # then
        assert response.status_code == 404, (method, url)
    assert snapshot() == before


def test_the_same_pages_are_reachable_in_scope(
    client, street_officer_b, district_official, other_street_records, today
):
    """Guards the 404 test above: the URLs and payloads do reach real pages."""
    pages = pages_of(other_street_records, today)
    client.force_login(district_official)
    for name in ("detail", "stage-change-get", "problem-close-get", "report-return-get", "photo"):
        assert client.get(pages[name][1]).status_code == 200, name
    client.force_login(street_officer_b)
    for name in ("progress-file-get", "problem-raise-get", "problem-close-get"):
        assert client.get(pages[name][1]).status_code == 200, name


@pytest.mark.parametrize(
    ("user_fixture", "page"),
    [
        ("district_official", "progress-file"),
        ("district_official", "problem-raise"),
        ("street_officer", "stage-change"),
        ("street_officer", "report-return"),
        ("city_viewer", "progress-file"),
        ("city_viewer", "problem-close"),
        ("city_viewer", "stage-change"),
        ("api_client_user", "problem-raise"),
        ("api_client_user", "report-return"),
    ],
)
def test_in_scope_but_wrong_role_is_403_and_writes_nothing(
    request, client, street_a_records, today, user_fixture, page
):
    client.force_login(request.getfixturevalue(user_fixture))
    _method, url, data = pages_of(street_a_records, today)[page]
    before = snapshot()

    response = client.post(url, data)
    get_response = client.get(url)

    assert response.status_code == 403
    assert get_response.status_code == 403
    assert snapshot() == before


@pytest.fixture
def compounds_everywhere(project, other_street_records, other_district_street, other_city_street):
    """One compound in each of: street A, street B, another district, another city."""
    return {
        "a": project.compound,
        "b": other_street_records["compound"],
        "other_district": factories.CompoundFactory(
            street=other_district_street, name="玉林北路小区"
        ),
        "other_city": factories.CompoundFactory(street=other_city_street, name="濠河小区"),
    }


@pytest.mark.parametrize(
    ("user_fixture", "visible"),
    [
        ("street_officer", {"a"}),
        ("district_official", {"a", "b"}),
        ("other_district_official", {"other_district"}),
        ("city_viewer", {"a", "b", "other_district"}),
        ("api_client_user", {"a", "b", "other_district"}),
    ],
)
def test_compound_list_and_dashboard_show_only_the_scope(
    request, client, compounds_everywhere, user_fixture, visible
):
    client.force_login(request.getfixturevalue(user_fixture))
    hidden = set(compounds_everywhere) - visible

    listing = client.get(reverse("programmes:compound-list"))
    board = client.get(reverse("home"))

    assert listing.status_code == 200
    assert listing.context["count"] == len(visible)
    listed = {c.name for c in listing.context["page"]}
    assert listed == {compounds_everywhere[key].name for key in visible}
    text = listing.content.decode()
    for key in hidden:
        assert compounds_everywhere[key].name not in text
    dashboard = board.context["board"]
    counted = sum(row["compounds"] for row in dashboard.stages) + dashboard.unassigned["compounds"]
    assert counted == len(visible)
    assert sum(row.compounds for row in dashboard.streets) == len(visible)
    streets = {row.street.pk for row in dashboard.streets}
    assert streets == {compounds_everywhere[key].street_id for key in visible}


def test_a_city_viewer_reads_compound_pages_of_its_city_only(
    client, city_viewer, compounds_everywhere
):
    client.force_login(city_viewer)

    own = client.get(reverse("programmes:compound-detail", args=[compounds_everywhere["b"].pk]))
    foreign = client.get(
        reverse("programmes:compound-detail", args=[compounds_everywhere["other_city"].pk])
    )

    assert own.status_code == 200
    assert own.context["can_file"] is False
    assert own.context["can_approve"] is False
    assert foreign.status_code == 404


def test_api_client_reads_but_sees_no_write_actions(client, api_client_user, street_a_records):
    client.force_login(api_client_user)

    response = client.get(
        reverse("programmes:compound-detail", args=[street_a_records["compound"].pk])
    )

    assert response.status_code == 200
    text = response.content.decode()
    assert reverse("programmes:stage-change", args=[street_a_records["project"].pk]) not in text
    assert reverse("programmes:problem-raise", args=[street_a_records["project"].pk]) not in text
    photo_url = reverse("programmes:photo", args=[street_a_records["photo"].pk])
    assert photo_url in text
    assert client.get(photo_url).status_code == 200


def test_anonymous_is_sent_to_login_everywhere(client, street_a_records, today):
    urls = [reverse("home"), reverse("programmes:compound-list")]
    urls += [url for _method, url, _data in pages_of(street_a_records, today).values()]
    before = snapshot()

    for url in urls:
        for method in ("get", "post"):
            response = getattr(client, method)(url, {"title": "x", "severity": "low"})
            assert response.status_code == 302, (method, url)
            assert response["Location"].startswith(reverse("login")), url

    assert snapshot() == before


def test_inactive_user_sees_nothing(client, street_officer, street_a_records):
    street_officer.is_active = False
    street_officer.save()
    client.force_login(street_officer)

    response = client.get(
        reverse("programmes:compound-detail", args=[street_a_records["compound"].pk])
    )

    # force_login does not check is_active; the auth backend then refuses the session
    assert response.status_code == 302

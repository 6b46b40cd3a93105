"""Scope exactly as on the pages: another street's records do not exist for a street officer
(404 on GET, PATCH, DELETE and on every write), and never appear in lists, CSV or statistics."""

from __future__ import annotations

import pytest
from django.urls import reverse

from programmes.models import ProgressReport, SiteProblem, Stage
from tests import factories

# (URL name prefix, key in `other_street_records`, lookup attribute)
DETAILS = [
    ("api:compound", "compound", "pk"),
    ("api:project", "project", "pk"),
    ("api:work-item", "item", "pk"),
    ("api:progress-report", "report", "pk"),
    ("api:site-problem", "problem", "pk"),
]

# Records a district official changes with PATCH (geography set-up, issue 13).
PATCHABLE = {"api:compound", "api:building", "api:street", "api:area", "api:community"}


@pytest.fixture
def hidden(other_street_records):
    """Street B's records plus a building of its compound."""
    records = dict(other_street_records)
    records["building"] = factories.BuildingFactory(compound=records["compound"])
    return records


@pytest.mark.parametrize(
    ("name", "key"), [(name, key) for name, key, _ in DETAILS] + [("api:building", "building")]
)
@pytest.mark.parametrize("method", ["get", "patch", "put", "delete"])
def test_another_streets_record_is_404_for_every_method(street_api, hidden, name, key, method):
    url = reverse(f"{name}-detail", args=[hidden[key].pk])

    response = getattr(street_api, method)(url, {}, format="json")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize(
    ("name", "key"), [(name, key) for name, key, _ in DETAILS] + [("api:building", "building")]
)
def test_in_scope_record_reads_and_refuses_edits_with_405(district_api, hidden, name, key):
    url = reverse(f"{name}-detail", args=[hidden[key].pk])
    # Set-up writes (issue 13): projects, work items, compounds, buildings and streets are
    # changed with PATCH, and a work item is removed with DELETE; PUT stays refused.
    writable = {
        "api:project": {"patch"},
        "api:work-item": {"patch", "delete"},
        **{patchable: {"patch"} for patchable in PATCHABLE},
    }.get(name, set())

    assert district_api.get(url).status_code == 200
    assert district_api.put(url, {}, format="json").status_code == 405
    if "patch" not in writable:
        assert district_api.patch(url, {}, format="json").status_code == 405
    if "delete" not in writable:
        assert district_api.delete(url).status_code == 405


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("api:compound-list", "compound"),
        ("api:project-list", "project"),
        ("api:work-item-list", "item"),
        ("api:progress-report-list", "report"),
        ("api:site-problem-list", "problem"),
        ("api:building-list", "building"),
    ],
)
def test_another_streets_records_are_absent_from_lists_and_csv(
    street_api, district_api, hidden, project, item_small, file_report, street_officer, name, key
):
    factories.BuildingFactory(compound=project.compound)
    factories.SiteProblemFactory(project=project)
    file_report(project=project, by=street_officer, quantities={item_small.pk: "5"})

    own = street_api.get(reverse(name) + "?page_size=500").json()["results"]
    csv_text = street_api.get(reverse(name) + "?format=csv").content.decode()
    everyone = district_api.get(reverse(name) + "?page_size=500").json()["results"]

    hidden_id = hidden[key].pk
    assert own  # the officer's own street is listed ...
    assert hidden_id not in [row["id"] for row in own]  # ... the other street is not
    assert hidden_id in [row["id"] for row in everyone]
    csv_ids = [line.split(",")[0].lstrip("\ufeff") for line in csv_text.splitlines()[1:]]
    assert str(hidden_id) not in csv_ids
    assert len(csv_ids) == len(own)


def test_other_district_is_absent_from_geography(street_api, street_a, other_district_street):
    districts = street_api.get(reverse("api:district-list")).json()["results"]
    streets = street_api.get(reverse("api:street-list")).json()["results"]

    assert [row["id"] for row in districts] == [street_a.district_id]
    assert [row["id"] for row in streets] == [street_a.pk]
    url = reverse("api:district-detail", args=[other_district_street.district_id])
    assert street_api.get(url).status_code == 404


def test_street_officer_cannot_file_progress_for_another_street(street_api, hidden, today):
    project = hidden["project"]
    before = ProgressReport.objects.count()

    response = street_api.post(
        reverse("api:project-progress-reports", args=[project.pk]),
        {
            "report_date": today.isoformat(),
            "lines": [{"work_item": hidden["item"].pk, "quantity_to_date": "50"}],
        },
        format="json",
    )

    assert response.status_code == 404
    assert ProgressReport.objects.count() == before


def test_street_officer_cannot_raise_or_close_another_streets_problem(street_api, hidden):
    raised = street_api.post(
        reverse("api:project-site-problems", args=[hidden["project"].pk]),
        {"title": "越界", "severity": "low"},
        format="json",
    )
    closed = street_api.post(
        reverse("api:site-problem-close", args=[hidden["problem"].pk]),
        {"resolution": "越界关闭"},
        format="json",
    )

    assert raised.status_code == 404
    assert closed.status_code == 404
    assert SiteProblem.objects.count() == 1
    hidden["problem"].refresh_from_db()
    assert hidden["problem"].status == SiteProblem.Status.OPEN


def test_other_district_official_cannot_move_or_return(client_for, other_district_official, hidden):
    api = client_for(other_district_official)

    moved = api.post(
        reverse("api:project-transitions", args=[hidden["project"].pk]),
        {"to_stage": Stage.TENDERING, "reason": "越权"},
        format="json",
    )
    returned = api.post(
        reverse("api:progress-report-return", args=[hidden["report"].pk]),
        {"comment": "越权"},
        format="json",
    )

    assert moved.status_code == 404
    assert returned.status_code == 404
    hidden["project"].refresh_from_db()
    hidden["report"].refresh_from_db()
    assert hidden["project"].stage == Stage.CONSTRUCTION
    assert hidden["report"].status == ProgressReport.Status.SUBMITTED


def test_out_of_scope_filter_value_is_refused_like_a_missing_one(
    street_api, hidden, street_b, project
):
    foreign = street_api.get(reverse("api:project-list") + f"?street={street_b.pk}")
    missing = street_api.get(reverse("api:project-list") + "?street=999999")

    assert foreign.status_code == missing.status_code == 400
    assert set(foreign.json()["errors"]) == set(missing.json()["errors"]) == {"street"}

"""The API of history with its real dates: effective dates on transitions, the historical
record endpoint, its documented examples and its errors."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from programmes.models import Project, Stage, StageTransition
from tests import factories


def documented_examples(anonymous, path: str) -> list[dict]:
    schema = anonymous.get(reverse("api:schema") + "?format=json").json()
    body = schema["paths"][path]["post"]["requestBody"]["content"]["application/json"]
    return [example["value"] for example in body["examples"].values()]


@pytest.fixture
def tendering(programme, street_a):
    return factories.ProjectFactory(
        programme=programme,
        compound__street=street_a,
        stage=Stage.TENDERING,
        contractor="成都建工",
        budget=Decimal("1000000"),
    )


def test_every_documented_transition_example_is_accepted(
    anonymous, district_api, programme, street_a
):
    examples = documented_examples(anonymous, "/api/v1/projects/{id}/transitions/")
    assert len(examples) == 2
    for example in examples:
        project = factories.ProjectFactory(
            programme=programme,
            compound__street=street_a,
            stage=Stage.TENDERING,
            contractor="成都建工",
        )
        Project.objects.filter(pk=project.pk).update(version=example["version"])

        response = district_api.post(
            reverse("api:project-transitions", args=[project.pk]), example, format="json"
        )

        assert response.status_code == 201, response.json()
        project.refresh_from_db()
        assert project.started_on == dt.date.fromisoformat(
            example.get("effective_date") or str(project.started_on)
        )


def test_every_documented_historical_record_example_is_accepted(
    anonymous, district_api, programme, street_a
):
    examples = documented_examples(anonymous, "/api/v1/projects/{id}/historical-record/")
    assert examples
    for example in examples:
        project = factories.ProjectFactory(
            programme=programme, compound__street=street_a, stage=Stage.SURVEYED
        )

        response = district_api.post(
            reverse("api:project-historical-record", args=[project.pk]), example, format="json"
        )

        assert response.status_code == 201, response.json()
        body = response.json()
        assert body["project"]["started_on"] == example["stage_dates"]["construction"]
        assert body["project"]["completed_on"] == example["stage_dates"]["accepted"]
        assert all(t["gate_waived"] for t in body["transitions"])
        assert body["transitions"][-1]["effective_on"] == example["stage_dates"]["accepted"]


def test_future_effective_date_is_a_400_in_the_error_shape(district_api, tendering, today):
    response = district_api.post(
        reverse("api:project-transitions", args=[tendering.pk]),
        {
            "to_stage": "construction",
            "reason": "进场",
            "effective_date": str(today + dt.timedelta(days=3)),
        },
        format="json",
    )

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert "effective_date" in body["errors"]
    assert not StageTransition.objects.filter(project=tendering).exists()


def test_transition_shows_effective_date_and_entry_time(district_api, tendering, today):
    response = district_api.post(
        reverse("api:project-transitions", args=[tendering.pk]),
        {"to_stage": "construction", "reason": "补录", "effective_date": "2022-05-04"},
        format="json",
    )

    body = response.json()
    assert body["effective_on"] == "2022-05-04"
    assert body["at"].startswith(str(today)) or body["at"] > "2022-05-05"
    assert body["gate_waived"] is False


def test_historical_record_errors_are_named_by_request_path(district_api, programme, street_a):
    project = factories.ProjectFactory(
        programme=programme, compound__street=street_a, stage=Stage.SURVEYED
    )
    item = factories.WorkItemFactory(project=project, planned_quantity=Decimal("10"))

    response = district_api.post(
        reverse("api:project-historical-record", args=[project.pk]),
        {
            "reason": "补录",
            "stage_dates": {
                "consultation": "2021-01-01",
                "design": "2020-01-01",
                "approved": "2021-02-01",
                "tendering": "2021-02-02",
                "construction": "2021-03-01",
            },
            "quantities": [{"work_item": item.pk, "quantity_to_date": "15"}],
        },
        format="json",
    )

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert "2021-01-01" in errors["stage_dates.design"][0]  # the previous stage's date
    assert Project.objects.get(pk=project.pk).stage == Stage.SURVEYED


def test_historical_record_warning_then_confirmation(district_api, programme, street_a):
    project = factories.ProjectFactory(
        programme=programme, compound__street=street_a, stage=Stage.TENDERING
    )
    payload = {
        "reason": "补录",
        "stage_dates": {"construction": "2021-03-01", "accepted": "2021-10-01"},
        "accepted_on": "2021-02-01",
        "residents_present": 4,
    }
    url = reverse("api:project-historical-record", args=[project.pk])

    warned = district_api.post(url, payload, format="json")
    assert warned.status_code == 400
    assert "confirm_warnings" in warned.json()["errors"]
    assert Project.objects.get(pk=project.pk).stage == Stage.TENDERING

    confirmed = district_api.post(url, {**payload, "confirm_warnings": True}, format="json")
    assert confirmed.status_code == 201
    assert confirmed.json()["project"]["completed_on"] == "2021-02-01"


def test_historical_record_stale_version_is_409(district_api, programme, street_a):
    project = factories.ProjectFactory(
        programme=programme, compound__street=street_a, stage=Stage.TENDERING
    )

    response = district_api.post(
        reverse("api:project-historical-record", args=[project.pk]),
        {"reason": "补录", "stage_dates": {"construction": "2021-03-01"}, "version": 99},
        format="json",
    )

    assert response.status_code == 409
    assert Project.objects.get(pk=project.pk).started_on is None


def test_historical_record_other_district_is_404(client_for, other_district_official, tendering):
    response = client_for(other_district_official).post(
        reverse("api:project-historical-record", args=[tendering.pk]),
        {"reason": "补录", "stage_dates": {"construction": "2021-03-01"}},
        format="json",
    )

    assert response.status_code == 404


def test_stage_history_shows_waived_gates_in_effective_order(
    district_api,
    reader_api,
    programme,
    street_a,
    district_official,
    django_assert_max_num_queries,
):
    project = factories.ProjectFactory(
        programme=programme, compound__street=street_a, stage=Stage.TENDERING
    )
    district_api.post(
        reverse("api:project-historical-record", args=[project.pk]),
        {"reason": "台账补录", "stage_dates": {"construction": "2021-03-01"}},
        format="json",
    )
    url = reverse("api:project-stage-history", args=[project.pk])

    with django_assert_max_num_queries(12) as small:
        rows = reader_api.get(url).json()

    assert [row["effective_on"] for row in rows] == ["2021-03-01"]
    assert rows[0]["gate_waived"] is True
    assert rows[0]["waiver_reason"] == "台账补录"
    for day in ("2021-05-01", "2021-06-01"):  # more rows, same number of queries
        StageTransition.objects.create(
            project=project,
            from_stage=Stage.CONSTRUCTION,
            to_stage=Stage.CONSTRUCTION,
            reason="核对",
            by=district_official,
            effective_on=dt.date.fromisoformat(day),
        )
    with django_assert_max_num_queries(len(small.captured_queries)):
        rows = reader_api.get(url).json()
    assert len(rows) == 3

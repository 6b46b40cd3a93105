"""Writes through the API call the same services as the pages: same roles, same validation
(400 with field errors, nothing saved), same optimistic concurrency (409, nothing changed)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from programmes.models import ProgressReport, Project, SiteProblem, Stage, StageTransition
from tests import factories

# --- Progress reports ----------------------------------------------------------------------


def _report_url(project) -> str:
    return reverse("api:project-progress-reports", args=[project.pk])


def test_street_officer_files_a_progress_report(street_api, project, item_small, item_large, today):
    response = street_api.post(
        _report_url(project),
        {
            "report_date": today.isoformat(),
            "note": "管网过半",
            "lines": [
                {"work_item": item_small.pk, "quantity_to_date": "50"},
                {"work_item": item_large.pk, "quantity_to_date": "100.50"},
            ],
        },
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    assert response["ETag"] == '"1"'
    assert response["Location"] == reverse("api:progress-report-detail", args=[body["id"]])
    assert body["version"] == 1
    assert {line["work_item"]: line["quantity_to_date"] for line in body["lines"]} == {
        item_small.pk: "50.00",
        item_large.pk: "100.50",
    }
    project.refresh_from_db()
    item_small.refresh_from_db()
    assert item_small.completed_quantity == Decimal("50")
    assert project.progress > 0
    assert project.last_report_on == today


def test_correcting_a_report_needs_its_version(
    street_api, street_officer, project, item_small, file_report, today
):
    report = file_report(project=project, by=street_officer, quantities={item_small.pk: "10"})
    payload = {
        "report_date": today.isoformat(),
        "lines": [{"work_item": item_small.pk, "quantity_to_date": "20"}],
    }

    stale_new = street_api.post(_report_url(project), {**payload, "version": None}, format="json")
    corrected = street_api.post(
        _report_url(project), {**payload, "version": report.version}, format="json"
    )

    assert stale_new.status_code == 409
    assert stale_new.json()["code"] == "conflict"
    assert corrected.status_code == 200
    assert corrected.json()["version"] == report.version + 1
    assert corrected["ETag"] == f'"{report.version + 1}"'
    item_small.refresh_from_db()
    assert item_small.completed_quantity == Decimal("20")


def test_stale_report_version_is_409_and_changes_nothing(
    street_api, street_officer, project, item_small, file_report, today
):
    report = file_report(project=project, by=street_officer, quantities={item_small.pk: "10"})
    file_report(
        project=project, by=street_officer, quantities={item_small.pk: "15"}, version=1
    )  # someone else corrected it meanwhile: version 2

    response = street_api.post(
        _report_url(project),
        {
            "report_date": today.isoformat(),
            "version": 1,
            "lines": [{"work_item": item_small.pk, "quantity_to_date": "99"}],
        },
        format="json",
    )

    assert response.status_code == 409
    report.refresh_from_db()
    assert report.version == 2
    assert report.lines.get().quantity_to_date == Decimal("15")


def test_report_validation_errors_name_the_line_and_save_nothing(
    street_api, project, item_small, item_large, today
):
    response = street_api.post(
        _report_url(project),
        {
            "report_date": (today + dt.timedelta(days=1)).isoformat(),
            "lines": [
                {"work_item": item_small.pk, "quantity_to_date": "5"},
                {"work_item": item_large.pk, "quantity_to_date": "-1"},
            ],
        },
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors["report_date"] == ["The report date cannot be in the future."]
    assert errors["lines.1.quantity_to_date"] == ["The quantity cannot be negative."]
    assert not ProgressReport.objects.exists()


def test_quantity_above_plan_needs_a_reason(street_api, project, item_small, today):
    line = {"work_item": item_small.pk, "quantity_to_date": "150"}
    url = _report_url(project)

    refused = street_api.post(
        url, {"report_date": today.isoformat(), "lines": [line]}, format="json"
    )
    accepted = street_api.post(
        url,
        {"report_date": today.isoformat(), "lines": [{**line, "reason": "设计变更增加管线"}]},
        format="json",
    )

    assert refused.status_code == 400
    assert list(refused.json()["errors"]) == ["lines.0.quantity_to_date"]
    assert accepted.status_code == 201


@pytest.mark.parametrize(
    ("lines", "field"),
    [
        ([], "lines"),
        ([{"work_item": 1, "quantity_to_date": "1.234"}], "lines.0.quantity_to_date"),
        ([{"work_item": 1, "quantity_to_date": "NaN"}], "lines.0.quantity_to_date"),
        ([{"work_item": "x", "quantity_to_date": "1"}], "lines.0.work_item"),
    ],
)
def test_malformed_lines_are_400(street_api, project, item_small, today, lines, field):
    response = street_api.post(
        _report_url(project), {"report_date": today.isoformat(), "lines": lines}, format="json"
    )

    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not ProgressReport.objects.exists()


def test_duplicate_work_item_lines_are_refused(street_api, project, item_small, today):
    line = {"work_item": item_small.pk, "quantity_to_date": "1"}

    response = street_api.post(
        _report_url(project),
        {"report_date": today.isoformat(), "lines": [line, line]},
        format="json",
    )

    assert response.status_code == 400
    assert "lines" in response.json()["errors"]


def test_work_item_of_another_project_is_unknown(street_api, project, item_small, today):
    foreign = factories.WorkItemFactory()

    response = street_api.post(
        _report_url(project),
        {
            "report_date": today.isoformat(),
            "lines": [{"work_item": foreign.pk, "quantity_to_date": "1"}],
        },
        format="json",
    )

    assert response.status_code == 400
    assert "non_field_errors" in response.json()["errors"]
    assert not ProgressReport.objects.exists()


def test_district_official_cannot_file_progress(district_api, project, item_small, today):
    response = district_api.post(
        _report_url(project),
        {
            "report_date": today.isoformat(),
            "lines": [{"work_item": item_small.pk, "quantity_to_date": "1"}],
        },
        format="json",
    )

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert not ProgressReport.objects.exists()


def test_progress_only_under_construction(street_api, programme, street_a, today):
    project = factories.ProjectFactory(programme=programme, compound__street=street_a)
    item = factories.WorkItemFactory(project=project)

    response = street_api.post(
        _report_url(project),
        {
            "report_date": today.isoformat(),
            "lines": [{"work_item": item.pk, "quantity_to_date": "1"}],
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["errors"]["non_field_errors"]
    assert response.json()["detail"] == response.json()["errors"]["non_field_errors"][0]


# --- Returning a report --------------------------------------------------------------------


def test_district_official_returns_a_report(
    district_api, street_officer, project, item_small, file_report
):
    report = file_report(project=project, by=street_officer, quantities={item_small.pk: "40"})

    response = district_api.post(
        reverse("api:progress-report-return", args=[report.pk]),
        {"comment": "数量与监理记录不符"},
        format="json",
        HTTP_IF_MATCH=f'"{report.version}"',
    )

    assert response.status_code == 200
    assert response.json()["status"] == ProgressReport.Status.RETURNED
    assert response["ETag"] == f'"{report.version + 1}"'
    item_small.refresh_from_db()
    assert item_small.completed_quantity == 0  # a returned report stops counting


def test_stale_if_match_on_return_is_409(
    district_api, street_officer, project, item_small, file_report
):
    report = file_report(project=project, by=street_officer, quantities={item_small.pk: "40"})

    response = district_api.post(
        reverse("api:progress-report-return", args=[report.pk]),
        {"comment": "x"},
        format="json",
        HTTP_IF_MATCH='"7"',
    )

    assert response.status_code == 409
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.SUBMITTED


def test_return_needs_a_comment(district_api, street_officer, project, item_small, file_report):
    report = file_report(project=project, by=street_officer, quantities={item_small.pk: "40"})

    response = district_api.post(
        reverse("api:progress-report-return", args=[report.pk]), {"comment": " "}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["comment"]


def test_street_officer_cannot_return_reports(
    street_api, street_officer, project, item_small, file_report
):
    report = file_report(project=project, by=street_officer, quantities={item_small.pk: "40"})

    response = street_api.post(
        reverse("api:progress-report-return", args=[report.pk]), {"comment": "x"}, format="json"
    )

    assert response.status_code == 403
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.SUBMITTED


# --- Stage transitions ---------------------------------------------------------------------


def _transition_url(project) -> str:
    return reverse("api:project-transitions", args=[project.pk])


def test_district_official_moves_a_project_back(district_api, project):
    response = district_api.post(
        _transition_url(project),
        {"to_stage": Stage.TENDERING, "reason": "施工单位退场", "version": project.version},
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["from_stage"], body["to_stage"]) == (Stage.CONSTRUCTION, Stage.TENDERING)
    assert body["project_version"] == project.version + 1
    assert response["ETag"] == f'"{project.version + 1}"'
    project.refresh_from_db()
    assert project.stage == Stage.TENDERING
    assert project.started_on is None


def test_refused_gate_is_400_with_reasons(district_api, project):
    response = district_api.post(
        _transition_url(project),
        {"to_stage": Stage.ACCEPTED, "reason": "完工"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 400
    assert response.json()["errors"]["to_stage"] == [
        "Record the completion acceptance before accepting the project."
    ]
    project.refresh_from_db()
    assert project.stage == Stage.CONSTRUCTION


def test_stage_jump_is_refused(district_api, project):
    response = district_api.post(
        _transition_url(project), {"to_stage": Stage.SURVEYED, "reason": "x"}, format="json"
    )

    assert response.status_code == 400
    assert "to_stage" in response.json()["errors"]


@pytest.mark.parametrize("how", ["body", "if-match"])
def test_stale_project_version_is_409_and_changes_nothing(district_api, project, how):
    stale = project.version
    Project.objects.filter(pk=project.pk).update(version=stale + 1)  # someone saved meanwhile
    payload = {"to_stage": Stage.TENDERING, "reason": "x"}
    kwargs = {"HTTP_IF_MATCH": f'"{stale}"'} if how == "if-match" else {}
    if how == "body":
        payload["version"] = stale

    response = district_api.post(_transition_url(project), payload, format="json", **kwargs)

    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    project.refresh_from_db()
    assert project.stage == Stage.CONSTRUCTION
    assert not StageTransition.objects.exists()


def test_etag_of_detail_is_accepted_as_if_match(district_api, project):
    etag = district_api.get(reverse("api:project-detail", args=[project.pk]))["ETag"]

    first = district_api.post(
        _transition_url(project),
        {"to_stage": Stage.TENDERING, "reason": "x"},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    second = district_api.post(
        _transition_url(project),
        {"to_stage": Stage.APPROVED, "reason": "y"},
        format="json",
        HTTP_IF_MATCH=etag,
    )

    assert first.status_code == 201
    assert second.status_code == 409
    assert StageTransition.objects.count() == 1


def test_contradicting_if_match_and_version_is_409(district_api, project):
    response = district_api.post(
        _transition_url(project),
        {"to_stage": Stage.TENDERING, "reason": "x", "version": project.version},
        format="json",
        HTTP_IF_MATCH='"999"',
    )

    assert response.status_code == 409


def test_reason_is_required(district_api, project):
    response = district_api.post(
        _transition_url(project), {"to_stage": Stage.TENDERING, "reason": "  "}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["reason"]


def test_street_officer_cannot_change_stages(street_api, project):
    response = street_api.post(
        _transition_url(project), {"to_stage": Stage.TENDERING, "reason": "x"}, format="json"
    )

    assert response.status_code == 403
    project.refresh_from_db()
    assert project.stage == Stage.CONSTRUCTION


# --- Site problems -------------------------------------------------------------------------


def test_street_officer_raises_a_problem(street_api, street_officer, project):
    response = street_api.post(
        reverse("api:project-site-problems", args=[project.pk]),
        {"title": "消防通道被占用", "severity": "high"},
        format="json",
    )

    assert response.status_code == 201
    problem = SiteProblem.objects.get()
    assert response.json()["id"] == problem.pk
    assert (problem.title, problem.severity, problem.created_by) == (
        "消防通道被占用",
        "high",
        street_officer,
    )


def test_problem_needs_a_title_and_a_valid_severity(street_api, project):
    url = reverse("api:project-site-problems", args=[project.pk])

    blank = street_api.post(url, {"title": " ", "severity": "high"}, format="json")
    bad = street_api.post(url, {"title": "x", "severity": "apocalyptic"}, format="json")

    assert blank.status_code == bad.status_code == 400
    assert list(blank.json()["errors"]) == ["title"]
    assert list(bad.json()["errors"]) == ["severity"]
    assert not SiteProblem.objects.exists()


def test_district_official_closes_a_problem(district_api, project):
    problem = factories.SiteProblemFactory(project=project)

    response = district_api.post(
        reverse("api:site-problem-close", args=[problem.pk]),
        {"resolution": "已协调物业清理", "version": problem.version},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["status"] == SiteProblem.Status.CLOSED
    assert response.json()["closed_by"] == "district"


def test_stale_problem_close_is_409(street_api, project):
    problem = factories.SiteProblemFactory(project=project)
    SiteProblem.objects.filter(pk=problem.pk).update(version=2)

    response = street_api.post(
        reverse("api:site-problem-close", args=[problem.pk]),
        {"resolution": "已处理", "version": 1},
        format="json",
    )

    assert response.status_code == 409
    problem.refresh_from_db()
    assert problem.status == SiteProblem.Status.OPEN


def test_closing_twice_is_400(street_api, project):
    problem = factories.SiteProblemFactory(project=project)
    url = reverse("api:site-problem-close", args=[problem.pk])

    assert street_api.post(url, {"resolution": "已处理"}, format="json").status_code == 200
    again = street_api.post(url, {"resolution": "再次"}, format="json")

    assert again.status_code == 400
    assert again.json()["errors"]["non_field_errors"]

"""The write services: stage gates, progress reports, site problems, conflicts and history."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.utils import timezone

from programmes import services
from programmes.models import (
    ProgressReport,
    ProgressReportLine,
    Project,
    SiteProblem,
    Stage,
    StageTransition,
    WorkItem,
)
from renovation.errors import ConflictError
from tests import factories


def error_keys(error: ValidationError) -> set[str]:
    return set(error.error_dict) if hasattr(error, "error_dict") else {NON_FIELD_ERRORS}


def error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


@pytest.fixture
def at_stage(programme, street_a):
    """A project of street A at a given stage (as the stage service would have left it)."""

    def make(stage: str, **kwargs) -> Project:
        return factories.ProjectFactory(
            programme=programme, compound__street=street_a, stage=stage, **kwargs
        )

    return make


def transition(project, by, to_stage, reason="联合审查会议纪要", **kwargs):
    return services.project_stage_transition(
        project=project, to_stage=to_stage, by=by, reason=reason, **kwargs
    )


# --- Stage transitions ---------------------------------------------------------------------


def test_stage_moves_only_one_step(at_stage, district_official):
    project = at_stage(Stage.SURVEYED)

    with pytest.raises(ValidationError) as refused:
        transition(project, district_official, Stage.DESIGN)

    assert error_keys(refused.value) == {"to_stage"}
    project.refresh_from_db()
    assert project.stage == Stage.SURVEYED
    assert not StageTransition.objects.exists()


def test_consultation_needs_an_eligible_compound(at_stage, district_official):
    project = at_stage(Stage.SURVEYED, compound__survey_status="good")

    with pytest.raises(ValidationError) as refused:
        transition(project, district_official, Stage.CONSULTATION)

    assert error_keys(refused.value) == {"to_stage"}
    assert Project.objects.get(pk=project.pk).stage == Stage.SURVEYED


def test_design_refused_below_support_threshold_with_the_rate_in_the_reason(
    at_stage, district_official
):
    # given a survey with 80 of 100 returned forms in favour, threshold 90%
    project = at_stage(Stage.CONSULTATION)
    factories.OpinionSurveyFactory(project=project, forms_returned=100, support=80, oppose=20)

    # when
    with pytest.raises(ValidationError) as refused:
        transition(project, district_official, Stage.DESIGN)

    # then
    assert error_keys(refused.value) == {"to_stage"}
    message = error_text(refused.value)
    assert "80.0" in message
    assert "90.00" in message
    assert Project.objects.get(pk=project.pk).stage == Stage.CONSULTATION
    assert not StageTransition.objects.exists()


def test_design_refused_without_any_survey(at_stage, district_official):
    project = at_stage(Stage.CONSULTATION)

    with pytest.raises(ValidationError) as refused:
        transition(project, district_official, Stage.DESIGN)

    assert error_keys(refused.value) == {"to_stage"}
    assert Project.objects.get(pk=project.pk).stage == Stage.CONSULTATION


def test_latest_survey_decides_the_design_gate(at_stage, district_official, today):
    # given an early survey that passed and a later one that did not
    project = at_stage(Stage.CONSULTATION)
    factories.OpinionSurveyFactory(project=project, held_on=today - dt.timedelta(days=20))
    factories.OpinionSurveyFactory(
        project=project, held_on=today - dt.timedelta(days=2), support=70, oppose=30
    )

    with pytest.raises(ValidationError) as refused:
        transition(project, district_official, Stage.DESIGN)

    assert "70.0" in error_text(refused.value)


def test_design_allowed_at_or_above_threshold_records_evidence(at_stage, district_official):
    project = at_stage(Stage.CONSULTATION)
    factories.OpinionSurveyFactory(project=project, forms_returned=100, support=92, oppose=8)

    record = transition(project, district_official, Stage.DESIGN)

    assert Project.objects.get(pk=project.pk).stage == Stage.DESIGN
    assert "92" in record.gate_evidence


def test_construction_needs_a_contractor(at_stage, district_official):
    project = at_stage(Stage.TENDERING, contractor="  ")

    with pytest.raises(ValidationError) as refused:
        transition(project, district_official, Stage.CONSTRUCTION)

    assert error_keys(refused.value) == {"to_stage"}
    project.refresh_from_db()
    assert project.stage == Stage.TENDERING
    assert project.started_on is None


def test_entering_construction_sets_started_on(at_stage, district_official, today):
    project = at_stage(Stage.TENDERING, contractor="四川华西集团")

    transition(project, district_official, Stage.CONSTRUCTION)

    project.refresh_from_db()
    assert project.stage == Stage.CONSTRUCTION
    assert project.started_on == today


def test_acceptance_needs_an_acceptance_record(project, district_official):
    with pytest.raises(ValidationError) as refused:
        transition(project, district_official, Stage.ACCEPTED)

    assert error_keys(refused.value) == {"to_stage"}
    project.refresh_from_db()
    assert project.stage == Stage.CONSTRUCTION
    assert project.completed_on is None


def test_acceptance_needs_residents_present(project, district_official, today):
    factories.AcceptanceRecordFactory(project=project, residents_present=0)

    with pytest.raises(ValidationError) as refused:
        transition(project, district_official, Stage.ACCEPTED)

    assert error_keys(refused.value) == {"to_stage"}
    assert Project.objects.get(pk=project.pk).completed_on is None


def test_acceptance_recorded_after_a_refusal_lets_the_same_project_through(
    project, district_official, today
):
    # given a refusal that read "no acceptance record" on this very instance
    with pytest.raises(ValidationError):
        transition(project, district_official, Stage.ACCEPTED)
    accepted_on = today - dt.timedelta(days=1)
    factories.AcceptanceRecordFactory(project=project, accepted_on=accepted_on)

    # when
    transition(project, district_official, Stage.ACCEPTED)

    # then completed_on is the acceptance date, not the day of the click
    project.refresh_from_db()
    assert project.stage == Stage.ACCEPTED
    assert project.completed_on == accepted_on


def test_moving_back_from_construction_clears_started_on(project, district_official):
    transition(project, district_official, Stage.TENDERING, reason="施工单位退场，重新招标")

    project.refresh_from_db()
    assert project.stage == Stage.TENDERING
    assert project.started_on is None


def test_moving_back_from_accepted_clears_completed_on(project, district_official, today):
    factories.AcceptanceRecordFactory(project=project)
    transition(project, district_official, Stage.ACCEPTED)

    transition(project, district_official, Stage.CONSTRUCTION, reason="验收资料不全")

    project.refresh_from_db()
    assert project.stage == Stage.CONSTRUCTION
    assert project.completed_on is None
    assert project.started_on is not None


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_stage_change_needs_a_reason(at_stage, district_official, reason):
    project = at_stage(Stage.SURVEYED)

    with pytest.raises(ValidationError) as refused:
        transition(project, district_official, Stage.CONSULTATION, reason=reason)

    assert error_keys(refused.value) == {"reason"}
    assert Project.objects.get(pk=project.pk).stage == Stage.SURVEYED


@pytest.mark.parametrize(
    "user_fixture",
    ["street_officer", "other_district_official", "city_viewer", "api_client_user"],
)
def test_only_the_district_official_changes_stages(request, at_stage, user_fixture):
    user = request.getfixturevalue(user_fixture)
    project = at_stage(Stage.SURVEYED)

    with pytest.raises(PermissionDenied):
        transition(project, user, Stage.CONSULTATION)

    assert Project.objects.get(pk=project.pk).stage == Stage.SURVEYED
    assert not StageTransition.objects.exists()


def test_stale_version_is_a_conflict_and_changes_nothing(at_stage, district_official):
    # given two officials opened the stage form on version 1; the first one saved
    project = at_stage(Stage.SURVEYED)
    opened_on = project.version
    transition(project, district_official, Stage.CONSULTATION, version=opened_on)

    # when the second saves with the version they opened
    with pytest.raises(ConflictError):
        transition(project, district_official, Stage.SURVEYED, version=opened_on)

    # then the first change stands
    project.refresh_from_db()
    assert project.stage == Stage.CONSULTATION
    assert project.version == opened_on + 1
    assert StageTransition.objects.count() == 1


def test_transition_records_who_when_and_why(at_stage, district_official):
    project = at_stage(Stage.SURVEYED)
    before = timezone.now()

    transition(project, district_official, Stage.CONSULTATION, reason="摸排结果：纳入改造")

    record = StageTransition.objects.get()
    assert record.project == project
    assert (record.from_stage, record.to_stage) == (Stage.SURVEYED, Stage.CONSULTATION)
    assert record.by == district_official
    assert record.reason == "摸排结果：纳入改造"
    assert before <= record.at <= timezone.now()
    project.refresh_from_db()
    assert project.stage_changed_at == record.at


def test_stage_transition_history_names_the_official(at_stage, district_official):
    project = at_stage(Stage.SURVEYED)

    transition(project, district_official, Stage.CONSULTATION, reason="摸排结果：纳入改造")

    latest = project.history.first()
    assert latest.stage == Stage.CONSULTATION
    assert latest.history_user == district_official
    assert latest.history_change_reason == "摸排结果：纳入改造"


# --- Progress: what counts -----------------------------------------------------------------


def test_latest_report_counts_never_the_sum(
    project, item_small, street_officer, file_report, today
):
    file_report(
        project=project,
        by=street_officer,
        quantities={item_small.pk: "40"},
        report_date=today - dt.timedelta(days=2),
    )
    file_report(
        project=project,
        by=street_officer,
        quantities={item_small.pk: "70"},
        report_date=today - dt.timedelta(days=1),
    )

    item_small.refresh_from_db()
    assert item_small.completed_quantity == Decimal("70")
    assert Project.objects.get(pk=project.pk).progress == Decimal("70.00")


def test_an_older_report_filed_late_does_not_override_a_newer_one(
    project, item_small, street_officer, file_report, today
):
    file_report(project=project, by=street_officer, quantities={item_small.pk: "70"})
    file_report(
        project=project,
        by=street_officer,
        quantities={item_small.pk: "40"},
        report_date=today - dt.timedelta(days=3),
    )

    item_small.refresh_from_db()
    assert item_small.completed_quantity == Decimal("70")


def test_project_progress_is_budget_weighted(
    project, item_small, item_large, street_officer, file_report, today
):
    # given budgets 100 and 300; 50 of 100 (50%) and 200 of 200 (100%)
    file_report(
        project=project,
        by=street_officer,
        quantities={item_small.pk: "50", item_large.pk: "200"},
    )

    # then (0.5 × 100 + 1 × 300) / 400 = 87.5%
    project.refresh_from_db()
    assert project.progress == Decimal("87.50")
    assert project.last_report_on == today


def test_items_not_in_a_report_keep_their_latest_figure(
    project, item_small, item_large, street_officer, file_report, today
):
    file_report(
        project=project,
        by=street_officer,
        quantities={item_small.pk: "20", item_large.pk: "100"},
        report_date=today - dt.timedelta(days=1),
    )
    file_report(project=project, by=street_officer, quantities={item_small.pk: "60"})

    assert WorkItem.objects.get(pk=item_large.pk).completed_quantity == Decimal("100")
    # (0.6 × 100 + 0.5 × 300) / 400 = 52.5%
    assert Project.objects.get(pk=project.pk).progress == Decimal("52.50")


def test_returned_report_stops_counting_until_resubmitted(
    project, item_small, street_officer, district_official, file_report, today
):
    # given reports of 40 then 70
    file_report(
        project=project,
        by=street_officer,
        quantities={item_small.pk: "40"},
        report_date=today - dt.timedelta(days=2),
    )
    later = file_report(
        project=project,
        by=street_officer,
        quantities={item_small.pk: "70"},
        report_date=today - dt.timedelta(days=1),
    )

    # when the district returns the later one
    returned = services.progress_report_return(
        report=later, by=district_official, comment="数量与现场不符", version=later.version
    )

    # then progress falls back to the earlier report
    assert returned.status == ProgressReport.Status.RETURNED
    assert returned.returned_by == district_official
    assert WorkItem.objects.get(pk=item_small.pk).completed_quantity == Decimal("40")
    project.refresh_from_db()
    assert project.progress == Decimal("40.00")
    assert project.last_report_on == today - dt.timedelta(days=2)

    # when the street resubmits the corrected report
    file_report(
        project=project,
        by=street_officer,
        quantities={item_small.pk: "65"},
        report_date=later.report_date,
        version=returned.version,
    )

    # then it counts again
    later.refresh_from_db()
    assert later.status == ProgressReport.Status.SUBMITTED
    assert WorkItem.objects.get(pk=item_small.pk).completed_quantity == Decimal("65")
    assert Project.objects.get(pk=project.pk).progress == Decimal("65.00")


def test_returning_needs_a_comment_and_happens_once(
    project, item_small, street_officer, district_official, file_report
):
    report = file_report(project=project, by=street_officer, quantities={item_small.pk: "10"})

    with pytest.raises(ValidationError) as no_comment:
        services.progress_report_return(report=report, by=district_official, comment=" ")
    assert error_keys(no_comment.value) == {"comment"}
    assert ProgressReport.objects.get(pk=report.pk).status == ProgressReport.Status.SUBMITTED

    services.progress_report_return(report=report, by=district_official, comment="补充照片")
    with pytest.raises(ValidationError):
        services.progress_report_return(report=report, by=district_official, comment="再退")


def test_street_officer_cannot_return_reports(project, item_small, street_officer, file_report):
    report = file_report(project=project, by=street_officer, quantities={item_small.pk: "10"})

    with pytest.raises(PermissionDenied):
        services.progress_report_return(report=report, by=street_officer, comment="自己退回")

    assert ProgressReport.objects.get(pk=report.pk).status == ProgressReport.Status.SUBMITTED


# --- Progress: validation ------------------------------------------------------------------


def _counts() -> tuple[int, int]:
    return ProgressReport.objects.count(), ProgressReportLine.objects.count()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("-1", "item"),
        ("abc", "item"),
        ("NaN", "item"),
        ("Infinity", "item"),
        ("1.234", "item"),
        ("150", "item"),  # above the planned 100 without a reason
    ],
)
def test_bad_quantity_is_refused_and_nothing_is_saved(
    project, item_small, item_large, street_officer, file_report, raw, expected
):
    before = _counts()

    with pytest.raises(ValidationError) as refused:
        # the other item is valid: a half-good form must not be half saved
        file_report(
            project=project,
            by=street_officer,
            quantities={item_small.pk: raw, item_large.pk: "10"},
        )

    assert error_keys(refused.value) == {services.field_for_item(item_small.pk)}
    assert _counts() == before
    assert WorkItem.objects.get(pk=item_large.pk).completed_quantity == 0


@pytest.mark.parametrize(
    ("days_from_today", "why"),
    [(1, "future"), (-31, "before construction started 30 days ago")],
)
def test_report_date_out_of_range_is_refused(
    project, item_small, street_officer, file_report, today, days_from_today, why
):
    before = _counts()

    with pytest.raises(ValidationError) as refused:
        file_report(
            project=project,
            by=street_officer,
            quantities={item_small.pk: "10"},
            report_date=today + dt.timedelta(days=days_from_today),
        )

    assert error_keys(refused.value) == {"report_date"}, why
    assert _counts() == before


def test_decrease_below_previous_report_needs_a_reason(
    project, item_small, street_officer, file_report, today
):
    file_report(
        project=project,
        by=street_officer,
        quantities={item_small.pk: "50"},
        report_date=today - dt.timedelta(days=1),
    )
    before = _counts()

    with pytest.raises(ValidationError) as refused:
        file_report(project=project, by=street_officer, quantities={item_small.pk: "30"})

    assert error_keys(refused.value) == {services.field_for_item(item_small.pk)}
    assert "50" in error_text(refused.value)
    assert _counts() == before
    assert WorkItem.objects.get(pk=item_small.pk).completed_quantity == Decimal("50")


def test_decrease_with_a_reason_is_accepted(
    project, item_small, street_officer, file_report, today
):
    file_report(
        project=project,
        by=street_officer,
        quantities={item_small.pk: "50"},
        report_date=today - dt.timedelta(days=1),
    )

    file_report(
        project=project,
        by=street_officer,
        quantities={item_small.pk: "30"},
        reasons={item_small.pk: "昨日误报，复测后更正"},
    )

    assert WorkItem.objects.get(pk=item_small.pk).completed_quantity == Decimal("30")


def test_unknown_work_item_is_refused(
    project, item_small, street_officer, file_report, other_street_records
):
    before = _counts()
    foreign_item = other_street_records["item"]

    for unknown in (foreign_item.pk, 987654321, "not-an-id"):
        with pytest.raises(ValidationError) as refused:
            file_report(
                project=project,
                by=street_officer,
                quantities={item_small.pk: "10", unknown: "5"},
            )
        assert error_keys(refused.value) == {NON_FIELD_ERRORS}

    assert _counts() == before


def test_empty_report_is_refused(project, item_small, street_officer, file_report):
    with pytest.raises(ValidationError) as refused:
        file_report(project=project, by=street_officer, quantities={item_small.pk: ""})

    assert error_keys(refused.value) == {NON_FIELD_ERRORS}
    assert not ProgressReport.objects.exists()


@pytest.mark.parametrize("stage", [Stage.TENDERING, Stage.ACCEPTED])
def test_progress_only_for_projects_under_construction(
    programme, street_a, street_officer, file_report, stage
):
    project = factories.ProjectFactory(programme=programme, compound__street=street_a, stage=stage)
    item = factories.WorkItemFactory(project=project)

    with pytest.raises(ValidationError) as refused:
        file_report(project=project, by=street_officer, quantities={item.pk: "10"})

    assert error_keys(refused.value) == {NON_FIELD_ERRORS}
    assert _counts() == (0, 0)


def test_over_plan_with_a_reason_is_accepted_and_capped_at_100_percent(
    project, item_small, street_officer, file_report
):
    report = file_report(
        project=project,
        by=street_officer,
        quantities={item_small.pk: "150"},
        reasons={item_small.pk: "设计变更增加管线"},
    )

    line = report.lines.get()
    assert line.quantity_to_date == Decimal("150")
    assert line.reason == "设计变更增加管线"
    assert Project.objects.get(pk=project.pk).progress == Decimal("100.00")


@pytest.mark.parametrize("user_fixture", ["district_official", "street_officer_b", "city_viewer"])
def test_only_the_projects_street_officer_files_progress(
    request, project, item_small, file_report, user_fixture
):
    user = request.getfixturevalue(user_fixture)

    with pytest.raises(PermissionDenied):
        file_report(project=project, by=user, quantities={item_small.pk: "10"})

    assert _counts() == (0, 0)


# --- Progress: conflicts -------------------------------------------------------------------


def test_second_save_of_the_same_report_with_a_stale_version_is_a_conflict(
    project, item_small, street_officer, file_report, today
):
    # given a report both officers opened at version N
    report = file_report(project=project, by=street_officer, quantities={item_small.pk: "10"})
    opened = report.version
    file_report(
        project=project, by=street_officer, quantities={item_small.pk: "50"}, version=opened
    )

    # when the second form is saved
    with pytest.raises(ConflictError):
        file_report(
            project=project, by=street_officer, quantities={item_small.pk: "20"}, version=opened
        )

    # then the first save is kept
    report.refresh_from_db()
    assert report.version == opened + 1
    assert [line.quantity_to_date for line in report.lines.all()] == [Decimal("50")]
    assert WorkItem.objects.get(pk=item_small.pk).completed_quantity == Decimal("50")


def test_two_new_reports_for_the_same_date_second_is_a_conflict(
    project, item_small, street_officer, file_report
):
    file_report(project=project, by=street_officer, quantities={item_small.pk: "10"})

    with pytest.raises(ConflictError):
        file_report(project=project, by=street_officer, quantities={item_small.pk: "99"})

    assert ProgressReport.objects.count() == 1
    assert ProgressReportLine.objects.get().quantity_to_date == Decimal("10")


def test_progress_report_history_names_the_officer(
    project, item_small, street_officer, file_report
):
    report = file_report(project=project, by=street_officer, quantities={item_small.pk: "10"})
    file_report(
        project=project,
        by=street_officer,
        quantities={item_small.pk: "20"},
        version=report.version,
    )

    assert report.history.count() == 2
    assert {row.history_user for row in report.history.all()} == {street_officer}
    assert report.created_by == street_officer


# --- Site problems -------------------------------------------------------------------------


def test_raise_problem_records_who(project, street_officer):
    problem = services.site_problem_raise(
        project=project, by=street_officer, title=" 脚手架未设围挡 ", severity="critical"
    )

    problem.refresh_from_db()
    assert problem.title == "脚手架未设围挡"
    assert problem.status == SiteProblem.Status.OPEN
    assert problem.created_by == street_officer
    assert problem.history.get().history_user == street_officer


@pytest.mark.parametrize(
    ("title", "severity", "key"), [("  ", "low", "title"), ("渗水", "urgent", "severity")]
)
def test_raise_problem_validates(project, street_officer, title, severity, key):
    with pytest.raises(ValidationError) as refused:
        services.site_problem_raise(
            project=project, by=street_officer, title=title, severity=severity
        )

    assert error_keys(refused.value) == {key}
    assert not SiteProblem.objects.exists()


def test_close_problem_needs_a_resolution(project, street_officer):
    problem = factories.SiteProblemFactory(project=project)

    with pytest.raises(ValidationError) as refused:
        services.site_problem_close(problem=problem, by=street_officer, resolution="  ")

    assert error_keys(refused.value) == {"resolution"}
    assert SiteProblem.objects.get(pk=problem.pk).status == SiteProblem.Status.OPEN


def test_close_problem_records_resolution_and_refuses_a_second_close(project, district_official):
    problem = factories.SiteProblemFactory(project=project)

    closed = services.site_problem_close(
        problem=problem, by=district_official, resolution="已设置围挡", version=problem.version
    )

    assert closed.status == SiteProblem.Status.CLOSED
    assert closed.closed_by == district_official
    assert closed.closed_at is not None
    assert closed.history.first().history_user == district_official
    with pytest.raises(ValidationError):
        services.site_problem_close(problem=problem, by=district_official, resolution="再次关闭")
    assert SiteProblem.objects.get(pk=problem.pk).resolution == "已设置围挡"


def test_close_problem_with_stale_version_is_a_conflict(project, street_officer):
    problem = factories.SiteProblemFactory(project=project)
    stale = problem.version - 1 if problem.version else problem.version + 1

    with pytest.raises(ConflictError):
        services.site_problem_close(
            problem=problem, by=street_officer, resolution="已处理", version=stale
        )

    assert SiteProblem.objects.get(pk=problem.pk).status == SiteProblem.Status.OPEN


@pytest.mark.parametrize("user_fixture", ["street_officer_b", "other_district_official"])
def test_problem_closed_only_by_its_street_or_district(request, project, user_fixture):
    problem = factories.SiteProblemFactory(project=project)

    with pytest.raises(PermissionDenied):
        services.site_problem_close(
            problem=problem, by=request.getfixturevalue(user_fixture), resolution="已处理"
        )

    assert SiteProblem.objects.get(pk=problem.pk).status == SiteProblem.Status.OPEN


def test_problem_is_overdue_after_a_day_open(project, settings):
    settings.RENOVATION_PROBLEM_OVERDUE_HOURS = 24
    fresh = factories.SiteProblemFactory(project=project)
    old = factories.SiteProblemFactory(project=project)
    old_closed = factories.SiteProblemFactory(project=project)
    now = timezone.now()
    SiteProblem.objects.filter(pk=fresh.pk).update(created_at=now - dt.timedelta(hours=23))
    SiteProblem.objects.filter(pk__in=[old.pk, old_closed.pk]).update(
        created_at=now - dt.timedelta(hours=25)
    )
    SiteProblem.objects.filter(pk=old_closed.pk).update(
        status=SiteProblem.Status.CLOSED, resolution="已处理", closed_at=now
    )

    assert list(SiteProblem.objects.overdue()) == [old]
    flags = {p.pk: p.is_overdue for p in SiteProblem.objects.all()}
    assert flags == {fresh.pk: False, old.pk: True, old_closed.pk: False}

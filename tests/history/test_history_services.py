"""History with its real dates: effective dates of stage changes, started_on/completed_on that
follow them, the historical-record service, and the survey gate that counts the right survey."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from funding.models import Expenditure, Receipt
from programmes import dates, history_services, services
from programmes.models import AcceptanceRecord, Project, Stage, StageTransition
from renovation.errors import ConflictError
from tests import factories


@pytest.fixture(autouse=True)
def _english():
    """Messages are checked in English here (the Chinese wording has its own test)."""
    with translation.override("en"):
        yield


def transition(project, by, to_stage, reason="会议纪要", **kwargs):
    return services.project_stage_transition(
        project=project, to_stage=to_stage, by=by, reason=reason, **kwargs
    )


@pytest.fixture
def tendering(programme, street_a):
    return factories.ProjectFactory(
        programme=programme,
        compound__street=street_a,
        stage=Stage.TENDERING,
        contractor="成都建工",
        budget=Decimal("1000000"),
    )


# --- Effective dates of stage changes ------------------------------------------------------


def test_construction_effective_date_sets_started_on_and_keeps_entry_time(
    tendering, district_official, today
):
    past = dt.date(today.year - 1, 3, 15)

    made = transition(tendering, district_official, Stage.CONSTRUCTION, effective_date=past)

    tendering.refresh_from_db()
    assert tendering.started_on == past
    assert made.effective_on == past
    assert made.at.date() >= today - dt.timedelta(days=1)  # entry time stays "now"
    assert not made.gate_waived


def test_effective_date_defaults_to_today(tendering, district_official, today):
    made = transition(tendering, district_official, Stage.CONSTRUCTION)

    assert made.effective_on == today
    assert Project.objects.get(pk=tendering.pk).started_on == today


@pytest.mark.parametrize(
    ("offset", "fragment"),
    [(dt.timedelta(days=1), "future"), (None, "plausible")],
)
def test_impossible_effective_dates_are_refused(
    tendering, district_official, today, offset, fragment
):
    day = today + offset if offset else dt.date(1999, 12, 31)

    with pytest.raises(ValidationError) as refused:
        transition(tendering, district_official, Stage.CONSTRUCTION, effective_date=day)

    assert fragment in " ".join(refused.value.message_dict["effective_date"])
    tendering.refresh_from_db()
    assert tendering.stage == Stage.TENDERING
    assert tendering.started_on is None


def test_effective_date_not_before_the_previous_change(tendering, district_official, today):
    earlier = today - dt.timedelta(days=100)
    StageTransition.objects.create(
        project=tendering,
        from_stage=Stage.APPROVED,
        to_stage=Stage.TENDERING,
        reason="招标",
        by=district_official,
        effective_on=today - dt.timedelta(days=50),
    )

    with pytest.raises(ValidationError) as refused:
        transition(tendering, district_official, Stage.CONSTRUCTION, effective_date=earlier)

    assert str(today - dt.timedelta(days=50)) in refused.value.message_dict["effective_date"][0]


def test_progress_report_may_be_dated_after_the_effective_start(
    tendering, district_official, street_officer, today
):
    start = today - dt.timedelta(days=400)
    transition(tendering, district_official, Stage.CONSTRUCTION, effective_date=start)
    item = factories.WorkItemFactory(project=tendering, planned_quantity=Decimal("100"))

    report = services.progress_report_file(
        project=tendering,
        by=street_officer,
        report_date=start + dt.timedelta(days=30),
        quantities={item.pk: "40"},
    )
    assert report.report_date == start + dt.timedelta(days=30)
    with pytest.raises(ValidationError) as refused:
        services.progress_report_file(
            project=tendering,
            by=street_officer,
            report_date=start - dt.timedelta(days=1),
            quantities={item.pk: "10"},
        )
    assert str(start) in refused.value.message_dict["report_date"][0]


def test_completion_follows_a_corrected_acceptance_date(project, district_official, today):
    record = factories.AcceptanceRecordFactory(
        project=project, accepted_on=today - dt.timedelta(days=5)
    )
    transition(project, district_official, Stage.ACCEPTED)
    project.refresh_from_db()
    assert project.completed_on == today - dt.timedelta(days=5)

    record.accepted_on = today - dt.timedelta(days=9)
    record.save()
    changed = dates.project_completion_follow_acceptance(project=project, by=district_official)

    project.refresh_from_db()
    assert changed
    assert project.completed_on == today - dt.timedelta(days=9)
    assert project.history.first().history_user == district_official


# --- The survey gate -------------------------------------------------------------------------


@pytest.fixture
def consulting(programme, street_a):
    return factories.ProjectFactory(
        programme=programme,
        compound__street=street_a,
        compound__households=300,
        stage=Stage.CONSULTATION,
    )


def test_a_unit_survey_does_not_open_the_compound_design(consulting, district_official):
    building = factories.BuildingFactory(compound=consulting.compound)
    factories.OpinionSurveyFactory(
        project=consulting,
        scope_kind="unit",
        building=building,
        unit="1单元",
        forms_issued=12,
        forms_returned=12,
        support=12,
        oppose=0,
    )

    with pytest.raises(ValidationError) as refused:
        transition(consulting, district_official, Stage.DESIGN)

    assert "whole compound" in " ".join(refused.value.message_dict["to_stage"])
    assert Project.objects.get(pk=consulting.pk).stage == Stage.CONSULTATION


def test_three_of_three_hundred_forms_do_not_open_design(consulting, district_official):
    factories.OpinionSurveyFactory(
        project=consulting, forms_issued=300, forms_returned=3, support=3, oppose=0
    )

    with pytest.raises(ValidationError) as refused:
        transition(consulting, district_official, Stage.DESIGN)

    text = " ".join(refused.value.message_dict["to_stage"])
    assert "Return rate too low" in text
    assert "3 forms returned for 300 households (1.0%)" in text
    assert "66.7%" in text
    assert "Support too low" not in text


def test_the_refusal_reads_in_chinese_by_default(consulting, district_official):
    factories.OpinionSurveyFactory(
        project=consulting, forms_issued=300, forms_returned=3, support=3, oppose=0
    )

    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        transition(consulting, district_official, Stage.DESIGN)

    with translation.override("zh-hans"):
        text = " ".join(refused.value.message_dict["to_stage"])
    assert "回收率不足" in text
    assert "300户" in text


def test_low_support_is_named_as_such(consulting, district_official):
    factories.OpinionSurveyFactory(
        project=consulting, forms_issued=300, forms_returned=250, support=150, oppose=100
    )

    with pytest.raises(ValidationError) as refused:
        transition(consulting, district_official, Stage.DESIGN)

    text = " ".join(refused.value.message_dict["to_stage"])
    assert "Support too low" in text
    assert "60.0%" in text
    assert "Return rate too low" not in text


def test_enough_returns_and_support_open_design_with_both_figures(consulting, district_official):
    consulting.programme.min_survey_return_rate = Decimal("0.5")
    consulting.programme.save()
    factories.OpinionSurveyFactory(
        project=consulting, forms_issued=300, forms_returned=160, support=150, oppose=10
    )

    made = transition(consulting, district_official, Stage.DESIGN)

    assert "160 of 300 households" in made.gate_evidence
    assert "50.0%" in made.gate_evidence


# --- The historical record ----------------------------------------------------------------


@pytest.fixture
def surveyed(programme, street_a):
    project = factories.ProjectFactory(
        programme=programme, compound__street=street_a, stage=Stage.SURVEYED
    )
    factories.WorkItemFactory(project=project, planned_quantity=Decimal("100"))
    return project


def all_stages(started: dt.date, accepted: dt.date | None = None) -> dict:
    days = {
        Stage.CONSULTATION: started - dt.timedelta(days=120),
        Stage.DESIGN: started - dt.timedelta(days=90),
        Stage.APPROVED: started - dt.timedelta(days=60),
        Stage.TENDERING: started - dt.timedelta(days=30),
        Stage.CONSTRUCTION: started,
    }
    if accepted:
        days[Stage.ACCEPTED] = accepted
    return days


def test_historical_record_enters_a_finished_project_with_its_dates(surveyed, district_official):
    item = surveyed.work_items.get()
    started, accepted = dt.date(2021, 4, 1), dt.date(2021, 11, 20)

    project = history_services.project_historical_record_enter(
        project=surveyed,
        by=district_official,
        reason="2021年度竣工项目补录（区住建局台账）",
        stage_dates=all_stages(started, accepted),
        residents_present=5,
        quantities={item.pk: "100"},
        money=[
            {
                "sub_type": "central_subsidy",
                "funder": "中央财政",
                "amount": "500000.00",
                "received": "500000.00",
                "received_on": dt.date(2021, 3, 1),
                "spent": "480000.00",
                "spent_on": dt.date(2021, 12, 1),
            }
        ],
    )

    assert project.stage == Stage.ACCEPTED
    assert project.started_on == started
    assert project.completed_on == accepted
    assert project.progress == Decimal("100.00")
    assert AcceptanceRecord.objects.get(project=project).accepted_on == accepted
    transitions = list(project.transitions.order_by("id"))
    assert [t.to_stage for t in transitions][-1] == Stage.ACCEPTED
    assert all(t.gate_waived and "补录" in t.waiver_reason for t in transitions)
    assert transitions[-1].effective_on == accepted
    assert all(t.by == district_official for t in transitions)
    assert Receipt.objects.get(project=project).received_on == dt.date(2021, 3, 1)
    assert Expenditure.objects.get(project=project).amount == Decimal("480000.00")


def test_acceptance_before_start_is_a_warning_to_confirm(surveyed, district_official):
    stage_dates = all_stages(dt.date(2021, 4, 1), dt.date(2021, 11, 20))
    arguments = {
        "project": surveyed,
        "by": district_official,
        "reason": "补录",
        "stage_dates": stage_dates,
        "accepted_on": dt.date(2021, 3, 1),
        "residents_present": 3,
    }

    with pytest.raises(ValidationError) as warned:
        history_services.project_historical_record_enter(**arguments)
    assert "before construction started" in warned.value.message_dict["confirm_warnings"][0]
    assert not StageTransition.objects.filter(project=surveyed).exists()

    project = history_services.project_historical_record_enter(**arguments, confirm_warnings=True)
    assert project.completed_on == dt.date(2021, 3, 1)


def test_historical_record_refuses_impossible_and_missing_dates(surveyed, district_official):
    stage_dates = all_stages(dt.date(2021, 4, 1))
    stage_dates[Stage.DESIGN] = dt.date(2020, 1, 1)  # before consultation
    del stage_dates[Stage.APPROVED]

    with pytest.raises(ValidationError) as refused:
        history_services.project_historical_record_enter(
            project=surveyed, by=district_official, reason="补录", stage_dates=stage_dates
        )

    assert {"date_design", "date_approved"} <= set(refused.value.message_dict)
    surveyed.refresh_from_db()
    assert surveyed.stage == Stage.SURVEYED
    assert surveyed.started_on is None


def test_historical_record_money_errors_save_nothing(surveyed, district_official):
    with pytest.raises(ValidationError) as refused:
        history_services.project_historical_record_enter(
            project=surveyed,
            by=district_official,
            reason="补录",
            stage_dates=all_stages(dt.date(2021, 4, 1)),
            money=[
                {
                    "sub_type": "central_subsidy",
                    "funder": "中央",
                    "amount": "100",
                    "received": "100",
                    "received_on": dt.date(2021, 3, 1),
                    "spent": "200",
                    "spent_on": dt.date(2021, 5, 1),
                }
            ],
        )

    assert "money.0.amount" in refused.value.message_dict
    assert Project.objects.get(pk=surveyed.pk).stage == Stage.SURVEYED
    assert not Receipt.objects.exists()


def test_historical_record_is_for_district_officials_and_versioned(
    surveyed, street_officer, district_official
):
    arguments = {
        "project": surveyed,
        "reason": "补录",
        "stage_dates": all_stages(dt.date(2021, 4, 1)),
    }
    with pytest.raises(PermissionDenied):
        history_services.project_historical_record_enter(by=street_officer, **arguments)
    with pytest.raises(ConflictError):
        history_services.project_historical_record_enter(
            by=district_official, version=surveyed.version + 1, **arguments
        )


def test_a_start_outside_the_programme_years_is_a_warning(surveyed, district_official):
    arguments = {
        "project": surveyed,
        "by": district_official,
        "reason": "补录",
        "stage_dates": all_stages(dt.date(2015, 4, 1)),  # programme 2021-2030
    }

    with pytest.raises(ValidationError) as warned:
        history_services.project_historical_record_enter(**arguments)
    assert "outside the years of the programme" in warned.value.message_dict["confirm_warnings"][0]

    project = history_services.project_historical_record_enter(**arguments, confirm_warnings=True)
    assert project.started_on == dt.date(2015, 4, 1)

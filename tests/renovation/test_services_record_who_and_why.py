"""Every service's write names who made it, and why where the service is told or knows why, in
the history row django-simple-history writes (renovation.audit.stamp). The services are called
directly, outside any request, so a row without a stamp would have no user at all.

Each step collects the history rows written while one service runs and checks all of them: a
service that saved a second record without stamping it is caught too."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext
from simple_history.signals import post_create_historical_record

from funding import rule_services
from funding import services as funding_services
from funding.models import SubType
from governance import services as governance_services
from governance.models import Matter
from programmes import (
    dates,
    geography_services,
    history_services,
    project_setup_services,
    setup_services,
    work_setup_services,
)
from programmes import services as programme_services
from programmes.models import Stage, WorkType
from renovation import people_services
from renovation.models import User
from tests import factories
from tests.conftest import GIF_BYTES

pytestmark = pytest.mark.django_db


@contextmanager
def written() -> Iterator[list]:
    """The history rows written inside the block."""
    rows: list = []

    def collect(sender, history_instance, **kwargs) -> None:
        rows.append(history_instance)

    post_create_historical_record.connect(collect, weak=False, dispatch_uid="who-and-why")
    try:
        yield rows
    finally:
        post_create_historical_record.disconnect(dispatch_uid="who-and-why")


def assert_stamped(rows: list, *, by: User | None, reason: str | None = None) -> None:
    assert rows, "the service wrote no history"
    who = {(type(row).__name__, row.history_type, row.history_user_id) for row in rows}
    assert who == {(type(row).__name__, row.history_type, by and by.pk) for row in rows}
    if reason is not None:
        # The record the service is about carries the reason (the first row written).
        assert rows[0].history_change_reason == reason[:100], type(rows[0]).__name__


def gif(name: str = "site.gif") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, GIF_BYTES, content_type="image/gif")


def test_geography_services(district, street_a, district_official):
    by = district_official
    with written() as rows:
        street = geography_services.street_create(by=by, district=district, name="新华街道")
    assert_stamped(rows, by=by, reason=gettext("Street office set up"))
    with written() as rows:
        geography_services.street_update(by=by, street=street, name="新华路街道")
    assert_stamped(rows, by=by, reason=gettext("Street office renamed"))
    with written() as rows:
        community = geography_services.community_create(by=by, street=street_a, name="浣花社区")
    assert_stamped(rows, by=by, reason=gettext("Community set up"))
    with written() as rows:
        geography_services.community_update(
            by=by, community=community, name="浣花溪社区", street=street_a
        )
    assert_stamped(rows, by=by, reason=gettext("Community changed"))
    with written() as rows:
        kept = geography_services.compound_create(by=by, street=street_a, name="浣花小区")
    assert_stamped(rows, by=by, reason=gettext("Compound registered"))
    assert (kept.created_by, kept.updated_by) == (by, by)
    duplicate = geography_services.compound_create(by=by, street=street_a, name="浣花小区二")
    with written() as rows:  # the area and both compounds put in it
        area = geography_services.area_create(
            by=by, district=district, name="浣花片区", compounds=[kept, duplicate]
        )
    assert_stamped(rows, by=by, reason=gettext("Area set up"))
    assert len(rows) == 3
    with written() as rows:
        geography_services.area_update(by=by, area=area, name="浣花溪片区", compounds=[kept])
    assert_stamped(rows, by=by, reason=gettext("Area changed"))
    with written() as rows:
        kept = geography_services.compound_update(by=by, compound=kept, address="浣花北路1号")
    assert_stamped(rows, by=by, reason=gettext("Compound changed"))
    with written() as rows:
        building = geography_services.building_create(
            by=by, compound=kept, name="1栋", floors=6, households=0
        )
    assert_stamped(rows, by=by, reason=gettext("Building added"))
    with written() as rows:
        geography_services.building_update(
            by=by, building=building, version=building.version, floors=7
        )
    assert_stamped(rows, by=by, reason=gettext("Building changed"))
    factories.BuildingFactory(compound=duplicate, name="1栋")  # joins the kept one
    factories.BuildingFactory(compound=duplicate, name="2栋")  # moves to the kept compound
    with written() as rows:
        geography_services.compound_merge(
            by=by, kept=kept, duplicate=duplicate, reason="同一小区重复登记"
        )
    assert_stamped(rows, by=by)
    kinds = sorted((type(row).__name__, row.history_type) for row in rows)
    assert kinds == [
        ("HistoricalBuilding", "-"),
        ("HistoricalBuilding", "~"),
        ("HistoricalCompound", "-"),
        ("HistoricalCompound", "~"),
    ]
    assert {row.history_change_reason for row in rows} == {
        (
            gettext("Merged duplicate %(name)s (#%(id)s): %(reason)s")
            % {"name": "浣花小区二", "id": duplicate.pk, "reason": "同一小区重复登记"}
        )[:100]
    }


def test_programme_set_up_services(district, street_a, district_official):
    by = district_official
    with written() as rows:
        programme = setup_services.programme_create(
            district=district, by=by, name="2025年老旧小区改造计划", start_year=2025, end_year=2027
        )
    assert_stamped(rows, by=by, reason=gettext("Programme created"))
    with written() as rows:
        programme = setup_services.programme_update(
            programme=programme, by=by, version=programme.version, reason="延长一年", end_year=2028
        )
    assert_stamped(rows, by=by, reason="延长一年")
    with written() as rows:
        year_target = setup_services.year_target_set(
            programme=programme, by=by, year=2025, compounds=10, households=800
        )
    assert_stamped(rows, by=by, reason=gettext("Yearly target set"))
    with written() as rows:
        setup_services.year_target_remove(target=year_target, by=by)
    assert_stamped(rows, by=by, reason=gettext("Yearly target removed"))
    with written() as rows:
        local = setup_services.local_target_set(
            programme=programme, by=by, year=2025, compounds=2, households=100, street=street_a
        )
    assert_stamped(rows, by=by, reason=gettext("Street or area target set"))
    with written() as rows:
        setup_services.local_target_remove(target=local, by=by)
    assert_stamped(rows, by=by, reason=gettext("Street or area target removed"))
    with written() as rows:
        batch = setup_services.batch_set(programme=programme, by=by, name="第一批", year=2025)
    assert_stamped(rows, by=by, reason=gettext("Batch set"))
    compound = factories.CompoundFactory(street=street_a)
    with written() as rows:
        project = project_setup_services.project_create(
            by=by,
            programme=programme,
            compound=compound,
            year=2025,
            categories=["basic"],
            batch=batch,
        )
    assert_stamped(rows, by=by, reason=gettext("Project created"))
    assert (project.created_by, project.updated_by) == (by, by)
    with written() as rows:
        project = project_setup_services.project_update(
            project=project, by=by, version=project.version, reason="调整预算", budget=Decimal("5")
        )
    assert_stamped(rows, by=by, reason="调整预算")
    with written() as rows:
        work_type = work_setup_services.work_type_create(
            district=district, by=by, name_zh="楼道照明", unit=WorkType.Unit.METRE, category="basic"
        )
    assert_stamped(rows, by=by, reason=gettext("District work type added"))
    with written() as rows:
        work_setup_services.work_type_update(work_type=work_type, by=by, name_zh="楼道灯")
    assert_stamped(rows, by=by, reason=gettext("District work type changed"))
    with written() as rows:
        item = work_setup_services.work_item_add(
            project=project, by=by, work_type=work_type, planned_quantity=Decimal("10")
        )
    assert_stamped(rows, by=by, reason=gettext("Work item added"))
    with written() as rows:
        item = work_setup_services.work_item_change(
            item=item, by=by, version=item.version, reason="复核", planned_quantity=Decimal("12")
        )
    assert_stamped(rows, by=by, reason="复核")
    with written() as rows:
        work_setup_services.work_item_remove(item=item, by=by, version=item.version)
    assert_stamped(rows, by=by, reason=gettext("Work item removed"))


def test_progress_and_stage_services(project, item_small, district_official, street_officer, today):
    with written() as rows:
        report = programme_services.progress_report_file(
            project=project,
            by=street_officer,
            report_date=today,
            quantities={item_small.pk: "10"},
            photos=[gif()],
        )
    assert_stamped(rows, by=street_officer)
    assert (report.created_by, report.updated_by) == (street_officer, street_officer)
    assert report.photos.get().created_by == street_officer
    with written() as rows:
        photos = programme_services.progress_photos_add(
            report=report, by=street_officer, photos=[gif("more.gif")], version=report.version
        )
    assert_stamped(rows, by=street_officer, reason=gettext("Photos added: %(n)s") % {"n": 1})
    assert photos[0].updated_by == street_officer
    report.refresh_from_db()
    with written() as rows:
        programme_services.progress_report_return(
            report=report, by=district_official, comment="数量有误", version=report.version
        )
    assert_stamped(rows, by=district_official)
    with written() as rows:
        problem = programme_services.site_problem_raise(
            project=project, by=street_officer, title="管线冲突", severity="medium"
        )
    assert_stamped(rows, by=street_officer)
    with written() as rows:
        programme_services.site_problem_close(
            problem=problem, by=district_official, resolution="已协调", version=problem.version
        )
    assert_stamped(rows, by=district_official)
    factories.AcceptanceRecordFactory(project=project, accepted_on=today, residents_present=5)
    with written() as rows:
        programme_services.project_stage_transition(
            project=project, to_stage=Stage.ACCEPTED, by=district_official, reason="竣工验收合格"
        )
    assert_stamped(rows, by=district_official, reason="竣工验收合格")


def test_acceptance_and_past_records_services(programme, street_a, district_official, today):
    by = district_official
    accepted = factories.ProjectFactory(
        programme=programme,
        compound__street=street_a,
        stage=Stage.ACCEPTED,
        started_on=today - dt.timedelta(days=100),
        completed_on=today - dt.timedelta(days=10),
    )
    factories.AcceptanceRecordFactory(
        project=accepted, accepted_on=today - dt.timedelta(days=10), residents_present=5
    )
    with written() as rows:  # the record, then the project's completion date follows it
        work_setup_services.acceptance_record_save(
            project=accepted, by=by, accepted_on=today - dt.timedelta(days=5), residents_present=6
        )
    assert_stamped(rows, by=by)
    assert [type(row).__name__ for row in rows] == [
        "HistoricalAcceptanceRecord",
        "HistoricalProject",
    ]
    assert rows[1].history_change_reason == gettext("Acceptance date corrected")
    with written() as rows:
        assert not dates.project_completion_follow_acceptance(project=accepted, by=by)
    assert rows == []

    surveyed = factories.ProjectFactory(programme=programme, compound__street=street_a)
    item = factories.WorkItemFactory(project=surveyed, planned_quantity=Decimal("100"))
    started, finished = dt.date(2021, 4, 1), dt.date(2021, 9, 1)
    stage_dates = {
        Stage.CONSULTATION: dt.date(2021, 1, 10),
        Stage.DESIGN: dt.date(2021, 2, 1),
        Stage.APPROVED: dt.date(2021, 3, 1),
        Stage.TENDERING: dt.date(2021, 3, 15),
        Stage.CONSTRUCTION: started,
        Stage.ACCEPTED: finished,
    }
    with written() as rows:
        history_services.project_historical_record_enter(
            project=surveyed,
            by=by,
            reason="2021年度竣工项目补录",
            stage_dates=stage_dates,
            residents_present=5,
            quantities={item.pk: "100"},
        )
    assert_stamped(rows, by=by)
    assert "2021年度竣工项目补录" in {row.history_change_reason for row in rows}


def test_funding_services(project, programme, district_official, today):
    by = district_official
    yesterday = today - dt.timedelta(days=1)
    with written() as rows:  # the district's source (first use), then the commitment
        commitment = funding_services.commitment_create(
            by=by, project=project, sub_type=SubType.DISTRICT_BUDGET, funder="区财政", amount="600"
        )
    assert_stamped(rows, by=by)
    assert [type(row).__name__ for row in rows] == [
        "HistoricalFundingSource",
        "HistoricalCommitment",
    ]
    with written() as rows:
        commitment = funding_services.commitment_approve(commitment=commitment, by=by)
    assert_stamped(rows, by=by)
    with written() as rows:
        funding_services.receipt_record(
            commitment=commitment, by=by, amount="500", received_on=yesterday
        )
    assert_stamped(rows, by=by)
    assert rows[1].history_change_reason == "receipt"  # the commitment's version goes up
    with written() as rows:
        funding_services.expenditure_record(
            commitment=commitment, by=by, amount="200", spent_on=yesterday
        )
    assert_stamped(rows, by=by)
    bond = funding_services.commitment_create(
        by=by,
        programme=programme,
        year=programme.start_year,
        sub_type=SubType.SPECIAL_BOND,
        funder="专项债券",
        kind="government",
        amount="1000",
    )
    bond = funding_services.commitment_approve(commitment=bond, by=by)
    with written() as rows:
        funding_services.allocation_set(commitment=bond, project=project, amount="300", by=by)
    assert_stamped(rows, by=by)
    with written() as rows:
        rule_services.contribution_rule_set(
            programme=programme,
            by=by,
            name="居民出资",
            sub_type=SubType.MAINTENANCE_FUND,
            basis="per_m2",
            rate=Decimal("5.00"),
        )
    assert_stamped(rows, by=by, reason=gettext("Contribution rule set"))


def test_governance_services(project, street_officer, district_official, today):
    by = street_officer
    compound = project.compound
    with written() as rows:
        committee = governance_services.committee_create(
            compound=compound, by=by, kind="owners", name="业委会", formed_on=today
        )
    assert_stamped(rows, by=by)
    with written() as rows:
        committee = governance_services.committee_update(
            committee=committee,
            by=by,
            version=committee.version,
            kind="owners",
            name="第二届业委会",
            formed_on=today,
        )
    assert_stamped(rows, by=by)
    with written() as rows:
        member = governance_services.committee_member_add(
            committee=committee, by=by, name="张三", role="chair"
        )
    assert_stamped(rows, by=by)
    with written() as rows:
        governance_services.committee_member_remove(member=member, by=by)
    assert_stamped(rows, by=by)
    with written() as rows:
        meeting = governance_services.meeting_record(
            compound=compound, by=by, kind="bench", held_on=today, attendance=30, topics="加装电梯"
        )
    assert_stamped(rows, by=by)
    with written() as rows:
        governance_services.meeting_minutes_attach(
            meeting=meeting,
            by=by,
            minutes=SimpleUploadedFile("minutes.pdf", b"%PDF-1.4\n%%EOF\n"),
        )
    assert_stamped(rows, by=by, reason=gettext("Minutes uploaded"))
    with written() as rows:
        governance_services.opinion_survey_record(
            project=project,
            by=by,
            held_on=today,
            forms_issued=100,
            forms_returned=90,
            support=85,
            oppose=5,
        )
    assert_stamped(rows, by=by)
    with written() as rows:
        vote = governance_services.owner_vote_create(
            compound=compound,
            by=by,
            matter=Matter.RENOVATE,
            title="改造方案表决",
            held_on=today,
            eligible_owners=100,
            eligible_area=Decimal("10000"),
        )
    assert_stamped(rows, by=by)
    with written() as rows:
        governance_services.owner_vote_tally(
            vote=vote,
            by=by,
            version=vote.version,
            participating_owners=90,
            participating_area=Decimal("9000"),
            agree_owners=80,
            agree_area=Decimal("8000"),
        )
    assert_stamped(rows, by=by, reason=gettext("Tally entered as totals"))
    with written() as rows:
        suggestion = governance_services.suggestion_record(
            compound=compound, by=by, kind="suggestion", channel="meeting", text="增加停车位"
        )
    assert_stamped(rows, by=by)
    for step, arguments in (
        (governance_services.suggestion_assign, {"assigned_to": "物业"}),
        (governance_services.suggestion_answer, {"answer": "已纳入方案"}),
        (governance_services.suggestion_close, {}),
    ):
        suggestion.refresh_from_db()
        with written() as rows:
            step(suggestion=suggestion, by=by, version=suggestion.version, **arguments)
        assert_stamped(rows, by=by)
    with written() as rows:
        disclosure = governance_services.disclosure_create(
            project=project,
            by=by,
            title="改造方案公示",
            summary="公示内容",
            window_starts_on=today,
            window_ends_on=today + dt.timedelta(days=7),
            objection_deadline=today + dt.timedelta(days=7),
            published=True,
        )
    assert_stamped(rows, by=by)
    with written() as rows:
        disclosure = governance_services.disclosure_update(
            disclosure=disclosure,
            by=district_official,
            version=disclosure.version,
            title="改造方案公示（修订）",
            summary="公示内容",
            window_starts_on=today,
            window_ends_on=today + dt.timedelta(days=7),
            objection_deadline=today + dt.timedelta(days=7),
            published=True,
        )
    assert_stamped(rows, by=district_official)
    with written() as rows:  # a resident on the public page: nobody signed in
        governance_services.suggestion_submit_public(
            disclosure=disclosure, kind="suggestion", text="希望保留绿化", client="203.0.113.9"
        )
    assert_stamped(rows, by=None)
    accepted = factories.ProjectFactory(
        programme=project.programme,
        compound__street=compound.street,
        stage=Stage.ACCEPTED,
        started_on=today - dt.timedelta(days=200),
        completed_on=today - dt.timedelta(days=20),
    )
    factories.AcceptanceRecordFactory(
        project=accepted, accepted_on=today - dt.timedelta(days=20), residents_present=6
    )
    with written() as rows:
        governance_services.satisfaction_record(
            project=accepted, by=by, held_on=today, respondents=100, satisfied=95
        )
    assert_stamped(rows, by=by)
    with written() as rows:
        governance_services.long_term_management_record(
            compound=accepted.compound,
            by=by,
            mode="public_benefit",
            fee_per_m2=Decimal("0.40"),
            starts_on=today,
        )
    assert_stamped(rows, by=by)
    with written() as rows:
        governance_services.fund_collection_record(
            project=accepted,
            by=by,
            as_of=today,
            households_expected=100,
            households_paid=60,
            amount_expected=Decimal("50000"),
            amount_collected=Decimal("30000"),
        )
    assert_stamped(rows, by=by)


def test_people_services(district, street_a, district_official):
    by = district_official
    with written() as rows:
        person = people_services.user_create(
            by=by,
            username="new_officer",
            role=User.Role.STREET_OFFICER,
            password="Renovation-2025!",
            street=street_a,
        )
    assert_stamped(rows, by=by, reason=gettext("Account created"))
    with written() as rows:
        key, _secret = people_services.api_key_issue(by=by, name="进度上报", owner=person)
    assert_stamped(rows, by=by, reason=gettext("Key issued"))
    assert key.created_by == by
    with written() as rows:  # re-scoping revokes the person's keys
        person = people_services.user_update(
            by=by,
            user=person,
            version=person.version,
            role=User.Role.DISTRICT_OFFICIAL,
            district=district,
            reason="调任区住建局",
        )
    assert_stamped(rows, by=by)
    assert [(type(r).__name__, r.history_change_reason) for r in rows] == [
        ("HistoricalUser", "调任区住建局"),
        ("HistoricalApiKey", gettext("Holder's role or scope changed")),
    ]
    with written() as rows:
        person = people_services.user_password_reset(
            by=by, user=person, password="Another-Pass-2025!"
        )
    assert_stamped(rows, by=by, reason=gettext("Password reset"))
    with written() as rows:
        people_services.user_set_active(
            by=by, user=person, active=False, reason="离职", version=person.version
        )
    assert_stamped(rows, by=by, reason="离职")
    own_key, _secret = people_services.api_key_issue(by=by, name="统计")
    with written() as rows:
        people_services.api_key_revoke(by=by, key=own_key, reason="不再使用")
    assert_stamped(rows, by=by, reason="不再使用")

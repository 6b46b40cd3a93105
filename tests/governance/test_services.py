"""Governance services: the stage gates, votes and ballots, suggestions, history and conflicts."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation
from openpyxl import Workbook

from governance import selectors, services
from governance.masking import mask_name, mask_phone
from governance.models import (
    Ballot,
    Matter,
    OwnerVote,
    ResidentCommittee,
    ScopeKind,
    Suggestion,
    VoteRule,
    VoteRuleSet,
)
from programmes.models import Project, Stage, StageTransition
from programmes.services import project_stage_transition
from renovation.errors import ConflictError
from tests import factories
from tests.governance.conftest import csv_upload


def transition(project, by, to_stage):
    # Messages are checked in the source language, whatever translations are compiled.
    with translation.override("en"):
        return project_stage_transition(
            project=project, to_stage=to_stage, by=by, reason="按程序推进"
        )


def messages_of(error: ValidationError) -> str:
    return " ".join(m for ms in error.message_dict.values() for m in ms)


# --- Masking -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "masked"),
    [("张三丰", "张**"), ("李四", "李*"), ("欧阳", "欧*"), ("王", "*"), ("", "")],
)
def test_mask_name_keeps_only_the_surname(name, masked):
    assert mask_name(name) == masked


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("13812345678", "138****5678"),
        ("138 1234 5678", "138****5678"),
        ("028-8765432", "********32"),
        ("", ""),
    ],
)
def test_mask_phone_keeps_prefix_and_last_four(phone, masked):
    assert mask_phone(phone) == masked


# --- Consultation gate ---------------------------------------------------------------------


def test_design_refused_below_threshold_and_without_a_vote_names_both(
    consultation_project, district_official
):
    factories.OpinionSurveyFactory(project=consultation_project, support=80, oppose=20)

    with pytest.raises(ValidationError) as refused:
        transition(consultation_project, district_official, Stage.DESIGN)

    text = messages_of(refused.value)
    assert "80.0" in text
    assert "278" in text
    assert Project.objects.get(pk=consultation_project.pk).stage == Stage.CONSULTATION
    assert not StageTransition.objects.exists()


def test_passed_renovation_vote_opens_design_without_a_survey(
    consultation_project, district_official, make_vote
):
    make_vote(consultation_project.compound, tally=(80, "8000.00", 70, "7000.00"))

    record = transition(consultation_project, district_official, Stage.DESIGN)

    assert Project.objects.get(pk=consultation_project.pk).stage == Stage.DESIGN
    assert "278" in record.gate_evidence
    assert "80.00%" in record.gate_evidence  # the participation figures are the evidence


def test_vote_without_quorum_does_not_open_design_and_says_so(
    consultation_project, district_official, make_vote
):
    # 60 of 100 owners: below two thirds, though all of them agree
    make_vote(consultation_project.compound, tally=(60, "6000.00", 60, "6000.00"))

    with pytest.raises(ValidationError) as refused:
        transition(consultation_project, district_official, Stage.DESIGN)

    assert "did not reach the quorum" in messages_of(refused.value)
    assert Project.objects.get(pk=consultation_project.pk).stage == Stage.CONSULTATION


def test_passed_vote_on_another_matter_or_one_unit_does_not_open_design(
    consultation_project, district_official, make_vote
):
    compound = consultation_project.compound
    building = factories.BuildingFactory(compound=compound, name="1栋")
    make_vote(compound, matter=Matter.USE_FUND, tally=(80, "8000.00", 70, "7000.00"))
    make_vote(
        compound,
        scope_kind=ScopeKind.UNIT,
        building=building,
        unit="1单元",
        eligible_owners=12,
        eligible_area="900.00",
        tally=(12, "900.00", 12, "900.00"),
    )

    with pytest.raises(ValidationError):
        transition(consultation_project, district_official, Stage.DESIGN)
    assert Project.objects.get(pk=consultation_project.pk).stage == Stage.CONSULTATION


# --- Handover gate -------------------------------------------------------------------------


def test_handover_refused_without_satisfaction_and_management(accepted_project, district_official):
    with pytest.raises(ValidationError) as refused:
        transition(accepted_project, district_official, Stage.HANDED_OVER)

    problems = refused.value.message_dict["to_stage"]
    assert len(problems) == 2
    assert Project.objects.get(pk=accepted_project.pk).stage == Stage.ACCEPTED


def test_handover_refused_with_satisfaction_but_no_management(
    accepted_project, district_official, street_officer, today
):
    services.satisfaction_record(
        project=accepted_project, by=street_officer, held_on=today, respondents=100, satisfied=97
    )

    with pytest.raises(ValidationError) as refused:
        transition(accepted_project, district_official, Stage.HANDED_OVER)

    assert len(refused.value.message_dict["to_stage"]) == 1
    assert Project.objects.get(pk=accepted_project.pk).stage == Stage.ACCEPTED


def test_handover_allowed_with_satisfaction_and_management_records_evidence(
    accepted_project, district_official, street_officer, today
):
    services.satisfaction_record(
        project=accepted_project, by=street_officer, held_on=today, respondents=100, satisfied=97
    )
    services.long_term_management_record(
        compound=accepted_project.compound,
        by=street_officer,
        mode="public_benefit",
        fee_per_m2=Decimal("0.40"),
        starts_on=today,
    )

    record = transition(accepted_project, district_official, Stage.HANDED_OVER)

    assert Project.objects.get(pk=accepted_project.pk).stage == Stage.HANDED_OVER
    assert "97.0%" in record.gate_evidence
    assert "0.40" in record.gate_evidence


def test_satisfaction_refused_before_acceptance(consultation_project, street_officer, today):
    with pytest.raises(ValidationError):
        services.satisfaction_record(
            project=consultation_project,
            by=street_officer,
            held_on=today,
            respondents=10,
            satisfied=10,
        )


# --- Votes ---------------------------------------------------------------------------------


def test_tally_stores_the_outcome_and_the_rule_set_applied(consultation_project, make_vote):
    vote = make_vote(consultation_project.compound, tally=(67, "6700.00", 51, "5100.00"))

    assert vote.quorum_reached
    assert vote.passed  # 51/67 = 76.1% ≥ 3/4
    assert vote.rule_set.city is None  # the Civil Code default from the data migration


def test_city_rule_set_applies_from_its_date_only(consultation_project, make_vote, city, today):
    # a stricter city rule (4/5 for renovation) effective yesterday
    stricter = VoteRuleSet.objects.create(
        city=city, name="成都市细则", effective_from=today - dt.timedelta(days=1)
    )
    VoteRule.objects.create(
        rule_set=stricter, matter=Matter.RENOVATE, approval_numerator=4, approval_denominator=5
    )
    compound = consultation_project.compound
    before = make_vote(
        compound, held_on=today - dt.timedelta(days=5), tally=(100, "10000.00", 78, "7800.00")
    )
    after = make_vote(compound, held_on=today, tally=(100, "10000.00", 78, "7800.00"))

    assert before.passed
    assert before.rule_set.city is None
    assert not after.passed
    assert after.rule_set == stricter


def test_tally_above_eligible_is_refused_and_changes_nothing(
    consultation_project, make_vote, street_officer
):
    vote = make_vote(consultation_project.compound)

    with pytest.raises(ValidationError) as refused:
        services.owner_vote_tally(
            vote=vote,
            by=street_officer,
            version=vote.version,
            participating_owners=101,
            participating_area=Decimal("10000.00"),
            agree_owners=90,
            agree_area=Decimal("9000"),
        )

    assert "participating_owners" in refused.value.message_dict
    vote.refresh_from_db()
    assert vote.tally_method == OwnerVote.TallyMethod.NONE


def test_stale_tally_form_is_a_conflict(consultation_project, make_vote, street_officer):
    vote = make_vote(consultation_project.compound, tally=(80, "8000.00", 70, "7000.00"))

    with pytest.raises(ConflictError):
        services.owner_vote_tally(
            vote=vote,
            by=street_officer,
            version=1,
            participating_owners=90,
            participating_area=Decimal("9000.00"),
            agree_owners=90,
            agree_area=Decimal("9000"),
        )
    vote.refresh_from_db()
    assert vote.participating_owners == 80


def test_unit_vote_needs_a_building_of_the_compound_and_a_unit(
    consultation_project, street_officer, today
):
    other_building = factories.BuildingFactory()

    with pytest.raises(ValidationError) as refused:
        services.owner_vote_create(
            compound=consultation_project.compound,
            by=street_officer,
            matter=Matter.RENOVATE,
            title="加装电梯",
            held_on=today,
            eligible_owners=12,
            eligible_area=Decimal("900"),
            scope_kind=ScopeKind.UNIT,
            building=other_building,
            unit="",
        )

    assert set(refused.value.message_dict) == {"building", "unit"}
    assert not OwnerVote.objects.exists()


def test_street_officer_of_another_street_cannot_record_a_vote(
    consultation_project, street_officer_b, today
):
    with pytest.raises(PermissionDenied):
        services.owner_vote_create(
            compound=consultation_project.compound,
            by=street_officer_b,
            matter=Matter.RENOVATE,
            title="改造",
            held_on=today,
            eligible_owners=10,
            eligible_area=Decimal("700"),
        )
    assert not OwnerVote.objects.exists()


# --- Ballot import -------------------------------------------------------------------------

GOOD_SHEET = """房号,业主,专有面积,表决意见
1-2-101,,73.00,反对
1-2-201,,73.00,同意
1-2-202,,73.00,agree
1-2-301,,73.00,同意
1-2-302,,73.00,同意
1-2-401,,73.00,同意
1-2-402,,73.00,同意
1-2-501,,73.00,弃权
1-2-502,,73.00,同意
"""


@pytest.fixture
def unit_vote(consultation_project, make_vote):
    building = factories.BuildingFactory(compound=consultation_project.compound, name="1栋")
    return make_vote(
        consultation_project.compound,
        scope_kind=ScopeKind.UNIT,
        building=building,
        unit="2单元",
        eligible_owners=12,
        eligible_area="876.00",
    )


def test_ballot_dry_run_previews_the_result_and_writes_nothing(unit_vote, street_officer):
    sheet = services.owner_vote_import_ballots(
        vote=unit_vote, by=street_officer, upload=csv_upload(GOOD_SHEET), dry_run=True
    )

    assert not sheet.errors
    assert len(sheet.rows) == 9
    # 9 of 12 owners (exactly 3/4 ≥ 2/3) took part; 7 of 9 agree = 77.8% ≥ 3/4
    assert sheet.outcome.passed
    assert not Ballot.objects.exists()
    unit_vote.refresh_from_db()
    assert unit_vote.tally_method == OwnerVote.TallyMethod.NONE


def test_ballot_import_saves_ballots_and_recomputes_the_tally(unit_vote, street_officer):
    services.owner_vote_import_ballots(
        vote=unit_vote,
        by=street_officer,
        upload=csv_upload(GOOD_SHEET),
        dry_run=False,
        version=unit_vote.version,
    )

    unit_vote.refresh_from_db()
    assert Ballot.objects.filter(vote=unit_vote).count() == 9
    assert unit_vote.tally_method == OwnerVote.TallyMethod.BALLOTS
    assert (unit_vote.participating_owners, unit_vote.agree_owners, unit_vote.oppose_owners) == (
        9,
        7,
        1,
    )
    assert unit_vote.participating_area == Decimal("657.00")
    assert unit_vote.passed


def test_ballot_import_reports_every_bad_row_by_number_and_saves_nothing(unit_vote, street_officer):
    sheet_text = """房号,专有面积,表决意见
1-2-101,73.00,同意
1-2-201,abc,同意
1-2-202,73.00,也许
1-2-101,73.00,同意
,73.00,同意
"""
    sheet = services.owner_vote_import_ballots(
        vote=unit_vote, by=street_officer, upload=csv_upload(sheet_text), dry_run=True
    )
    lines = sorted({line for line, _ in sheet.errors})
    assert lines == [3, 4, 5, 6]
    assert any("1-2-101" in m and "2" in m for m in sheet.error_messages())

    with pytest.raises(ValidationError):
        services.owner_vote_import_ballots(
            vote=unit_vote, by=street_officer, upload=csv_upload(sheet_text), dry_run=False
        )
    assert not Ballot.objects.exists()
    unit_vote.refresh_from_db()
    assert unit_vote.tally_method == OwnerVote.TallyMethod.NONE


def test_ballot_import_replaces_earlier_ballots_all_or_nothing(unit_vote, street_officer):
    services.owner_vote_import_ballots(
        vote=unit_vote, by=street_officer, upload=csv_upload(GOOD_SHEET), dry_run=False
    )
    bad = GOOD_SHEET + "1-2-601,,-5,同意\n"

    with pytest.raises(ValidationError):
        services.owner_vote_import_ballots(
            vote=unit_vote, by=street_officer, upload=csv_upload(bad), dry_run=False
        )

    assert Ballot.objects.filter(vote=unit_vote).count() == 9


def test_owner_with_two_rooms_counts_once_by_heads(unit_vote, street_officer):
    sheet_text = "房号,业主,专有面积,表决意见\n1-2-101,甲,73.00,同意\n1-2-102,甲,73.00,同意\n"
    sheet = services.owner_vote_import_ballots(
        vote=unit_vote, by=street_officer, upload=csv_upload(sheet_text), dry_run=True
    )
    assert sheet.participating_owners == 1
    assert sheet.area_choosing(None) == Decimal("146.00")


def test_ballot_import_reads_xlsx(unit_vote, street_officer):
    book = Workbook()
    sheet = book.active
    sheet.append(["room", "exclusive area", "choice"])
    for i in range(9):
        sheet.append([f"1-2-{i}", 73, "agree"])
    buffer = io.BytesIO()
    book.save(buffer)
    upload = csv_upload("", name="ballots.xlsx")
    upload.file = io.BytesIO(buffer.getvalue())
    upload.size = len(buffer.getvalue())

    result = services.owner_vote_import_ballots(
        vote=unit_vote, by=street_officer, upload=upload, dry_run=True
    )

    assert not result.errors
    assert result.participating_owners == 9
    assert result.outcome.passed


def test_sheet_with_more_owners_than_eligible_is_refused(unit_vote, street_officer):
    rows = "\n".join(f"1-2-{i},70,同意" for i in range(13))
    sheet = services.owner_vote_import_ballots(
        vote=unit_vote,
        by=street_officer,
        upload=csv_upload("房号,面积,意见\n" + rows),
        dry_run=True,
    )
    assert sheet.errors
    assert sheet.errors[0][0] is None


# --- History and suggestions ---------------------------------------------------------------


def test_history_records_the_acting_user(consultation_project, street_officer, today):
    committee = services.committee_create(
        compound=consultation_project.compound,
        by=street_officer,
        kind="self_renovation",
        name="百花潭自改委",
        formed_on=today,
    )
    services.committee_update(
        committee=committee,
        by=street_officer,
        version=committee.version,
        kind="self_renovation",
        name="百花潭小区自改委",
        formed_on=today,
        headcount=9,
    )

    history = list(committee.history.order_by("history_id"))
    assert [h.history_type for h in history] == ["+", "~"]
    assert all(h.history_user == street_officer for h in history)
    assert history[-1].name == "百花潭小区自改委"


def test_member_added_raises_the_headcount_and_a_stale_edit_conflicts(
    consultation_project, street_officer, today
):
    committee = services.committee_create(
        compound=consultation_project.compound,
        by=street_officer,
        kind="owners",
        name="业委会",
        formed_on=today,
    )
    opened_version = committee.version
    services.committee_member_add(
        committee=committee, by=street_officer, name="张三丰", role="chair", phone="13812345678"
    )
    committee.refresh_from_db()
    assert committee.headcount == 1

    with pytest.raises(ConflictError):
        services.committee_update(
            committee=committee,
            by=street_officer,
            version=opened_version,
            kind="owners",
            name="业委会",
            formed_on=today,
        )


def test_invalid_phone_is_refused(consultation_project, street_officer, today):
    committee = services.committee_create(
        compound=consultation_project.compound,
        by=street_officer,
        kind="owners",
        name="业委会",
        formed_on=today,
    )
    with pytest.raises(ValidationError) as refused:
        services.committee_member_add(
            committee=committee, by=street_officer, name="李四", role="member", phone="call me"
        )
    assert "phone" in refused.value.message_dict
    assert not committee.members.exists()


def test_suggestion_lifecycle_and_time_to_answer(
    consultation_project, street_officer, district_official
):
    suggestion = services.suggestion_record(
        compound=consultation_project.compound,
        by=street_officer,
        kind="suggestion",
        channel="meeting",
        text="希望增加停车位。",
    )
    suggestion = services.suggestion_assign(
        suggestion=suggestion,
        by=street_officer,
        version=suggestion.version,
        assigned_to="社区居委会",
    )
    with pytest.raises(ValidationError):
        services.suggestion_close(
            suggestion=suggestion, by=street_officer, version=suggestion.version
        )
    suggestion = services.suggestion_answer(
        suggestion=suggestion,
        by=district_official,
        version=suggestion.version,
        answer="已纳入方案。",
    )
    suggestion = services.suggestion_close(
        suggestion=suggestion, by=street_officer, version=suggestion.version
    )

    assert suggestion.status == Suggestion.Status.CLOSED
    assert suggestion.answered_by == district_official
    figures = selectors.governance_indicators(user=district_official)
    assert (figures.suggestions, figures.suggestions_within_day) == (1, 1)


def test_suggestion_answered_after_a_day_is_not_within_a_day(
    consultation_project, street_officer, district_official
):
    from django.utils import timezone

    services.suggestion_record(
        compound=consultation_project.compound,
        by=street_officer,
        kind="complaint",
        channel="phone",
        text="施工噪音太大。",
        received_at=timezone.now() - dt.timedelta(hours=30),
    )
    late = Suggestion.objects.get()
    services.suggestion_answer(
        suggestion=late, by=street_officer, version=late.version, answer="已协调施工时间。"
    )

    figures = selectors.governance_indicators(user=district_official)
    assert (figures.suggestions, figures.suggestions_answered) == (1, 1)
    assert figures.suggestions_within_day == 0
    assert figures.within_day_rate == Decimal("0.0")


def test_indicators_use_the_latest_survey_per_project(
    consultation_project, district_official, today
):
    factories.OpinionSurveyFactory(
        project=consultation_project, held_on=today - dt.timedelta(days=30), support=50, oppose=50
    )
    factories.OpinionSurveyFactory(project=consultation_project, support=95, oppose=5)

    figures = selectors.governance_indicators(user=district_official)

    assert figures.support_rate == Decimal("95.0")
    assert figures.forms_issued == 100


def test_indicators_count_only_what_the_user_may_see(
    consultation_project, street_officer_b, street_officer, today
):
    services.committee_create(
        compound=consultation_project.compound,
        by=street_officer,
        kind="party_branch",
        name="院落党支部",
        formed_on=today,
        headcount=7,
    )
    assert selectors.governance_indicators(user=street_officer).committees == 1
    assert selectors.governance_indicators(user=street_officer_b).committees == 0
    assert ResidentCommittee.objects.count() == 1

"""Governance pages: scope, masking by role, the public disclosure, forms and query counts."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import reverse

from governance import selectors, services
from governance.models import (
    CommitteeMember,
    Disclosure,
    Meeting,
    OwnerVote,
    ResidentCommittee,
    Suggestion,
)
from programmes.models import Stage
from tests import factories
from tests.governance.conftest import csv_upload

MEMBER_NAME, MEMBER_PHONE = "张三丰", "13812345678"
CONTACT = "13987654321"


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def compound(project):
    return project.compound


@pytest.fixture
def committee(compound, street_officer, today):
    committee = services.committee_create(
        compound=compound,
        by=street_officer,
        kind="self_renovation",
        name="水井坊自改委",
        formed_on=today,
    )
    services.committee_member_add(
        committee=committee,
        by=street_officer,
        name=MEMBER_NAME,
        role="chair",
        building="3栋",
        unit="2单元",
        is_party_member=True,
        phone=MEMBER_PHONE,
    )
    return committee


@pytest.fixture
def disclosure(project, street_officer, today):
    return services.disclosure_update(
        disclosure=services.disclosure_create(
            project=project,
            by=street_officer,
            title="水井坊小区改造方案公示",
            summary="改造雨污管网和屋面。",
            window_starts_on=today - dt.timedelta(days=2),
            window_ends_on=today + dt.timedelta(days=5),
            objection_deadline=today + dt.timedelta(days=3),
        ),
        by=street_officer,
        version=1,
        title="水井坊小区改造方案公示",
        summary="改造雨污管网和屋面。",
        window_starts_on=today - dt.timedelta(days=2),
        window_ends_on=today + dt.timedelta(days=5),
        objection_deadline=today + dt.timedelta(days=3),
        published=True,
    )


# --- Masking by role -----------------------------------------------------------------------


@pytest.mark.parametrize("who", ["street_officer", "district_official"])
def test_street_and_district_see_member_names_and_phones(request, client, committee, compound, who):
    client.force_login(request.getfixturevalue(who))
    text = client.get(reverse("governance:compound", args=[compound.pk])).content.decode()
    assert MEMBER_NAME in text
    assert MEMBER_PHONE in text


@pytest.mark.parametrize("who", ["city_viewer", "api_client_user"])
def test_city_viewer_and_api_client_see_masked_members(request, client, committee, compound, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("governance:compound", args=[compound.pk]))
    text = response.content.decode()
    assert response.status_code == 200
    assert MEMBER_NAME not in text
    assert MEMBER_PHONE not in text
    assert "张**" in text
    assert "138****5678" in text


def test_contact_of_a_suggestion_is_masked_for_a_city_viewer(
    client, compound, street_officer, city_viewer
):
    suggestion = services.suggestion_record(
        compound=compound,
        by=street_officer,
        kind="suggestion",
        channel="phone",
        text="希望增加停车位。",
        contact=CONTACT,
    )
    client.force_login(city_viewer)
    detail = client.get(reverse("governance:suggestion-detail", args=[suggestion.pk]))
    listing = client.get(reverse("governance:suggestion-list"))
    for response in (detail, listing):
        assert CONTACT not in response.content.decode()
        assert "139****4321" in response.content.decode()


# --- Scope ---------------------------------------------------------------------------------


@pytest.fixture
def other_street_governance(other_street_records, street_officer_b, today):
    compound = other_street_records["compound"]
    project = other_street_records["project"]
    committee = services.committee_create(
        compound=compound, by=street_officer_b, kind="owners", name="宽窄业委会", formed_on=today
    )
    vote = services.owner_vote_create(
        compound=compound,
        by=street_officer_b,
        matter="renovate",
        title="宽窄改造表决",
        held_on=today,
        eligible_owners=50,
        eligible_area=Decimal("4000"),
    )
    suggestion = services.suggestion_record(
        compound=compound,
        by=street_officer_b,
        kind="suggestion",
        channel="visit",
        text="宽窄巷子的意见。",
    )
    return {
        "compound": compound,
        "project": project,
        "committee": committee,
        "vote": vote,
        "suggestion": suggestion,
    }


def test_another_streets_governance_is_404_on_get_and_post_and_nothing_is_written(
    client, street_officer, other_street_governance, today
):
    other = other_street_governance
    client.force_login(street_officer)
    pages = [
        reverse("governance:compound", args=[other["compound"].pk]),
        reverse("governance:committee-create", args=[other["compound"].pk]),
        reverse("governance:committee-edit", args=[other["committee"].pk]),
        reverse("governance:member-add", args=[other["committee"].pk]),
        reverse("governance:meeting-create", args=[other["compound"].pk]),
        reverse("governance:survey-create", args=[other["project"].pk]),
        reverse("governance:vote-create", args=[other["compound"].pk]),
        reverse("governance:vote-detail", args=[other["vote"].pk]),
        reverse("governance:vote-tally", args=[other["vote"].pk]),
        reverse("governance:vote-ballots", args=[other["vote"].pk]),
        reverse("governance:suggestion-create", args=[other["compound"].pk]),
        reverse("governance:suggestion-detail", args=[other["suggestion"].pk]),
        reverse("governance:satisfaction-create", args=[other["project"].pk]),
        reverse("governance:management-create", args=[other["compound"].pk]),
        reverse("governance:fund-edit", args=[other["project"].pk]),
        reverse("governance:disclosure-create", args=[other["project"].pk]),
    ]
    counts = (
        ResidentCommittee.objects.count(),
        Meeting.objects.count(),
        OwnerVote.objects.count(),
        Suggestion.objects.count(),
    )
    for url in pages:
        assert client.get(url).status_code == 404, url
        response = client.post(
            url,
            {
                "kind": "courtyard",
                "name": "x",
                "formed_on": today.isoformat(),
                "headcount": 1,
                "held_on": today.isoformat(),
                "attendance": 5,
                "topics": "x",
                "title": "x",
                "matter": "renovate",
                "eligible_owners": 5,
                "eligible_area": "100",
                "participating_owners": 5,
                "participating_area": "100",
                "agree_owners": 5,
                "agree_area": "100",
                "channel": "visit",
                "text": "一条意见一条意见",
                "action": "answer",
                "answer": "x",
                "version": 1,
            },
        )
        assert response.status_code == 404, url
    assert counts == (
        ResidentCommittee.objects.count(),
        Meeting.objects.count(),
        OwnerVote.objects.count(),
        Suggestion.objects.count(),
    )
    assert not Suggestion.objects.filter(answer="x").exists()
    assert "宽窄" not in client.get(reverse("governance:suggestion-list")).content.decode()


def test_district_official_reads_but_cannot_record(client, district_official, compound):
    client.force_login(district_official)
    assert client.get(reverse("governance:compound", args=[compound.pk])).status_code == 200
    response = client.post(
        reverse("governance:committee-create", args=[compound.pk]),
        {"kind": "owners", "name": "业委会", "formed_on": "2024-01-01", "headcount": 0},
    )
    assert response.status_code == 403
    assert not ResidentCommittee.objects.exists()


# --- Recording through pages ---------------------------------------------------------------


def test_meeting_form_records_with_the_user_in_history(client, street_officer, compound, today):
    client.force_login(street_officer)
    response = client.post(
        reverse("governance:meeting-create", args=[compound.pk]),
        {
            "kind": "courtyard",
            "held_on": today.isoformat(),
            "attendance": 86,
            "topics": "改不改、改什么",
            "resolutions": "同意改造",
        },
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert (meeting.attendance, meeting.created_by) == (86, street_officer)
    assert meeting.history.get().history_user == street_officer


def test_future_meeting_is_refused_with_a_message(client, street_officer, compound, today):
    client.force_login(street_officer)
    response = client.post(
        reverse("governance:meeting-create", args=[compound.pk]),
        {
            "kind": "courtyard",
            "held_on": (today + dt.timedelta(days=3)).isoformat(),
            "attendance": 5,
            "topics": "x",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["held_on"]
    assert not Meeting.objects.exists()


def test_vote_pages_show_the_four_figures_and_the_verdict(client, street_officer, compound):
    client.force_login(street_officer)
    created = client.post(
        reverse("governance:vote-create", args=[compound.pk]),
        {
            "title": "改造方案表决",
            "matter": "renovate",
            "held_on": "2024-05-01",
            "scope_kind": "compound",
            "eligible_owners": 90,
            "eligible_area": "9000.00",
        },
    )
    vote = OwnerVote.objects.get()
    assert created.status_code == 302
    tallied = client.post(
        reverse("governance:vote-tally", args=[vote.pk]),
        {
            "version": vote.version,
            "participating_owners": 60,
            "participating_area": "6000.00",
            "agree_owners": 45,
            "agree_area": "4500.00",
            "oppose_owners": 15,
            "oppose_area": "1500.00",
        },
    )
    assert tallied.status_code == 302
    text = client.get(reverse("governance:vote-detail", args=[vote.pk])).content.decode()
    # exactly 2/3 took part, exactly 3/4 of them agreed: passed
    assert "66.67%" in text
    assert "75.00%" in text
    assert "≥ 3/4" in text
    assert OwnerVote.objects.get().passed


def test_ballot_page_dry_run_shows_row_errors_and_saves_nothing(
    client, street_officer, compound, make_vote
):
    vote = make_vote(compound, eligible_owners=10, eligible_area="700.00")
    client.force_login(street_officer)
    response = client.post(
        reverse("governance:vote-ballots", args=[vote.pk]),
        {
            "version": vote.version,
            "sheet": csv_upload("房号,面积,意见\n1-1,70,同意\n1-2,七十,同意\n"),
        },
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert [line for line, _ in response.context["sheet"].errors] == [3]
    assert "七十" in text  # the bad value is quoted back
    assert not vote.ballots.exists()


def test_stale_tally_form_gets_a_conflict(client, street_officer, compound, make_vote):
    vote = make_vote(compound, tally=(80, "8000.00", 70, "7000.00"))
    client.force_login(street_officer)
    response = client.post(
        reverse("governance:vote-tally", args=[vote.pk]),
        {
            "version": 1,
            "participating_owners": 90,
            "participating_area": "9000.00",
            "agree_owners": 90,
            "agree_area": "9000.00",
            "oppose_owners": 0,
            "oppose_area": "0",
        },
    )
    assert response.status_code == 409
    assert OwnerVote.objects.get().participating_owners == 80


# --- Public disclosure ---------------------------------------------------------------------


def test_public_page_needs_no_login_and_shows_the_plan(client, disclosure, project, item_small):
    response = client.get(reverse("governance:public-disclosure", args=[disclosure.token]))
    text = response.content.decode()
    assert response.status_code == 200
    assert "水井坊小区改造方案公示" in text
    assert "改造雨污管网和屋面。" in text
    assert item_small.work_type.name_zh in text
    assert "1,000,000.00" in text  # the budget
    assert 'name="text"' in text


def test_public_page_leaks_nothing_personal(
    client, disclosure, committee, compound, street_officer
):
    services.suggestion_record(
        compound=compound,
        by=street_officer,
        kind="complaint",
        channel="phone",
        text="内部投诉内容不公开",
        contact=CONTACT,
    )
    for name in ("public-disclosure", "public-disclosure-print"):
        text = client.get(reverse(f"governance:{name}", args=[disclosure.token])).content.decode()
        for secret in (
            MEMBER_NAME,
            "张**",
            MEMBER_PHONE,
            "138****5678",
            CONTACT,
            "内部投诉内容不公开",
            street_officer.username,
        ):
            assert secret not in text, (name, secret)


def test_unpublished_or_unknown_disclosure_is_404(client, project, street_officer, today):
    draft = services.disclosure_create(
        project=project,
        by=street_officer,
        title="草稿",
        summary="草稿内容",
        window_starts_on=today,
        window_ends_on=today,
        objection_deadline=today,
    )
    assert (
        client.get(reverse("governance:public-disclosure", args=[draft.token])).status_code == 404
    )
    assert client.get(reverse("governance:public-disclosure", args=["nope"])).status_code == 404


def test_objection_is_stored_as_a_public_suggestion_without_showing_the_contact(client, disclosure):
    url = reverse("governance:public-disclosure", args=[disclosure.token])
    response = client.post(url, {"kind": "objection", "text": "反对拆除车棚。", "contact": CONTACT})

    assert response.status_code == 302
    stored = Suggestion.objects.get()
    assert (stored.channel, stored.kind, stored.disclosure, stored.contact) == (
        "public",
        "objection",
        disclosure,
        CONTACT,
    )
    assert stored.created_by is None
    assert CONTACT not in client.get(url).content.decode()
    # the contact is kept out of the history table too
    assert not hasattr(stored.history.get(), "contact")


@pytest.mark.parametrize(
    "data",
    [
        {"kind": "objection", "text": ""},
        {"kind": "objection", "text": "短"},
        {"kind": "complaint", "text": "不是允许的类型。"},
        {"kind": "objection", "text": "太长" * 1001},
        {"kind": "objection", "text": "联系方式太长。", "contact": "1" * 65},
    ],
)
def test_invalid_objection_is_refused_and_nothing_is_stored(client, disclosure, data):
    response = client.post(reverse("governance:public-disclosure", args=[disclosure.token]), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Suggestion.objects.exists()


def test_objections_are_rate_limited_per_address(client, disclosure, settings):
    settings.GOVERNANCE_PUBLIC_SUBMISSIONS_PER_HOUR = 3
    url = reverse("governance:public-disclosure", args=[disclosure.token])
    for i in range(3):
        assert (
            client.post(url, {"kind": "suggestion", "text": f"第{i}条建议内容"}).status_code == 302
        )

    refused = client.post(url, {"kind": "suggestion", "text": "第四条建议内容"})

    assert refused.status_code == 429
    assert refused.context["form"].non_field_errors()
    assert Suggestion.objects.count() == 3
    # another address is not affected
    other = client.post(
        url, {"kind": "suggestion", "text": "另一个地址的建议"}, REMOTE_ADDR="10.1.2.3"
    )
    assert other.status_code == 302
    assert Suggestion.objects.count() == 4


def test_objection_after_the_deadline_is_refused(client, disclosure, street_officer, today):
    services.disclosure_update(
        disclosure=disclosure,
        by=street_officer,
        version=disclosure.version,
        title=disclosure.title,
        summary=disclosure.summary,
        window_starts_on=today - dt.timedelta(days=10),
        window_ends_on=today - dt.timedelta(days=1),
        objection_deadline=today - dt.timedelta(days=2),
        published=True,
    )
    url = reverse("governance:public-disclosure", args=[disclosure.token])
    assert 'name="text"' not in client.get(url).content.decode()

    response = client.post(url, {"kind": "objection", "text": "迟到的反对意见。"})

    assert response.status_code == 200
    assert not Suggestion.objects.exists()


def test_honeypot_submission_is_acknowledged_but_not_stored(client, disclosure):
    url = reverse("governance:public-disclosure", args=[disclosure.token])
    response = client.post(url, {"kind": "objection", "text": "机器人发的内容", "website": "x"})
    assert response.status_code == 302
    assert not Suggestion.objects.exists()


def test_print_page_links_the_qr_code_and_qr_is_svg_of_the_public_url(client, disclosure):
    text = client.get(
        reverse("governance:public-disclosure-print", args=[disclosure.token])
    ).content.decode()
    qr_url = reverse("governance:public-disclosure-qr", args=[disclosure.token])
    assert qr_url in text
    assert "<script>" not in text  # no inline scripts

    qr = client.get(qr_url)
    assert qr.status_code == 200
    assert qr["Content-Type"] == "image/svg+xml"
    assert qr.content.lstrip().startswith(b"<svg")


def test_public_url_is_stable_across_edits(disclosure, street_officer):
    token = disclosure.token
    edited = services.disclosure_update(
        disclosure=disclosure,
        by=street_officer,
        version=disclosure.version,
        title="新标题",
        summary=disclosure.summary,
        window_starts_on=disclosure.window_starts_on,
        window_ends_on=disclosure.window_ends_on,
        objection_deadline=disclosure.objection_deadline,
        published=True,
    )
    assert edited.token == token
    assert Disclosure.objects.get().get_absolute_url() == f"/public/d/{token}/"


# --- Query counts --------------------------------------------------------------------------

_serial = itertools.count()


@pytest.fixture
def make_governance(compound, project, street_officer, today, make_vote):
    """n of each governance record on one compound (members, meetings, votes, suggestions...)."""

    def make(n: int) -> None:
        for _ in range(n):
            k = next(_serial)
            c = services.committee_create(
                compound=compound,
                by=street_officer,
                kind="volunteer_team",
                name=f"志愿队{k}",
                formed_on=today,
            )
            services.committee_member_add(
                committee=c,
                by=street_officer,
                name=f"成员{k}",
                role="volunteer",
                phone="13800000000",
            )
            services.meeting_record(
                compound=compound,
                by=street_officer,
                kind="bench",
                held_on=today,
                attendance=10,
                topics="议题",
            )
            factories.OpinionSurveyFactory(project=project)
            make_vote(compound, tally=(80, "8000.00", 70, "7000.00"))
            services.suggestion_record(
                compound=compound,
                by=street_officer,
                kind="suggestion",
                channel="visit",
                text="一条建议内容",
                contact="13800000001",
            )
            services.disclosure_create(
                project=project,
                by=street_officer,
                title=f"公示{k}",
                summary="内容",
                window_starts_on=today,
                window_ends_on=today,
                objection_deadline=today,
            )

    return make


@pytest.mark.parametrize("who", ["street_officer", "city_viewer"])
def test_compound_governance_page_query_count_is_constant(
    request, client, compound, make_governance, who, django_assert_max_num_queries
):
    client.force_login(request.getfixturevalue(who))
    url = reverse("governance:compound", args=[compound.pk])
    make_governance(1)
    with django_assert_max_num_queries(30) as small:
        assert client.get(url).status_code == 200
    make_governance(6)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


def test_suggestion_list_query_count_is_constant(
    client, district_official, make_governance, django_assert_max_num_queries
):
    client.force_login(district_official)
    make_governance(1)
    with django_assert_max_num_queries(25) as small:
        assert client.get(reverse("governance:suggestion-list")).status_code == 200
    make_governance(8)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(reverse("governance:suggestion-list")).status_code == 200


def test_public_page_query_count_is_constant(
    client, disclosure, project, django_assert_max_num_queries
):
    url = reverse("governance:public-disclosure", args=[disclosure.token])
    factories.WorkItemFactory(project=project)
    with django_assert_max_num_queries(20) as small:
        assert client.get(url).status_code == 200
    for _ in range(8):
        factories.WorkItemFactory(project=project)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


def test_panels_render_in_constant_queries(
    rf, district_official, compound, make_governance, street_b, django_assert_max_num_queries
):
    def render_panels():
        request = rf.get("/")
        request.user = district_official
        compound_panel = selectors.compound_governance_panel(
            user=district_official, compound=compound
        )
        dashboard_panel = selectors.dashboard_governance_panel(user=district_official)
        html = render_to_string(
            "governance/_compound_panel.html", {"governance_panel": compound_panel}, request=request
        )
        html += render_to_string(
            "governance/_dashboard_panel.html",
            {"governance_panel": dashboard_panel},
            request=request,
        )
        return html

    make_governance(1)
    with django_assert_max_num_queries(30) as small:
        html = render_panels()
    make_governance(5)
    other = factories.ProjectFactory(compound__street=street_b)
    services.suggestion_record(
        compound=other.compound,
        by=factories.UserFactory(role="street_officer", street=street_b),
        kind="suggestion",
        channel="visit",
        text="另一个街道的建议",
    )
    with django_assert_max_num_queries(len(small.captured_queries)):
        html = render_panels()
    assert street_b.name in html  # the per-street table
    assert CommitteeMember.objects.count() == 6


def test_stage_page_shows_the_vote_alternative(client, district_official, programme, street_a):
    project = factories.ProjectFactory(
        programme=programme, compound__street=street_a, stage=Stage.CONSULTATION
    )
    client.force_login(district_official)
    client.cookies["django_language"] = "en"
    text = client.get(reverse("programmes:stage-change", args=[project.pk])).content.decode()
    assert "No owners&#x27; vote to renovate the whole compound has passed" in text

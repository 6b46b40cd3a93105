"""Governance endpoints: committees (members masked by role as on the pages), consultation
meetings, opinion and satisfaction surveys, owners' votes (art. 278), suggestions (contacts
masked as on the pages) and the governance indicators; writes through the same services."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
from decimal import Decimal

import pytest
from django.urls import reverse

from governance import services
from governance.models import CommitteeMember, Meeting, OpinionSurvey, OwnerVote, Suggestion
from tests import factories

_sequence = itertools.count()


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


@pytest.fixture
def records(project, other_street_records, street_officer, street_officer_b, today):
    """A committee with two members, a meeting, a vote and a suggestion with a contact, for
    street A's compound and for street B's."""

    def make(compound, officer, tag):
        committee = services.committee_create(
            compound=compound,
            by=officer,
            kind="self_renovation",
            name=f"{tag}自治改造委员会",
            formed_on=today - dt.timedelta(days=90),
        )
        services.committee_member_add(
            committee=committee, by=officer, name="张三丰", role="chair", phone="13812345678"
        )
        services.committee_member_add(committee=committee, by=officer, name="李四", role="member")
        meeting = services.meeting_record(
            compound=compound,
            by=officer,
            kind="courtyard",
            held_on=today - dt.timedelta(days=30),
            attendance=60,
            topics=f"{tag}改造方案",
        )
        vote = services.owner_vote_create(
            compound=compound,
            by=officer,
            matter="renovate",
            title=f"{tag}改造表决",
            held_on=today - dt.timedelta(days=20),
            eligible_owners=100,
            eligible_area=Decimal("9000.00"),
        )
        suggestion = services.suggestion_record(
            compound=compound,
            by=officer,
            kind="complaint",
            channel="phone",
            text=f"{tag}施工噪音太大，影响休息",
            contact="13987654321",
        )
        return {"committee": committee, "meeting": meeting, "vote": vote, "suggestion": suggestion}

    return {
        "a": make(project.compound, street_officer, "水井坊"),
        "b": make(other_street_records["compound"], street_officer_b, "宽窄巷子"),
    }


# --- Personal data -------------------------------------------------------------------------


def _members(api, committee) -> list[dict]:
    response = api.get(reverse("api:committee-detail", args=[committee.pk]))
    assert response.status_code == 200, response.content
    return response.json()["members"]


def test_member_names_and_phones_are_shown_to_the_street_and_district(
    street_api, district_api, records
):
    committee = records["a"]["committee"]

    for api in (street_api, district_api):
        chair = _members(api, committee)[0]
        assert (chair["name"], chair["phone"], chair["masked"]) == ("张三丰", "13812345678", False)


def test_member_names_and_phones_are_masked_for_other_roles(
    client_for, city_viewer, reader_api, records
):
    committee = records["a"]["committee"]

    for api in (client_for(city_viewer), reader_api):
        chair, member = _members(api, committee)
        assert (chair["name"], chair["phone"], chair["masked"]) == ("张**", "138****5678", True)
        assert member["name"] == "李*"
    csv_text = reader_api.get(reverse("api:committee-list"), {"format": "csv"}).content.decode()
    assert "张三丰" not in csv_text
    assert "13812345678" not in csv_text


def test_another_district_official_cannot_see_the_committee(
    client_for, other_district_official, records
):
    api = client_for(other_district_official)
    url = reverse("api:committee-detail", args=[records["a"]["committee"].pk])

    assert api.get(url).status_code == 404
    assert _ids(api.get(reverse("api:committee-list"))) == []


def test_suggestion_contact_is_masked_as_on_the_pages(street_api, client_for, city_viewer, records):
    suggestion = records["a"]["suggestion"]
    url = reverse("api:suggestion-detail", args=[suggestion.pk])

    assert street_api.get(url).json()["contact"] == "13987654321"
    assert client_for(city_viewer).get(url).json()["contact"] == "139****4321"


def test_search_never_matches_contacts(district_api, records):
    url = reverse("api:suggestion-list")

    assert _ids(district_api.get(url, {"q": "13987654321"})) == []
    assert _ids(district_api.get(url, {"q": "水井坊施工"})) == [records["a"]["suggestion"].pk]


# --- Scope ---------------------------------------------------------------------------------

DETAILS = [
    ("api:committee-detail", "committee"),
    ("api:meeting-detail", "meeting"),
    ("api:vote-detail", "vote"),
    ("api:suggestion-detail", "suggestion"),
]


@pytest.mark.parametrize(("name", "key"), DETAILS)
@pytest.mark.parametrize("method", ["get", "put", "patch", "delete"])
def test_another_streets_record_is_404_for_every_method(street_api, records, name, key, method):
    response = getattr(street_api, method)(
        reverse(name, args=[records["b"][key].pk]), {}, format="json"
    )

    assert response.status_code == 404


@pytest.mark.parametrize(("name", "key"), DETAILS)
def test_lists_and_csv_hold_only_the_officers_street(street_api, district_api, records, name, key):
    url = reverse(name.replace("-detail", "-list"))

    own = _ids(street_api.get(url))
    everyone = _ids(district_api.get(url))
    csv_rows = list(
        csv.DictReader(
            io.StringIO(street_api.get(url, {"format": "csv"}).content.decode("utf-8-sig"))
        )
    )

    assert own == [records["a"][key].pk]
    assert records["b"][key].pk in everyone
    assert [row["id"] for row in csv_rows] == [str(records["a"][key].pk)]


def test_writes_on_another_streets_records_are_404(street_api, records, today):
    other = records["b"]
    responses = [
        street_api.post(
            reverse("api:vote-tally", args=[other["vote"].pk]),
            {
                "participating_owners": 1,
                "participating_area": "1",
                "agree_owners": 1,
                "agree_area": "1",
            },
            format="json",
        ),
        street_api.post(
            reverse("api:suggestion-answer", args=[other["suggestion"].pk]),
            {"answer": "越界答复"},
            format="json",
        ),
        street_api.post(
            reverse("api:meeting-list"),
            {
                "compound": other["meeting"].compound_id,
                "kind": "bench",
                "held_on": today.isoformat(),
                "attendance": 5,
                "topics": "越界",
            },
            format="json",
        ),
        street_api.post(
            reverse("api:committee-members", args=[other["committee"].pk]),
            {"name": "王五", "role": "member"},
            format="json",
        ),
    ]

    assert [r.status_code for r in responses] == [404, 404, 404, 404]
    assert Meeting.objects.count() == 2
    assert CommitteeMember.objects.count() == 4
    other["vote"].refresh_from_db()
    assert other["vote"].tally_method == OwnerVote.TallyMethod.NONE


def test_filters(district_api, records, street_b):
    url = reverse("api:suggestion-list")

    assert _ids(district_api.get(url, {"street": street_b.pk})) == [records["b"]["suggestion"].pk]
    assert _ids(district_api.get(url, {"status": "closed"})) == []
    assert len(_ids(district_api.get(url, {"open": "true"}))) == 2
    assert _ids(district_api.get(reverse("api:committee-list"), {"active": "false"})) == []
    meetings = district_api.get(reverse("api:meeting-list"), {"kind": "hearing"})
    assert _ids(meetings) == []
    bad = district_api.get(url, {"status": "lost"})
    assert bad.status_code == 400
    assert "status" in bad.json()["errors"]


# --- Writes --------------------------------------------------------------------------------


def test_committee_create_update_and_members(street_api, district_api, project, today):
    created = street_api.post(
        reverse("api:committee-list"),
        {
            "compound": project.compound_id,
            "kind": "owners",
            "name": "业主委员会",
            "formed_on": today.isoformat(),
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    member = street_api.post(
        reverse("api:committee-members", args=[pk]),
        {"name": "赵六", "role": "chair", "phone": "13800001111"},
        format="json",
    )
    assert member.status_code == 201
    assert member.json()["name"] == "赵六"
    assert member["ETag"] == '"2"'

    stale = street_api.put(
        reverse("api:committee-detail", args=[pk]),
        {"kind": "owners", "name": "业委会", "formed_on": today.isoformat(), "version": 1},
        format="json",
    )
    too_few = street_api.put(
        reverse("api:committee-detail", args=[pk]),
        {"kind": "owners", "name": "业委会", "formed_on": today.isoformat(), "headcount": 0},
        format="json",
        HTTP_IF_MATCH='"2"',
    )
    saved = street_api.put(
        reverse("api:committee-detail", args=[pk]),
        {"kind": "owners", "name": "业委会", "formed_on": today.isoformat(), "headcount": 7},
        format="json",
        HTTP_IF_MATCH='"2"',
    )
    by_district = district_api.put(
        reverse("api:committee-detail", args=[pk]),
        {"kind": "owners", "name": "区改", "formed_on": today.isoformat()},
        format="json",
    )
    removed = street_api.delete(reverse("api:committee-member", args=[pk, member.json()["id"]]))

    assert stale.status_code == 409
    assert too_few.status_code == 400
    assert "headcount" in too_few.json()["errors"]
    assert saved.status_code == 200
    assert (saved.json()["name"], saved.json()["headcount"], saved["ETag"]) == ("业委会", 7, '"3"')
    assert by_district.status_code == 403
    assert removed.status_code == 204
    assert not CommitteeMember.objects.filter(committee_id=pk).exists()


def test_committee_validation_is_the_services(street_api, project, today):
    response = street_api.post(
        reverse("api:committee-list"),
        {
            "compound": project.compound_id,
            "kind": "owners",
            "name": "业主委员会",
            "formed_on": today.isoformat(),
            "term_ends_on": (today - dt.timedelta(days=1)).isoformat(),
        },
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "term_ends_on": ["The term cannot end before the committee was formed."]
    }


def test_meeting_in_the_future_is_refused(street_api, project, today):
    response = street_api.post(
        reverse("api:meeting-list"),
        {
            "compound": project.compound_id,
            "project": project.pk,
            "kind": "bench",
            "held_on": (today + dt.timedelta(days=1)).isoformat(),
            "attendance": 12,
            "topics": "停车",
        },
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["held_on"]
    assert not Meeting.objects.exists()


def test_district_official_does_not_record_meetings(district_api, project, today):
    response = district_api.post(
        reverse("api:meeting-list"),
        {
            "compound": project.compound_id,
            "kind": "bench",
            "held_on": today.isoformat(),
            "attendance": 12,
            "topics": "停车",
        },
        format="json",
    )

    assert response.status_code == 403


def test_opinion_survey(street_api, project, today):
    url = reverse("api:survey-list")
    payload = {"project": project.pk, "held_on": today.isoformat(), "forms_issued": 100}

    refused = street_api.post(url, {**payload, "forms_returned": 120, "support": 90}, format="json")
    recorded = street_api.post(
        url, {**payload, "forms_returned": 100, "support": 92, "oppose": 8}, format="json"
    )

    assert refused.status_code == 400
    assert "forms_returned" in refused.json()["errors"]
    assert recorded.status_code == 201
    assert recorded.json()["support_rate"] == "92.0"
    assert recorded.json()["support_threshold"] == "90.00"
    assert OpinionSurvey.objects.count() == 1


def test_satisfaction_needs_the_acceptance(street_api, project, today):
    response = street_api.post(
        reverse("api:satisfaction-survey-list"),
        {"project": project.pk, "held_on": today.isoformat(), "respondents": 50, "satisfied": 45},
        format="json",
    )

    assert response.status_code == 400
    assert "non_field_errors" in response.json()["errors"]


def test_vote_tally_applies_art_278(street_api, project, today):
    created = street_api.post(
        reverse("api:vote-list"),
        {
            "compound": project.compound_id,
            "project": project.pk,
            "matter": "renovate",
            "title": "改造表决",
            "held_on": today.isoformat(),
            "eligible_owners": 90,
            "eligible_area": "9000.00",
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["outcome"] is None
    url = reverse("api:vote-tally", args=[created.json()["id"]])
    below = {
        "participating_owners": 60,
        "participating_area": "6000.00",
        "agree_owners": 44,  # 44/60 < 3/4
        "agree_area": "5000.00",
        "version": 1,
    }

    failed = street_api.post(url, below, format="json", HTTP_ACCEPT_LANGUAGE="en")
    stale = street_api.post(url, {**below, "agree_owners": 45}, format="json")
    passed = street_api.post(url, {**below, "agree_owners": 45, "version": 2}, format="json")

    assert failed.status_code == 200
    assert (failed.json()["quorum_reached"], failed.json()["passed"]) == (True, False)
    assert failed.json()["outcome"]["approval_heads_ok"] is False
    assert failed.json()["outcome"]["reasons"] == [
        "73.33% of the participating owners are in favour; ≥ 3/4 is needed."
    ]
    assert stale.status_code == 409
    assert passed.status_code == 200
    assert passed.json()["passed"] is True
    assert passed.json()["approval_heads_share"] == "75.00"
    assert passed["ETag"] == '"3"'


def test_suggestion_lifecycle(street_api, district_api, project):
    created = street_api.post(
        reverse("api:suggestion-list"),
        {
            "compound": project.compound_id,
            "kind": "suggestion",
            "channel": "visit",
            "text": "希望增设充电桩",
            "contact": "13511112222",
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]

    early_close = district_api.post(reverse("api:suggestion-close", args=[pk]), {}, format="json")
    assigned = street_api.post(
        reverse("api:suggestion-assign", args=[pk]), {"assigned_to": "社区书记"}, format="json"
    )
    stale = district_api.post(
        reverse("api:suggestion-answer", args=[pk]),
        {"answer": "已纳入方案", "version": 1},
        format="json",
    )
    answered = district_api.post(
        reverse("api:suggestion-answer", args=[pk]),
        {"answer": "已纳入方案"},
        format="json",
        HTTP_IF_MATCH=assigned["ETag"],
    )
    closed = street_api.post(reverse("api:suggestion-close", args=[pk]), {}, format="json")

    assert early_close.status_code == 400
    assert assigned.json()["status"] == "assigned"
    assert stale.status_code == 409
    assert answered.status_code == 200
    assert answered.json()["answered_by"] == "district"
    assert closed.json()["status"] == "closed"
    assert Suggestion.objects.get(pk=pk).version == 4


def test_public_channel_is_not_for_staff(street_api, project):
    response = street_api.post(
        reverse("api:suggestion-list"),
        {
            "compound": project.compound_id,
            "kind": "objection",
            "channel": "public",
            "text": "反对方案内容",
        },
        format="json",
    )

    assert response.status_code == 400
    assert "channel" in response.json()["errors"]


def test_api_client_cannot_write(reader_api, records):
    response = reader_api.post(
        reverse("api:suggestion-close", args=[records["a"]["suggestion"].pk]), {}, format="json"
    )

    assert response.status_code == 403


# --- Indicators ----------------------------------------------------------------------------


def test_indicators_by_scope(district_api, street_api, records, street_a, street_b, district):
    url = reverse("api:statistics-governance")

    everything = district_api.get(url, {"district": district.pk}).json()
    street = district_api.get(url, {"street": street_a.pk}).json()
    own = street_api.get(url).json()

    assert everything["total"]["committees"] == 2
    assert everything["total"]["committee_members"] == 4
    assert everything["total"]["suggestions_open"] == 2
    assert sorted(row["street"] for row in everything["results"]) == sorted(
        [street_a.pk, street_b.pk]
    )
    assert street["total"]["meetings"] == 1
    assert street["total"]["meeting_attendance"] == 60
    assert own["total"] == street["total"]
    assert (
        next(k for k in everything["committees_by_kind"] if k["kind"] == "self_renovation")[
            "committees"
        ]
        == 2
    )
    refused = street_api.get(url, {"street": street_b.pk})
    assert refused.status_code == 400
    assert "street" in refused.json()["errors"]


def test_indicators_csv(district_api, records, street_a):
    text = district_api.get(reverse("api:statistics-governance"), {"format": "csv"})
    rows = list(csv.DictReader(io.StringIO(text.content.decode("utf-8-sig"))))

    assert len(rows) == 3  # two streets and the total
    assert rows[-1]["committees"] == "2"


# --- Query counts --------------------------------------------------------------------------


@pytest.fixture
def make_governance(city, district, street_a, street_b, street_officer, street_officer_b, today):
    """`n` compounds with a committee of two members, a meeting, an opinion survey, a
    satisfaction evaluation, a tallied vote and an answered suggestion; plus a district."""

    def make(n: int) -> None:
        k = next(_sequence)
        factories.DistrictFactory(city=city, name=f"治理区{k}")
        for i in range(n):
            street, officer = (street_a, street_officer) if i % 2 else (street_b, street_officer_b)
            project = factories.ProjectFactory(compound__street=street)
            compound = project.compound
            committee = services.committee_create(
                compound=compound,
                by=officer,
                kind="owners",
                name=f"业委会{k}-{i}",
                formed_on=today,
            )
            for name in ("王一", "王二"):
                services.committee_member_add(
                    committee=committee, by=officer, name=name, role="member", phone="13800000000"
                )
            services.meeting_record(
                compound=compound,
                by=officer,
                kind="bench",
                held_on=today,
                attendance=9,
                topics="议题",
            )
            factories.OpinionSurveyFactory(project=project)
            project.satisfaction_surveys.create(held_on=today, respondents=10, satisfied=9)
            vote = services.owner_vote_create(
                compound=compound,
                by=officer,
                matter="other",
                title="表决",
                held_on=today,
                eligible_owners=10,
                eligible_area=Decimal("1000.00"),
            )
            services.owner_vote_tally(
                vote=vote,
                by=officer,
                version=None,
                participating_owners=8,
                participating_area=Decimal("800"),
                agree_owners=6,
                agree_area=Decimal("600"),
            )
            suggestion = services.suggestion_record(
                compound=compound,
                by=officer,
                kind="suggestion",
                channel="phone",
                text="建议增加绿化",
                contact="13900000000",
            )
            services.suggestion_answer(
                suggestion=suggestion, by=officer, version=None, answer="采纳"
            )

    return make


LISTS = [
    "api:committee-list",
    "api:meeting-list",
    "api:survey-list",
    "api:satisfaction-survey-list",
    "api:vote-list",
    "api:suggestion-list",
    "api:statistics-governance",
]


@pytest.mark.parametrize("name", LISTS)
@pytest.mark.parametrize("fmt", ["json", "csv"])
@pytest.mark.parametrize("role", ["city_viewer", "district_official"])
def test_governance_list_query_count_is_constant(
    name, fmt, role, request, client_for, make_governance, django_assert_max_num_queries
):
    api = client_for(request.getfixturevalue(role))
    url = f"{reverse(name)}?format={fmt}"
    make_governance(2)
    with django_assert_max_num_queries(16) as small:
        first = api.get(url)
    assert first.status_code == 200

    make_governance(12)

    with django_assert_max_num_queries(len(small.captured_queries)):
        second = api.get(url)
    assert second.status_code == 200
    assert len(second.content) > len(first.content)

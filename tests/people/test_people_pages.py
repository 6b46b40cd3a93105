"""The people pages ("人员与密钥"): the same services as the API, scoped to the district."""

from __future__ import annotations

import pytest
from django.urls import reverse

from renovation.api_keys import ApiKey, digest_of
from renovation.models import User
from tests import factories

pytestmark = pytest.mark.django_db

PASSWORD = "Qingyang-2026-site"


@pytest.fixture
def official_client(client, district_official):
    client.force_login(district_official)
    return client


def test_index_lists_own_district_only(official_client, street_officer, other_district_official):
    response = official_client.get(reverse("people:index"))
    assert response.status_code == 200
    text = response.content.decode()
    assert street_officer.username in text
    assert other_district_official.username not in text


def test_nav_shows_people_for_officials_only(official_client, client, street_officer):
    assert reverse("people:index") in official_client.get(reverse("home")).content.decode()
    client.force_login(street_officer)
    assert reverse("people:index") not in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize("fixture", ["street_officer", "city_viewer", "api_client_user"])
def test_other_roles_are_refused(client, request, fixture):
    client.force_login(request.getfixturevalue(fixture))
    assert client.get(reverse("people:index")).status_code == 403
    assert client.get(reverse("people:key-create")).status_code == 403


def test_create_a_street_officer_through_the_page(official_client, district_official, street_a):
    response = official_client.post(
        reverse("people:user-create"),
        {
            "username": "wang-fang",
            "password": PASSWORD,
            "role": "street_officer",
            "street": street_a.pk,
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="wang-fang")
    assert user.street == street_a
    entry = user.history.get()
    assert entry.history_user == district_official
    assert entry.scope_district_id == street_a.district_id


def test_escalation_to_a_wider_role_is_refused(official_client, district):
    response = official_client.post(
        reverse("people:user-create"),
        {"username": "boss", "password": PASSWORD, "role": "auditor", "district": district.pk},
    )
    assert response.status_code == 200
    assert not User.objects.filter(username="boss").exists()


def test_another_districts_street_is_refused(official_client, other_district_street):
    response = official_client.post(
        reverse("people:user-create"),
        {
            "username": "away",
            "password": PASSWORD,
            "role": "street_officer",
            "street": other_district_street.pk,
        },
    )
    assert response.status_code == 200
    assert not User.objects.filter(username="away").exists()


def test_another_districts_user_pages_are_404(official_client, other_district_official):
    for name in ("people:user-edit", "people:user-active", "people:user-password"):
        url = reverse(name, args=[other_district_official.pk])
        assert official_client.get(url).status_code == 404
        assert official_client.post(url, {"reason": "x", "password": PASSWORD}).status_code == 404
    other_district_official.refresh_from_db()
    assert other_district_official.is_active


def test_stale_edit_is_a_conflict_and_saves_nothing(official_client, street_officer, street_a):
    url = reverse("people:user-edit", args=[street_officer.pk])
    data = {"version": 1, "role": "street_officer", "street": street_a.pk, "first_name": "新"}
    User.objects.filter(pk=street_officer.pk).update(version=2)
    response = official_client.post(url, data)
    assert response.status_code == 409
    street_officer.refresh_from_db()
    assert street_officer.first_name != "新"


def test_deactivate_and_reset_password(official_client, street_officer):
    url = reverse("people:user-active", args=[street_officer.pk])
    assert official_client.post(url, {"reason": "", "version": 1}).status_code == 200
    street_officer.refresh_from_db()
    assert street_officer.is_active
    assert official_client.post(url, {"reason": "调离", "version": 1}).status_code == 302
    street_officer.refresh_from_db()
    assert not street_officer.is_active
    url = reverse("people:user-password", args=[street_officer.pk])
    assert official_client.post(url, {"password": "short"}).status_code == 200
    assert official_client.post(url, {"password": "Another-long-pass-26"}).status_code == 302
    street_officer.refresh_from_db()
    assert street_officer.check_password("Another-long-pass-26")


def test_the_key_is_shown_once(official_client, district_official):
    response = official_client.post(
        reverse("people:key-create"), {"name": "大屏", "permission": "read"}
    )
    assert response.status_code == 200
    key = ApiKey.objects.get()
    secret = response.context["secret"]
    assert key.digest == digest_of(secret)
    assert secret in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert secret not in official_client.get(reverse("people:index")).content.decode()


def test_revoke_through_the_page(official_client, district_official):
    from renovation import people_services

    key, _ = people_services.api_key_issue(by=district_official, name="旧系统")
    url = reverse("people:key-revoke", args=[key.pk])
    assert official_client.post(url, {"reason": ""}).status_code == 200
    assert official_client.post(url, {"reason": "系统下线"}).status_code == 302
    key.refresh_from_db()
    assert key.revoked_by == district_official
    assert key.revoke_reason == "系统下线"


def test_index_query_count_is_constant(
    official_client, district_official, street_a, django_assert_max_num_queries
):
    from renovation import people_services

    def make(n: int, start: int) -> None:
        for i in range(start, start + n):
            user = factories.UserFactory(
                username=f"p{i}", role=User.Role.STREET_OFFICER, street=street_a
            )
            people_services.api_key_issue(by=district_official, name=f"k{i}", owner=user)

    make(2, 0)
    with django_assert_max_num_queries(20) as small:
        assert official_client.get(reverse("people:index")).status_code == 200
    make(15, 10)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert official_client.get(reverse("people:index")).status_code == 200

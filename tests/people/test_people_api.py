"""`/api/v1/users/` and `/api/v1/api-keys/`: district officials manage their own district's
people and keys, never beyond it, never above their own role."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from renovation.api_keys import ApiKey, digest_of
from renovation.models import User
from tests import factories

pytestmark = pytest.mark.django_db

PASSWORD = "Qingyang-2026-site"


@pytest.fixture
def official_api(district_official) -> APIClient:
    client = APIClient()
    client.force_authenticate(district_official)
    return client


def test_official_creates_a_street_officer_of_its_district(official_api, street_a):
    response = official_api.post(
        reverse("api:user-list"),
        {
            "username": "li-ming",
            "password": PASSWORD,
            "role": "street_officer",
            "street": street_a.pk,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    user = User.objects.get(username="li-ming")
    assert user.street == street_a
    assert user.check_password(PASSWORD)
    assert response["ETag"] == '"1"'
    assert "password" not in response.json()


def test_a_street_of_another_district_is_refused_and_nothing_saved(
    official_api, other_district_street
):
    response = official_api.post(
        reverse("api:user-list"),
        {
            "username": "intruder",
            "password": PASSWORD,
            "role": "street_officer",
            "street": other_district_street.pk,
        },
        format="json",
    )
    assert response.status_code == 400
    assert "street" in response.json()["errors"]
    assert not User.objects.filter(username="intruder").exists()


@pytest.mark.parametrize("role", ["city_viewer", "auditor"])
def test_official_cannot_give_a_wider_role(official_api, district, role):
    response = official_api.post(
        reverse("api:user-list"),
        {"username": "wide", "password": PASSWORD, "role": role, "district": district.pk},
        format="json",
    )
    assert response.status_code == 400
    assert "role" in response.json()["errors"]
    assert not User.objects.filter(username="wide").exists()


def test_a_short_password_is_refused(official_api, street_a):
    response = official_api.post(
        reverse("api:user-list"),
        {
            "username": "short",
            "password": "abc123",
            "role": "street_officer",
            "street": street_a.pk,
        },
        format="json",
    )
    assert response.status_code == 400
    assert "password" in response.json()["errors"]
    assert not User.objects.filter(username="short").exists()


def test_another_districts_user_is_a_404(official_api, other_district_official):
    url = reverse("api:user-detail", args=[other_district_official.pk])
    assert official_api.get(url).status_code == 404
    response = official_api.patch(url, {"first_name": "X"}, format="json")
    assert response.status_code == 404
    deactivate = reverse("api:user-deactivate", args=[other_district_official.pk])
    assert official_api.post(deactivate, {"reason": "x"}, format="json").status_code == 404
    other_district_official.refresh_from_db()
    assert other_district_official.is_active


def test_superusers_are_never_listed_or_touched(official_api, district):
    admin = factories.UserFactory(
        username="root", is_superuser=True, is_staff=True, district=district
    )
    listed = {
        row["username"] for row in official_api.get(reverse("api:user-list")).json()["results"]
    }
    assert "root" not in listed
    assert official_api.get(reverse("api:user-detail", args=[admin.pk])).status_code == 404


def test_patch_rescopes_and_a_stale_version_is_409(official_api, street_officer, street_b):
    url = reverse("api:user-detail", args=[street_officer.pk])
    response = official_api.patch(url, {"street": street_b.pk, "version": 1}, format="json")
    assert response.status_code == 200, response.json()
    street_officer.refresh_from_db()
    assert street_officer.street == street_b
    assert street_officer.version == 2
    stale = official_api.patch(url, {"first_name": "晚", "version": 1}, format="json")
    assert stale.status_code == 409
    street_officer.refresh_from_db()
    assert street_officer.first_name != "晚"


def test_official_cannot_change_itself(official_api, district_official):
    url = reverse("api:user-detail", args=[district_official.pk])
    response = official_api.patch(url, {"role": "api_client"}, format="json")
    assert response.status_code == 403
    district_official.refresh_from_db()
    assert district_official.role == User.Role.DISTRICT_OFFICIAL


def test_deactivate_requires_a_reason_and_revokes_keys(
    official_api, district_official, street_officer
):
    from renovation import people_services

    key, _ = people_services.api_key_issue(
        by=district_official, name="手机", owner=street_officer, permission="write_progress"
    )
    url = reverse("api:user-deactivate", args=[street_officer.pk])
    assert official_api.post(url, {"reason": ""}, format="json").status_code == 400
    response = official_api.post(url, {"reason": "调离"}, format="json")
    assert response.status_code == 200
    street_officer.refresh_from_db()
    key.refresh_from_db()
    assert not street_officer.is_active
    assert key.revoked_at is not None


def test_password_reset(official_api, street_officer):
    url = reverse("api:user-password", args=[street_officer.pk])
    assert official_api.post(url, {"password": "short"}, format="json").status_code == 400
    response = official_api.post(url, {"password": "A-much-longer-pass-26"}, format="json")
    assert response.status_code == 200
    street_officer.refresh_from_db()
    assert street_officer.check_password("A-much-longer-pass-26")


@pytest.mark.parametrize("fixture", ["street_officer", "city_viewer", "api_client_user"])
def test_other_roles_are_refused(request, fixture):
    client = APIClient()
    client.force_authenticate(request.getfixturevalue(fixture))
    assert client.get(reverse("api:user-list")).status_code == 403
    assert client.get(reverse("api:api-key-list")).status_code == 403
    assert client.post(reverse("api:api-key-list"), {"name": "x"}, format="json").status_code == 403


# --- API keys ------------------------------------------------------------------------------


def test_post_a_name_gives_201_and_the_key_once(official_api, district_official):
    response = official_api.post(reverse("api:api-key-list"), {"name": "统计对接"}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    secret = body["key"]
    key = ApiKey.objects.get(pk=body["id"])
    assert key.owner == district_official
    assert key.digest == digest_of(secret)
    assert secret not in str(ApiKey.objects.filter(pk=key.pk).values().first())
    listed = official_api.get(reverse("api:api-key-list")).json()["results"]
    assert [row["id"] for row in listed] == [key.pk]
    assert "key" not in listed[0]
    assert "key" not in official_api.get(reverse("api:api-key-detail", args=[key.pk])).json()


def test_a_key_authenticates_and_last_used_is_written_once_a_minute(
    official_api, django_assert_num_queries
):
    secret = official_api.post(reverse("api:api-key-list"), {"name": "大屏"}, format="json").json()[
        "key"
    ]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert client.get(reverse("api:district-list")).status_code == 200
    key = ApiKey.objects.get()
    first = key.last_used_at
    assert first is not None
    assert client.get(reverse("api:district-list")).status_code == 200
    key.refresh_from_db()
    assert key.last_used_at == first  # within the minute: not written again


def test_revoked_and_expired_keys_are_refused_with_a_clear_401(official_api, today):
    created = official_api.post(reverse("api:api-key-list"), {"name": "临时"}, format="json").json()
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Token {created['key']}")
    revoke = reverse("api:api-key-revoke", args=[created["id"]])
    assert official_api.post(revoke, {"reason": ""}, format="json").status_code == 400
    assert official_api.post(revoke, {"reason": "停用"}, format="json").status_code == 200
    response = client.get(reverse("api:district-list"))
    assert response.status_code == 401
    assert "revoked" in response.json()["detail"]

    other = official_api.post(reverse("api:api-key-list"), {"name": "过期"}, format="json").json()
    ApiKey.objects.filter(pk=other["id"]).update(expires_on=today.replace(year=today.year - 1))
    client.credentials(HTTP_AUTHORIZATION=f"Token {other['key']}")
    response = client.get(reverse("api:district-list"))
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


def test_a_read_key_cannot_write(official_api, district_official, project):
    secret = official_api.post(reverse("api:api-key-list"), {"name": "只读"}, format="json").json()[
        "key"
    ]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    response = client.post(
        reverse("api:project-transitions", args=[project.pk]),
        {"to_stage": "consultation", "reason": "x"},
        format="json",
    )
    assert response.status_code == 403


def test_a_key_for_another_districts_user_is_refused(official_api, other_district_official):
    response = official_api.post(
        reverse("api:api-key-list"),
        {"name": "越权", "owner": other_district_official.pk},
        format="json",
    )
    assert response.status_code == 400
    assert not ApiKey.objects.exists()


def test_another_districts_key_is_a_404(official_api, other_district_official):
    from renovation import people_services

    key, _ = people_services.api_key_issue(by=other_district_official, name="别区")
    assert official_api.get(reverse("api:api-key-detail", args=[key.pk])).status_code == 404
    revoke = reverse("api:api-key-revoke", args=[key.pk])
    assert official_api.post(revoke, {"reason": "x"}, format="json").status_code == 404
    key.refresh_from_db()
    assert key.revoked_at is None


def test_patch_to_a_wider_role_is_refused(official_api, street_officer, district):
    url = reverse("api:user-detail", args=[street_officer.pk])
    response = official_api.patch(url, {"role": "auditor", "district": district.pk}, format="json")
    assert response.status_code == 400
    street_officer.refresh_from_db()
    assert street_officer.role == User.Role.STREET_OFFICER


def test_superuser_flags_in_a_body_are_ignored(official_api, district):
    response = official_api.post(
        reverse("api:user-list"),
        {
            "username": "sneaky",
            "password": PASSWORD,
            "role": "district_official",
            "district": district.pk,
            "is_superuser": True,
            "is_staff": True,
        },
        format="json",
    )
    assert response.status_code == 201
    user = User.objects.get(username="sneaky")
    assert not user.is_superuser
    assert not user.is_staff


def test_a_progress_key_files_site_problems_and_nothing_else(
    district_official, street_officer, project, official_api
):
    from programmes.models import SiteProblem

    response = official_api.post(
        reverse("api:api-key-list"),
        {"name": "巡查手机", "owner": street_officer.pk, "permission": "write_progress"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    phone = APIClient()
    phone.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['key']}")
    raised = phone.post(
        reverse("api:project-site-problems", args=[project.pk]),
        {"title": "消防通道被占用", "severity": "high"},
        format="json",
    )
    assert raised.status_code == 201
    assert SiteProblem.objects.get().created_by == street_officer
    committee = phone.post(reverse("api:committee-list"), {}, format="json")
    assert committee.status_code == 403


def test_an_api_client_key_cannot_be_a_progress_key(official_api, district):
    client_user = factories.UserFactory(role=User.Role.API_CLIENT, district=district)
    response = official_api.post(
        reverse("api:api-key-list"),
        {"name": "研究", "owner": client_user.pk, "permission": "write_progress"},
        format="json",
    )
    assert response.status_code == 400
    assert "permission" in response.json()["errors"]


def test_user_list_filters_by_role_status_and_search(official_api, street_officer, district):
    factories.UserFactory(username="data-bridge", role=User.Role.API_CLIENT, district=district)
    url = reverse("api:user-list")
    names = {r["username"] for r in official_api.get(url, {"role": "api_client"}).json()["results"]}
    assert names == {"data-bridge"}
    found = official_api.get(url, {"q": street_officer.username}).json()["results"]
    assert [r["id"] for r in found] == [street_officer.pk]
    assert official_api.get(url, {"is_active": "false"}).json()["results"] == []

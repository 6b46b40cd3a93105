"""The API's shared behaviour: authentication, the error shape and its language, throttling,
read-only client keys, pagination, CSV, the schema and the offline docs."""

from __future__ import annotations

import csv
import io
import os
import re
import uuid

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation
from drf_spectacular.validation import validate_schema
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from programmes.models import Project, Stage
from renovation.models import User
from tests import factories

LISTS = [
    "api:district-list",
    "api:street-list",
    "api:area-list",
    "api:compound-list",
    "api:building-list",
    "api:programme-list",
    "api:project-list",
    "api:work-type-list",
    "api:work-item-list",
    "api:progress-report-list",
    "api:site-problem-list",
    "api:statistics-progress",
    "api:statistics-stages",
    "api:statistics-effects",
]


def assert_error_shape(response, status: int, code: str) -> dict:
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"status", "code", "detail", "errors"}
    assert body["status"] == status
    assert body["code"] == code
    assert isinstance(body["detail"], str)
    assert body["detail"]
    return body


# --- Authentication ------------------------------------------------------------------------


@pytest.mark.parametrize("name", LISTS)
def test_anonymous_request_is_401_in_the_common_shape(anonymous, name, db):
    response = anonymous.get(reverse(name))

    assert_error_shape(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.parametrize(
    ("method", "name"),
    [
        ("get", "api:project-detail"),
        ("get", "api:compound-detail"),
        ("post", "api:project-transitions"),
        ("post", "api:project-progress-reports"),
        ("post", "api:project-site-problems"),
        ("post", "api:progress-report-return"),
        ("post", "api:site-problem-close"),
    ],
)
def test_anonymous_detail_or_write_is_401(anonymous, project, method, name):
    response = getattr(anonymous, method)(reverse(name, args=[project.pk]), {}, format="json")

    assert_error_shape(response, 401, "not_authenticated")


def test_session_writes_need_the_csrf_token(street_officer, project):
    api = APIClient(enforce_csrf_checks=True)
    api.force_login(street_officer)

    response = api.post(
        reverse("api:project-site-problems", args=[project.pk]),
        {"title": "无 CSRF", "severity": "low"},
        format="json",
    )

    assert_error_shape(response, 403, "permission_denied")
    assert not project.problems.exists()


def test_unknown_token_is_401(anonymous, db):
    anonymous.credentials(HTTP_AUTHORIZATION="Token not-a-real-key")

    assert_error_shape(anonymous.get(reverse("api:project-list")), 401, "authentication_failed")


def test_token_of_an_inactive_user_is_401(client_for, street_officer):
    api = client_for(street_officer)
    User.objects.filter(pk=street_officer.pk).update(is_active=False)

    assert_error_shape(api.get(reverse("api:project-list")), 401, "authentication_failed")


def test_revoked_token_no_longer_works(client_for, street_officer):
    api = client_for(street_officer)
    assert api.get(reverse("api:project-list")).status_code == 200

    Token.objects.filter(user=street_officer).delete()

    assert_error_shape(api.get(reverse("api:project-list")), 401, "authentication_failed")


def test_bearer_scheme_is_accepted(client_for, street_officer, project):
    api = client_for(street_officer, scheme="Bearer")

    response = api.get(reverse("api:project-list"))

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [project.pk]


def test_browser_session_authenticates(street_officer, project):
    api = APIClient()
    api.force_login(street_officer)

    response = api.get(reverse("api:project-detail", args=[project.pk]))

    assert response.status_code == 200
    assert response.json()["id"] == project.pk


# --- Errors and language -------------------------------------------------------------------


def test_errors_are_in_chinese_by_default(anonymous, db):
    body = anonymous.get(reverse("api:project-list")).json()

    assert body["detail"] == "身份认证信息未提供。"


def test_errors_follow_accept_language(anonymous, db):
    body = anonymous.get(reverse("api:project-list"), HTTP_ACCEPT_LANGUAGE="en").json()

    assert body["detail"] == "Authentication credentials were not provided."


def test_field_errors_are_translated(street_api, project, item_small):
    url = reverse("api:project-progress-reports", args=[project.pk])
    payload = {"lines": [{"work_item": item_small.pk, "quantity_to_date": "-1"}]}

    zh = street_api.post(url, payload, format="json").json()
    en = street_api.post(url, payload, format="json", HTTP_ACCEPT_LANGUAGE="en").json()

    assert zh["errors"]["report_date"] == ["该字段是必填项。"]
    assert en["errors"]["report_date"] == ["This field is required."]


def test_unknown_api_path_is_a_json_404(street_api):
    assert_error_shape(street_api.get("/api/v1/no-such-thing/"), 404, "not_found")


def test_invalid_page_is_a_404_in_the_common_shape(street_api, project):
    assert_error_shape(street_api.get(reverse("api:project-list") + "?page=9"), 404, "not_found")


def test_malformed_json_is_a_400_in_the_common_shape(street_api, project):
    response = street_api.post(
        reverse("api:project-site-problems", args=[project.pk]),
        data="{not json",
        content_type="application/json",
    )

    assert_error_shape(response, 400, "parse_error")


# --- Read-only client keys -----------------------------------------------------------------


def test_api_client_key_reads(reader_api, project):
    assert reader_api.get(reverse("api:project-detail", args=[project.pk])).status_code == 200


def test_api_client_key_cannot_write(client_for, district, project):
    # Even an API client whose user is scoped to the district cannot push anything.
    reader = factories.UserFactory(role=User.Role.API_CLIENT, district=district)
    api = client_for(reader)

    response = api.post(
        reverse("api:project-transitions", args=[project.pk]),
        {"to_stage": Stage.ACCEPTED, "reason": "x"},
        format="json",
    )

    body = assert_error_shape(response, 403, "permission_denied")
    with translation.override("zh-hans"):
        assert body["detail"] == translation.gettext("API-client keys are read-only.")
    project.refresh_from_db()
    assert project.stage == Stage.CONSTRUCTION
    assert not project.transitions.exists()


# --- Throttling ----------------------------------------------------------------------------


def test_throttled_key_gets_429_with_retry_after(settings, client_for, street_officer, db):
    settings.RENOVATION_API_RATES = {"user": "2/min", "anon": "100/min"}
    api = client_for(street_officer)
    url = reverse("api:project-list")

    statuses = [api.get(url).status_code for _ in range(3)]

    assert statuses == [200, 200, 429]
    response = api.get(url)
    assert_error_shape(response, 429, "throttled")
    assert 1 <= int(response["Retry-After"]) <= 60


def test_throttling_is_per_key(settings, client_for, street_officer, street_officer_b, db):
    settings.RENOVATION_API_RATES = {"user": "1/min", "anon": "100/min"}
    first, second = client_for(street_officer), client_for(street_officer_b)
    url = reverse("api:project-list")

    assert first.get(url).status_code == 200
    assert first.get(url).status_code == 429
    assert second.get(url).status_code == 200


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis (REDIS_URL), as in CI")
def test_throttle_counters_live_in_redis(settings, client_for, street_officer, db):
    # Every web process shares the counters: the default cache is Redis in production.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": f"api-test-{uuid.uuid4()}",
        }
    }
    settings.RENOVATION_API_RATES = {"user": "1/min", "anon": "100/min"}
    api = client_for(street_officer)
    url = reverse("api:project-list")

    assert api.get(url).status_code == 200
    assert api.get(url).status_code == 429
    assert cache.get(f"throttle_user_{street_officer.pk}")


def test_public_schema_is_throttled_per_address(settings, anonymous, db):
    # Data endpoints refuse anonymous requests (401) before counting them; the public schema
    # counts them per address.
    settings.RENOVATION_API_RATES = {"user": "100/min", "anon": "1/min"}
    url = reverse("api:schema")

    assert anonymous.get(url).status_code == 200
    assert_error_shape(anonymous.get(url), 429, "throttled")


# --- Pagination ----------------------------------------------------------------------------


def _links(response) -> dict[str, str]:
    return {rel: url for url, rel in re.findall(r'<([^>]+)>; rel="(\w+)"', response["Link"])}


def test_lists_paginate_with_link_headers(street_api, programme, street_a):
    for _ in range(5):
        factories.ProjectFactory(programme=programme, compound__street=street_a)

    first = street_api.get(reverse("api:project-list") + "?page_size=2")
    links = _links(first)
    second = street_api.get(links["next"])
    last = street_api.get(links["last"])

    assert first.json()["count"] == 5
    assert first["X-Total-Count"] == "5"
    assert set(links) == {"first", "next", "last"}
    assert "prev" in _links(second)
    assert len(last.json()["results"]) == 1
    assert "next" not in _links(last)
    assert first.json()["next"] == links["next"]


def test_pages_never_repeat_or_skip_rows_when_ordering_ties(street_api, programme, street_a):
    ids = {
        factories.ProjectFactory(programme=programme, compound__street=street_a, year=2024).pk
        for _ in range(6)
    }

    seen = []
    url = reverse("api:project-list") + "?ordering=year&page_size=2"
    while url:
        response = street_api.get(url)
        seen += [row["id"] for row in response.json()["results"]]
        url = _links(response).get("next")

    assert sorted(seen) == sorted(ids)
    assert seen == sorted(seen)  # ties broken by id


# --- CSV -----------------------------------------------------------------------------------


def _csv_rows(response) -> list[dict[str, str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")  # Excel reads the Chinese text only with a BOM
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_list_as_csv_with_format_parameter(street_api, project):
    response = street_api.get(reverse("api:project-list") + "?format=csv")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = _csv_rows(response)
    assert [(row["id"], row["compound_name"], row["stage"]) for row in rows] == [
        (str(project.pk), "水井坊小区", "construction")
    ]


def test_list_as_csv_with_accept_header(street_api, project):
    response = street_api.get(reverse("api:compound-list"), HTTP_ACCEPT="text/csv")

    assert response["Content-Type"].startswith("text/csv")
    rows = _csv_rows(response)
    assert [row["name"] for row in rows] == ["水井坊小区"]
    assert rows[0]["current_project.stage"] == "construction"


def test_csv_export_is_not_paginated(settings, street_api, programme, street_a):
    settings.RENOVATION_API_PAGE_SIZE = 2
    for _ in range(5):
        factories.ProjectFactory(programme=programme, compound__street=street_a)

    assert len(_csv_rows(street_api.get(reverse("api:project-list") + "?format=csv"))) == 5
    assert len(street_api.get(reverse("api:project-list")).json()["results"]) == 2


def test_csv_neutralises_spreadsheet_formulas(street_api, programme, street_a):
    factories.ProjectFactory(
        programme=programme, compound__street=street_a, compound__name="=HYPERLINK(1)"
    )

    rows = _csv_rows(street_api.get(reverse("api:project-list") + "?format=csv"))

    assert rows[0]["compound_name"] == "'=HYPERLINK(1)"


def test_errors_stay_json_when_csv_was_asked_for(anonymous, db):
    response = anonymous.get(reverse("api:project-list") + "?format=csv")

    assert_error_shape(response, 401, "not_authenticated")


# --- Schema and docs -----------------------------------------------------------------------


def test_schema_is_valid_openapi_3(anonymous, db):
    response = anonymous.get(reverse("api:schema") + "?format=json")

    assert response.status_code == 200
    schema = response.json()
    validate_schema(schema)
    assert schema["openapi"].startswith("3.")


def test_schema_documents_every_endpoint_with_errors(anonymous, db):
    schema = anonymous.get(reverse("api:schema") + "?format=json").json()
    paths = schema["paths"]

    assert "/api/v1/statistics/progress/" in paths
    assert "/api/v1/projects/{id}/transitions/" in paths
    for path, operations in paths.items():
        for method, operation in operations.items():
            assert {"401", "403", "429"} <= set(operation["responses"]), (method, path)
            if "{" in path:
                assert "404" in operation["responses"], (method, path)
            if method == "post":
                assert "400" in operation["responses"], (method, path)
    transition = paths["/api/v1/projects/{id}/transitions/"]["post"]
    assert "409" in transition["responses"]
    assert transition["responses"]["409"]["content"]["application/json"]["examples"]


def test_docs_page_loads_no_cdn(anonymous, db):
    response = anonymous.get(reverse("api:docs"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert "drf_spectacular_sidecar" in html
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert not re.search(r"""(import|fetch|url)\(\s*["'](https?:)?//""", html)


def test_sidecar_assets_are_served_from_the_project(anonymous, db):
    html = anonymous.get(reverse("api:docs")).content.decode()
    script = re.search(r'src="([^"]*swagger-ui-bundle\.js)"', html).group(1)

    assert script.startswith("/static/")


# --- Keys in admin -------------------------------------------------------------------------


def test_admin_creates_and_lists_api_keys(client, street_officer):
    admin = factories.UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(admin)

    response = client.post(
        reverse("admin:authtoken_tokenproxy_add"), {"user": street_officer.pk}, follow=True
    )

    assert response.status_code == 200
    assert Token.objects.filter(user=street_officer).exists()
    assert client.get(reverse("admin:authtoken_tokenproxy_changelist")).status_code == 200


def test_project_count_is_unchanged_by_reads(street_api, project):
    before = Project.objects.count()
    street_api.get(reverse("api:project-list"))
    assert Project.objects.count() == before

"""Every documented request example of the people endpoints is accepted by the server, and the
lists and key authentication cost a constant number of queries."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from renovation import people_services
from renovation.models import User
from tests import factories

pytestmark = pytest.mark.django_db

PEOPLE_PATHS = ("/api/v1/users/", "/api/v1/api-keys/")


def _examples(schema: dict):
    """(path template, method, example body) of every request example on the people paths."""
    for path, operations in schema["paths"].items():
        if not path.startswith(PEOPLE_PATHS):
            continue
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {})
            for media in content.values():
                for example in media.get("examples", {}).values():
                    yield path, method, example["value"]


def test_every_documented_example_is_accepted(client, district_official, street_a, street_b):
    schema = client.get(reverse("api:schema"), {"format": "json"}).json()
    examples = list(_examples(schema))
    assert len(examples) >= 8, examples
    api = APIClient()
    api.force_authenticate(district_official)
    # Ids in the examples stand for records of the caller's district.
    ids = {"street": street_b.pk, "district": street_a.district_id}
    for n, (path, method, body) in enumerate(examples):
        body = {k: ids.get(k, v) if isinstance(v, int) and k in ids else v for k, v in body.items()}
        url = path
        if "{id}" in path:
            if path.startswith("/api/v1/api-keys/"):
                target = people_services.api_key_issue(by=district_official, name=f"例{n}")[0]
            else:
                target = factories.UserFactory(
                    username=f"example-{n}", role=User.Role.STREET_OFFICER, street=street_a
                )
                if path.endswith("/reactivate/"):
                    target = people_services.user_set_active(
                        by=district_official, user=target, active=False, reason="先停用"
                    )
                if "version" in body:
                    body["version"] = target.version
            url = path.replace("{id}", str(target.pk))
        response = getattr(api, method)(url, body, format="json")
        assert response.status_code in (200, 201), (method, path, body, response.json())


def test_people_lists_cost_constant_queries(
    district_official, street_a, django_assert_max_num_queries
):
    api = APIClient()
    api.force_authenticate(district_official)

    def make(n: int, start: int) -> None:
        for i in range(start, start + n):
            user = factories.UserFactory(
                username=f"q{i}", role=User.Role.STREET_OFFICER, street=street_a
            )
            people_services.api_key_issue(by=district_official, name=f"k{i}", owner=user)

    make(2, 0)
    for name in ("api:user-list", "api:api-key-list"):
        with django_assert_max_num_queries(10) as small:
            assert api.get(reverse(name)).status_code == 200
        make(12, 100 + len(small.captured_queries) * 20 + (0 if name == "api:user-list" else 500))
        with django_assert_max_num_queries(len(small.captured_queries)):
            assert api.get(reverse(name)).status_code == 200


def test_key_authentication_is_one_query(district_official, django_assert_num_queries):
    _key, secret = people_services.api_key_issue(by=district_official, name="吞吐")
    from renovation.api.authentication import ApiKeyAuthentication

    auth = ApiKeyAuthentication()
    auth.authenticate_credentials(secret)  # first use: writes last_used_at
    with django_assert_num_queries(1):
        user, key = auth.authenticate_credentials(secret)
    assert user == district_official
    assert key.last_used_at is not None

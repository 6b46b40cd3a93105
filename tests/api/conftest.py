"""API fixtures: token-authenticated clients per role, and a private cache per test so that
throttling counters never leak between tests (or between concurrent test runs sharing Redis)."""

from __future__ import annotations

import uuid

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient


@pytest.fixture(autouse=True)
def _api_isolation(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"api-test-{uuid.uuid4()}",
        }
    }
    settings.RENOVATION_API_RATES = {"user": "100000/min", "anon": "100000/min"}


@pytest.fixture
def anonymous() -> APIClient:
    return APIClient()


@pytest.fixture
def client_for():
    """An API client authenticated with a fresh token of `user` (as a key-holding client)."""

    def make(user, scheme: str = "Token") -> APIClient:
        token, _ = Token.objects.get_or_create(user=user)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"{scheme} {token.key}")
        return client

    return make


@pytest.fixture
def district_api(client_for, district_official) -> APIClient:
    return client_for(district_official)


@pytest.fixture
def street_api(client_for, street_officer) -> APIClient:
    return client_for(street_officer)


@pytest.fixture
def reader_api(client_for, api_client_user) -> APIClient:
    return client_for(api_client_user)

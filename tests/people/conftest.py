"""People and key tests use the API fixtures (a private cache per test, no throttling)."""

from tests.api.conftest import _api_isolation, anonymous, client_for  # noqa: F401

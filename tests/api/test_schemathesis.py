"""Property-based fuzzing of every operation in the OpenAPI schema (schemathesis, in-process
over WSGI) as each role, then the stateful phase: no input may give a 500, and every response
must match what the schema documents. Seeded and bounded (tests/api/fuzzing.py): set
API_FUZZ_EXAMPLES (and API_FUZZ_STATEFUL_EXAMPLES) higher for the nightly run, e.g.
`make fuzz-nightly`. Each run prints its counts (pytest -s, or in the captured output).

The operations are driven from one test per role with hypothesis directly (rather than the
schemathesis pytest plugin) so that pytest-django's database fixtures apply to every request."""

from __future__ import annotations

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from tests.api.fuzzing import fuzz_operations, fuzz_stateful


@pytest.fixture(autouse=True)
def _keep_the_test_transaction():
    """The real WSGI handler closes "old" database connections around each request, which would
    close the test's transaction on PostgreSQL; Django's test client skips that in the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_data(project, item_small, item_large, other_street_records):
    """Records on both sides of the street boundary, so generated ids sometimes hit them."""


def _headers(client) -> dict[str, str]:
    return {"Authorization": client._credentials["HTTP_AUTHORIZATION"]}


# Writers get the full count; roles that only read (or are refused) a few examples each.
ROLES = [
    ("district_api", None),
    ("street_api", None),
    ("city_viewer", 3),
    ("api_client_user", 3),
    ("auditor", 3),
]


@pytest.fixture
def auditor(city):
    from renovation.models import User
    from tests import factories

    return factories.UserFactory(username="fuzz_auditor", role=User.Role.AUDITOR, city=city)


def _role_headers(request, client_for, role: str) -> dict[str, str]:
    fixture = request.getfixturevalue(role)
    client = fixture if role.endswith("_api") else client_for(fixture)
    return _headers(client)


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "examples"), ROLES)
def test_no_server_error_and_no_conformance_failure(fuzz_data, request, client_for, role, examples):
    kwargs = {"examples": examples} if examples else {}

    report = fuzz_operations(_role_headers(request, client_for, role), role=role, **kwargs)

    assert report.operations >= 25, "the schema lost operations"
    assert not any(code >= 500 for code in report.statuses)
    assert not report.failures, "\n\n".join(report.failures)


@pytest.mark.django_db
def test_anonymous_gets_401_everywhere_but_the_schema(fuzz_data):
    report = fuzz_operations({}, role="anonymous", examples=2)

    assert set(report.statuses) <= {200, 401, 404, 405, 429}
    assert not report.failures, "\n\n".join(report.failures)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["district_api", "street_api"])
def test_stateful_phase(fuzz_data, request, client_for, role):
    report = fuzz_stateful(_role_headers(request, client_for, role), role=role)

    assert report.requests > 0
    assert not report.failures, "\n\n".join(report.failures)

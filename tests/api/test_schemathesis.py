"""Property-based fuzzing of every operation in the OpenAPI schema (schemathesis, in-process
over WSGI), as a district official and as a street officer: no input may give a 500, and every
response must match what the schema documents (status code, content type, body).

The operations are driven from one test per role with hypothesis directly (rather than the
schemathesis pytest plugin) so that pytest-django's database fixtures apply to every request
and the run stays within about a minute."""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from renovation.wsgi import application

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
FUZZ = settings(
    # A quick pass in every run; set API_FUZZ_EXAMPLES=200 for a deep one.
    max_examples=int(os.environ.get("API_FUZZ_EXAMPLES", "12")),
    deadline=None,
    database=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def fuzz_operations(
    headers: dict[str, str], path_regex: str | None = None
) -> tuple[int, list[str]]:
    """Fuzz every operation of the schema (or those whose path matches `path_regex`) with the
    given credentials; returns how many operations ran and every failure found."""
    schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
    if path_regex:
        schema = schema.include(path_regex=path_regex)
    failures = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @FUZZ
        @given(case=operation.as_strategy())
        def run(case) -> None:
            response = case.call(headers=headers)
            case.validate_response(response, checks=CHECKS)

        try:
            run()
        except (Exception, BaseExceptionGroup) as error:
            # Collect every operation's failures (schemathesis raises a group), report them all.
            failures.append(f"{operation.label}: {error}")
    return operations, failures


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


@pytest.mark.django_db
def test_district_official_gets_no_server_error(fuzz_data, district_api):
    operations, failures = fuzz_operations(_headers(district_api))
    assert operations >= 25, "the schema lost operations"
    assert not failures, "\n\n".join(failures)


@pytest.mark.django_db
def test_street_officer_gets_no_server_error(fuzz_data, street_api):
    operations, failures = fuzz_operations(_headers(street_api))
    assert operations >= 25, "the schema lost operations"
    assert not failures, "\n\n".join(failures)

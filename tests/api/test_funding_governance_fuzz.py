"""Schemathesis over the funding and governance operations only, with funding and governance
records on both sides of the street boundary, so that generated ids sometimes hit real
commitments, lines, committees, votes and suggestions (the schema-wide fuzz runs without
them). Same checks as test_schemathesis.py: no 500, and every response as documented."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import given

from renovation.wsgi import application
from tests.api.test_funding_api import money  # noqa: F401 (fixture)
from tests.api.test_governance_api import records  # noqa: F401 (fixture)
from tests.api.test_schemathesis import CHECKS, FUZZ, _headers, _keep_the_test_transaction  # noqa: F401

PATHS = (
    r"^/api/v1/(funding-sources|commitments|allocations|receipts|expenditures|committees"
    r"|meetings|surveys|satisfaction-surveys|votes|suggestions"
    r"|statistics/(funding-mix|governance))/"
)


def fuzz(headers: dict[str, str]) -> list[str]:
    schema = schemathesis.openapi.from_wsgi("/api/schema/", application).include(path_regex=PATHS)
    failures, operations = [], 0
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
            failures.append(f"{operation.label}: {error}")
    assert operations >= 30, operations
    return failures


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["district_api", "street_api"])
def test_no_server_error_with_money_and_governance_records(money, records, role, request):  # noqa: F811
    failures = fuzz(_headers(request.getfixturevalue(role)))
    assert not failures, "\n\n".join(failures)

"""Schemathesis over the funding and governance operations only, with funding and governance
records on both sides of the street boundary, so that generated ids sometimes hit real
commitments, lines, committees, votes and suggestions (the schema-wide fuzz runs without
them). Same checks as test_schemathesis.py: no 500, and every response as documented."""

from __future__ import annotations

import pytest

from tests.api.fuzzing import EXAMPLES, fuzz_operations
from tests.api.test_funding_api import money  # noqa: F401 (fixture)
from tests.api.test_governance_api import records  # noqa: F401 (fixture)
from tests.api.test_schemathesis import (  # noqa: F401 (fixture)
    _headers,
    _keep_the_test_transaction,
)

PATHS = (
    r"^/api/v1/(funding-sources|commitments|allocations|receipts|expenditures|committees"
    r"|meetings|surveys|satisfaction-surveys|votes|suggestions"
    r"|statistics/(funding-mix|governance))/"
)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["district_api", "street_api"])
def test_no_server_error_with_money_and_governance_records(money, records, role, request):  # noqa: F811
    report = fuzz_operations(
        _headers(request.getfixturevalue(role)), PATHS, role=role, examples=min(EXAMPLES, 6)
    )
    assert report.operations >= 30, report.operations
    assert not report.failures, "\n\n".join(report.failures)

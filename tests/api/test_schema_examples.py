"""Every request example the schema documents is accepted by its endpoint (issue 17, finding 9):
a client that copies an example from the docs must not get a 400.

Ids in the examples (compound 7, project 12, ...) stand for records of the caller's own; the
test puts the ids of real records in their place, in the path and in the body."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from programmes.models import Stage
from tests import factories
from tests.api.test_funding_api import money  # noqa: F401 (fixture)
from tests.api.test_governance_api import records  # noqa: F401 (fixture)

# The set-up endpoints (issue 13) post their own documented examples as a district official,
# with the ids of a world made for them: tests/api/test_setup_api.py (programmes, projects,
# work items, work types, acceptance records), tests/api/test_geography_api.py (streets,
# communities, areas, compounds, buildings) and tests/people/ (users, API keys).
SET_UP_ELSEWHERE = {
    f"/api/v1/{name}/"
    for name in (
        "programmes",
        "projects",
        "work-items",
        "work-types",
        "acceptance-records",
        "streets",
        "communities",
        "areas",
        "compounds",
        "buildings",
        "users",
        "api-keys",
    )
}


def _documented_examples(schema: dict) -> list[tuple[str, str, str, dict]]:
    found = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method not in ("post", "put", "patch") or path in SET_UP_ELSEWHERE:
                continue
            content = operation.get("requestBody", {}).get("content", {})
            for name, example in content.get("application/json", {}).get("examples", {}).items():
                found.append((method, path, name, example["value"]))
    return found


@pytest.mark.django_db
def test_every_documented_request_example_is_accepted(
    street_api,
    district_api,
    anonymous,
    project,
    money,  # noqa: F811
    records,  # noqa: F811
):
    today = timezone.localdate()
    accepted = factories.ProjectFactory(
        programme=project.programme,
        compound__street=project.compound.street,
        stage=Stage.ACCEPTED,
        started_on=today - dt.timedelta(days=200),
        completed_on=today - dt.timedelta(days=20),
    )
    schema = anonymous.get(reverse("api:schema"), {"format": "json"}).json()
    examples = _documented_examples(schema)
    ids = {
        "compound": project.compound_id,
        "project": project.pk,
        "programme": project.programme_id,
    }
    refused = []
    checked = 0
    for method, path, name, value in examples:
        if "{" in path:
            continue  # actions on one record: their examples hold a version, checked elsewhere
        # A satisfaction survey is of an accepted project; everything else of one in progress.
        own = {**ids, "project": accepted.pk} if "satisfaction" in path else ids
        body = {
            key: own.get(key, item) if isinstance(item, int) else item
            for key, item in value.items()
        }
        for key, item in body.items():
            if isinstance(item, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", item):
                body[key] = (
                    today.isoformat()
                )  # a documented date, moved to today (within every window)
        if "programme" in body and "project" in body:
            body.pop("programme" if body["project"] is not None else "project")
        api = district_api if body.get("programme") else street_api
        response = getattr(api, method)(path, body, format="json")
        checked += 1
        if response.status_code >= 400:
            refused.append(
                f"{method.upper()} {path} [{name}]: {response.status_code} "
                f"{response.content.decode()[:300]}"
            )
    assert checked >= 3
    assert not refused, "\n".join(refused)

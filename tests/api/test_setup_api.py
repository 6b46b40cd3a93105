"""Set-up through the API: programmes, projects, work items, work types and acceptance records,
by district officials within their district, through the same services as the pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator

from programmes.models import (
    AcceptanceRecord,
    LocalTarget,
    Programme,
    Project,
    Stage,
    WorkItem,
    WorkType,
    YearTarget,
)
from tests import factories

pytestmark = pytest.mark.django_db


def test_programme_create_with_targets_street_targets_and_batches(district_api, district, street_a):
    response = district_api.post(
        "/api/v1/programmes/",
        {
            "name": "2025年改造计划",
            "start_year": 2025,
            "end_year": 2026,
            "min_survey_return_rate": "0.7000",
            "targets": [{"year": 2025, "compounds": 10, "households": 2000}],
            "local_targets": [
                {"year": 2025, "street": street_a.pk, "compounds": 4, "households": 800}
            ],
            "batches": [{"name": "第一批", "year": 2025}],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["district"] == district.pk
    assert body["min_survey_return_rate"] == "0.7000"
    assert body["targets"][0]["compounds"] == 10
    assert body["local_targets"] == [
        {"year": 2025, "street": street_a.pk, "area": None, "compounds": 4, "households": 800}
    ]
    assert [b["name"] for b in body["batches"]] == ["第一批"]
    assert response["ETag"] == '"1"'
    programme = Programme.objects.get(pk=body["id"])
    assert programme.history.first().history_user.username == "district"


def test_programme_create_all_or_nothing(district_api, other_district_street):
    response = district_api.post(
        "/api/v1/programmes/",
        {
            "name": "坏计划",
            "start_year": 2025,
            "end_year": 2026,
            "targets": [{"year": 2031, "compounds": 10}],
        },
        format="json",
    )
    assert response.status_code == 400
    assert "targets.0.year" in response.json()["errors"]
    assert not Programme.objects.filter(name="坏计划").exists()
    assert not YearTarget.objects.exists()
    # Another district's street as a street target: a field error, nothing saved.
    response = district_api.post(
        "/api/v1/programmes/",
        {
            "name": "坏计划",
            "start_year": 2025,
            "end_year": 2026,
            "local_targets": [{"year": 2025, "street": other_district_street.pk, "compounds": 1}],
        },
        format="json",
    )
    assert response.status_code == 400
    assert "local_targets.0.street" in response.json()["errors"]
    assert not LocalTarget.objects.exists()


def test_programme_in_another_district_is_404(district_api, other_district):
    other = factories.ProgrammeFactory(district=other_district)
    response = district_api.patch(
        f"/api/v1/programmes/{other.pk}/", {"name": "改名"}, format="json"
    )
    assert response.status_code == 404
    response = district_api.post(
        "/api/v1/programmes/",
        {"district": other_district.pk, "name": "x", "start_year": 2025, "end_year": 2025},
        format="json",
    )
    assert response.status_code == 404
    assert not Programme.objects.filter(name="x").exists()


def test_programme_patch_is_versioned(district_api, programme):
    url = f"/api/v1/programmes/{programme.pk}/"
    ok = district_api.patch(url, {"support_threshold": "80.00", "version": 1}, format="json")
    assert ok.status_code == 200, ok.json()
    assert ok.json()["version"] == 2
    stale = district_api.patch(url, {"support_threshold": "70.00", "version": 1}, format="json")
    assert stale.status_code == 409
    assert stale.json()["code"] == "conflict"
    programme.refresh_from_db()
    assert programme.support_threshold == Decimal("80.00")


def test_programme_bad_rate_is_a_clear_400(district_api, programme):
    response = district_api.patch(
        f"/api/v1/programmes/{programme.pk}/",
        {"min_survey_return_rate": "1.5000"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 400
    assert "min_survey_return_rate" in response.json()["errors"]


def test_street_officer_cannot_create_programme(street_api):
    response = street_api.post(
        "/api/v1/programmes/",
        {"name": "x", "start_year": 2025, "end_year": 2025},
        format="json",
    )
    assert response.status_code == 403


def _project_body(programme, compound, **extra):
    return {
        "programme": programme.pk,
        "compound": compound.pk,
        "year": programme.start_year,
        "categories": ["improvement", "basic"],
        "budget": "1200000.00",
        "contractor": "华西建工",
        "supervisor": "建信监理",
        "designer": "西南院",
        "planned_start": "2025-04-01",
        "planned_end": "2025-10-31",
        **extra,
    }


def test_project_create_and_patch(district_api, programme, street_a):
    compound = factories.CompoundFactory(street=street_a)
    response = district_api.post(
        "/api/v1/projects/", _project_body(programme, compound), format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["categories"] == ["basic", "improvement"]
    assert body["category"] == "basic"
    assert body["supervisor"] == "建信监理"
    assert body["stage"] == Stage.SURVEYED
    again = district_api.post(
        "/api/v1/projects/", _project_body(programme, compound), format="json"
    )
    assert again.status_code == 400
    assert "compound" in again.json()["errors"]
    url = f"/api/v1/projects/{body['id']}/"
    patched = district_api.patch(
        url, {"contractor": "中建三局", "version": body["version"]}, format="json"
    )
    assert patched.status_code == 200
    assert patched.json()["contractor"] == "中建三局"
    stale = district_api.patch(url, {"contractor": "x", "version": body["version"]}, format="json")
    assert stale.status_code == 409
    assert Project.objects.get(pk=body["id"]).contractor == "中建三局"


def test_project_bad_input_saves_nothing(district_api, programme, street_a, other_district_street):
    compound = factories.CompoundFactory(street=street_a)
    bad = district_api.post(
        "/api/v1/projects/",
        _project_body(
            programme,
            compound,
            planned_start="2025-10-01",
            planned_end="2025-04-01",
            budget="-5",
            categories=[],
        ),
        format="json",
    )
    assert bad.status_code == 400
    assert {"categories", "budget"} <= set(bad.json()["errors"])
    wrong_dates = district_api.post(
        "/api/v1/projects/",
        _project_body(programme, compound, planned_start="2025-10-01", planned_end="2025-04-01"),
        format="json",
    )
    assert wrong_dates.status_code == 400
    assert "planned_end" in wrong_dates.json()["errors"]
    outside = factories.CompoundFactory(street=other_district_street)
    hidden = district_api.post(
        "/api/v1/projects/", _project_body(programme, outside), format="json"
    )
    assert hidden.status_code == 404
    assert not Project.objects.filter(compound__in=[compound, outside]).exists()


def test_contractor_set_through_api_opens_construction(district_api, programme, street_a):
    project = factories.ProjectFactory(
        programme=programme, compound__street=street_a, stage=Stage.TENDERING, contractor=""
    )
    url = f"/api/v1/projects/{project.pk}/transitions/"
    refused = district_api.post(url, {"to_stage": "construction", "reason": "进场"}, format="json")
    assert refused.status_code == 400
    district_api.patch(f"/api/v1/projects/{project.pk}/", {"contractor": "华西"}, format="json")
    allowed = district_api.post(url, {"to_stage": "construction", "reason": "进场"}, format="json")
    assert allowed.status_code == 201, allowed.json()


def test_work_items_free_before_construction_reason_after(district_api, programme, street_a):
    project = factories.ProjectFactory(
        programme=programme, compound__street=street_a, stage=Stage.DESIGN
    )
    body = {
        "project": project.pk,
        "work_type": "rain-sewage",
        "planned_quantity": "100.00",
        "budget": "5000.00",
    }
    created = district_api.post("/api/v1/work-items/", body, format="json")
    assert created.status_code == 201, created.json()
    item_id = created.json()["id"]
    assert district_api.delete(f"/api/v1/work-items/{item_id}/").status_code == 204
    assert not WorkItem.objects.filter(pk=item_id).exists()

    building = factories.ProjectFactory(
        programme=programme, compound__street=street_a, in_construction=True
    )
    body["project"] = building.pk
    refused = district_api.post("/api/v1/work-items/", body, format="json")
    assert refused.status_code == 400
    assert "reason" in refused.json()["errors"]
    created = district_api.post(
        "/api/v1/work-items/", {**body, "reason": "设计变更增加"}, format="json"
    )
    assert created.status_code == 201
    item = WorkItem.objects.get(pk=created.json()["id"])
    url = f"/api/v1/work-items/{item.pk}/"
    assert district_api.patch(url, {"planned_quantity": "120"}, format="json").status_code == 400
    changed = district_api.patch(
        url, {"planned_quantity": "120", "reason": "核减", "version": 1}, format="json"
    )
    assert changed.status_code == 200
    assert district_api.delete(url).status_code == 400
    assert district_api.delete(url, {"reason": "取消该项"}, format="json").status_code == 204
    reasons = [h.history_change_reason for h in WorkItem.history.filter(id=item.pk)]
    assert "取消该项" in reasons
    assert "核减" in reasons


def test_work_types_of_a_district(district_api, district, other_district, programme, street_a):
    created = district_api.post(
        "/api/v1/work-types/",
        {"name_zh": "口袋公园", "unit": "place", "category": "enhancement"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    code = created.json()["code"]
    assert created.json()["district"] == district.pk
    national = district_api.post(
        "/api/v1/work-types/",
        {"name_zh": "雨污分流改造", "unit": "m", "category": "basic"},
        format="json",
    )
    assert national.status_code == 400
    assert "name_zh" in national.json()["errors"]
    twice = district_api.post(
        "/api/v1/work-types/",
        {"name_zh": "口袋公园", "unit": "place", "category": "enhancement"},
        format="json",
    )
    assert twice.status_code == 400
    # Another district may use the same name for its own type, and does not see ours.
    factories.WorkTypeFactory(district=other_district, name_zh="社区食堂", code="other-1")
    codes = {
        row["code"]
        for row in district_api.get("/api/v1/work-types/?page_size=200").json()["results"]
    }
    assert code in codes
    assert "other-1" not in codes
    assert district_api.get("/api/v1/work-types/other-1/").status_code == 404
    # A project of the district uses its own type; another district's is refused.
    project = factories.ProjectFactory(
        programme=programme, compound__street=street_a, stage=Stage.DESIGN
    )
    ok = district_api.post(
        "/api/v1/work-items/",
        {"project": project.pk, "work_type": code, "planned_quantity": "2"},
        format="json",
    )
    assert ok.status_code == 201
    refused = district_api.post(
        "/api/v1/work-items/",
        {"project": project.pk, "work_type": "other-1", "planned_quantity": "2"},
        format="json",
    )
    assert refused.status_code == 400
    assert "work_type" in refused.json()["errors"]
    retired = district_api.patch(f"/api/v1/work-types/{code}/", {"is_active": False}, format="json")
    assert retired.status_code == 200
    assert WorkType.objects.get(code=code).is_active is False
    assert (
        district_api.patch(
            "/api/v1/work-types/rain-sewage/", {"name_zh": "改名"}, format="json"
        ).status_code
        == 403
    )


def test_acceptance_record_create_and_correct(district_api, project, today):
    url = "/api/v1/acceptance-records/"
    future = district_api.post(
        url,
        {
            "project": project.pk,
            "accepted_on": str(today + dt.timedelta(days=2)),
            "residents_present": 3,
        },
        format="json",
    )
    assert future.status_code == 400
    assert "accepted_on" in future.json()["errors"]
    created = district_api.post(
        url,
        {"project": project.pk, "accepted_on": str(today), "residents_present": 3},
        format="json",
    )
    assert created.status_code == 201, created.json()
    record = AcceptanceRecord.objects.get(project=project)
    patched = district_api.patch(
        f"{url}{record.pk}/", {"residents_present": 5, "version": 1}, format="json"
    )
    assert patched.status_code == 200
    assert patched.json()["residents_present"] == 5
    stale = district_api.patch(
        f"{url}{record.pk}/", {"residents_present": 7, "version": 1}, format="json"
    )
    assert stale.status_code == 409
    listed = district_api.get(url).json()
    assert [row["id"] for row in listed["results"]] == [record.pk]


def test_acceptance_of_another_district_is_404(district_api, other_district):
    project = factories.ProjectFactory(
        programme__district=other_district,
        compound__street__district=other_district,
        in_construction=True,
    )
    response = district_api.post(
        "/api/v1/acceptance-records/",
        {"project": project.pk, "accepted_on": "2025-01-01", "residents_present": 3},
        format="json",
    )
    assert response.status_code == 404


def _documented_examples() -> dict[tuple[str, str], list[dict]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    found: dict[tuple[str, str], list[dict]] = {}
    for path, operations in schema["paths"].items():
        if not any(
            path.startswith(f"/api/v1/{name}/")
            for name in (
                "programmes",
                "projects",
                "work-items",
                "work-types",
                "acceptance-records",
                "contribution-rules",
                "long-term-management",
            )
        ):
            continue
        for method, operation in operations.items():
            if method not in ("post", "patch"):
                continue
            content = operation.get("requestBody", {}).get("content", {})
            examples = content.get("application/json", {}).get("examples", {})
            if examples:
                found[(method, path)] = [example["value"] for example in examples.values()]
    return found


def test_every_documented_setup_example_is_accepted(
    district_api, district, street_a, today, client_for, street_officer
):
    """Each request example of the set-up endpoints, posted to a world where its ids exist."""
    examples = _documented_examples()
    expected = {
        ("post", "/api/v1/programmes/"),
        ("patch", "/api/v1/programmes/{id}/"),
        ("post", "/api/v1/projects/"),
        ("patch", "/api/v1/projects/{id}/"),
        ("post", "/api/v1/work-items/"),
        ("patch", "/api/v1/work-items/{id}/"),
        ("post", "/api/v1/work-types/"),
        ("patch", "/api/v1/work-types/{code}/"),
        ("post", "/api/v1/acceptance-records/"),
        ("patch", "/api/v1/acceptance-records/{id}/"),
        ("post", "/api/v1/contribution-rules/"),
        ("post", "/api/v1/long-term-management/"),
    }
    assert expected <= set(examples)
    programme = factories.ProgrammeFactory(district=district, start_year=2024, end_year=2027)
    compound = factories.CompoundFactory(street=street_a)
    # The examples name record 1 (ids are per installation): each is posted with the ids of
    # this world's records in its place, everything else exactly as documented.
    ids = {"programme": programme.pk, "compound": compound.pk}

    def filled(value: dict) -> dict:
        return {k: ids.get(k, v) if v == 1 else v for k, v in value.items()}

    def run(method: str, path: str, client=district_api, **path_ids) -> None:
        """Send every documented example of the operation."""
        for value in examples[(method, path)]:
            url = path.format(**path_ids)
            response = getattr(client, method)(url, filled(value), format="json")
            assert response.status_code in (200, 201), (method, path, response.json())

    run("post", "/api/v1/programmes/")
    run("patch", "/api/v1/programmes/{id}/", id=programme.pk)
    run("post", "/api/v1/projects/")
    project = Project.objects.get(programme=programme, compound=compound)
    ids["project"] = project.pk
    run("patch", "/api/v1/projects/{id}/", id=project.pk)
    run("post", "/api/v1/work-items/")
    item = WorkItem.objects.get(project=project)
    run("patch", "/api/v1/work-items/{id}/", id=item.pk)
    run("post", "/api/v1/work-types/")
    code = WorkType.objects.get(district=district).code
    run("patch", "/api/v1/work-types/{code}/", code=code)
    # Acceptance: the project is under construction since before the example's date.
    Project.objects.filter(pk=project.pk).update(
        stage=Stage.CONSTRUCTION, started_on=dt.date(2025, 4, 1)
    )
    run("post", "/api/v1/acceptance-records/")
    record = AcceptanceRecord.objects.get(project=project)
    run("patch", "/api/v1/acceptance-records/{id}/", id=record.pk)
    run("post", "/api/v1/contribution-rules/")
    street_api = client_for(street_officer)
    run("post", "/api/v1/long-term-management/", client=street_api)
    assert reverse("api:acceptance-record-list") == "/api/v1/acceptance-records/"


def test_contribution_rules_through_the_api(district_api, programme, other_district):
    body = {
        "programme": programme.pk,
        "name": "维修资金",
        "sub_type": "maintenance_fund",
        "basis": "per_m2",
        "rate": "5.00",
    }
    created = district_api.post("/api/v1/contribution-rules/", body, format="json")
    assert created.status_code == 201, created.json()
    changed = district_api.post(
        "/api/v1/contribution-rules/", {**body, "rate": "6.00"}, format="json"
    )
    assert changed.status_code == 200
    assert changed.json()["rate"] == "6.00"
    other = factories.ProgrammeFactory(district=other_district)
    hidden = district_api.post(
        "/api/v1/contribution-rules/", {**body, "programme": other.pk}, format="json"
    )
    assert hidden.status_code == 404
    listed = district_api.get(f"/api/v1/contribution-rules/?programme={programme.pk}").json()
    assert [row["rate"] for row in listed["results"]] == ["6.00"]


def test_long_term_management_home(street_api, district_api, project, today):
    body = {
        "compound": project.compound_id,
        "project": project.pk,
        "mode": "property_company",
        "provider": "某物业",
        "fee_per_m2": "0.80",
        "starts_on": str(today),
    }
    assert (
        district_api.post("/api/v1/long-term-management/", body, format="json").status_code == 403
    )
    created = street_api.post("/api/v1/long-term-management/", body, format="json")
    assert created.status_code == 201, created.json()
    listed = district_api.get(f"/api/v1/long-term-management/?compound={project.compound_id}")
    assert [row["provider"] for row in listed.json()["results"]] == ["某物业"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/programmes/",
        "/api/v1/work-types/",
        "/api/v1/acceptance-records/",
        "/api/v1/contribution-rules/",
        "/api/v1/projects/",
    ],
)
def test_setup_lists_cost_constant_queries(
    district_api, district, street_a, path, django_assert_max_num_queries
):
    def add(n: int) -> None:
        for _ in range(n):
            programme = factories.ProgrammeFactory(district=district)
            YearTarget.objects.create(programme=programme, year=programme.start_year, compounds=3)
            project = factories.ProjectFactory(
                programme=programme, compound__street=street_a, in_construction=True
            )
            factories.AcceptanceRecordFactory(project=project)
            factories.WorkTypeFactory(district=district)
            programme.contribution_rules.create(
                name=f"规则{programme.pk}", sub_type="maintenance_fund", basis="per_m2", rate=5
            )

    add(1)
    with django_assert_max_num_queries(20) as small:
        assert district_api.get(path).status_code == 200
    add(6)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = district_api.get(path)
    assert response.status_code == 200
    assert response.json()["count"] >= 7

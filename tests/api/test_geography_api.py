"""Geography set-up through the API: POST and PATCH of streets, communities, areas, compounds
and buildings, the merge, plausibility warnings, scope and versions."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from governance.models import Meeting
from programmes.api.geography_views import EXAMPLES
from programmes.models import (
    Area,
    Building,
    Community,
    Compound,
    CompoundMerge,
    Project,
    Street,
)
from tests import factories

# --- Every documented example is accepted --------------------------------------------------


def _schema_examples(anonymous) -> list[tuple[str, str, dict]]:
    schema = anonymous.get(reverse("api:schema") + "?format=json").json()
    found = []
    wanted = ("streets", "communities", "areas", "compounds", "buildings")
    for path, operations in schema["paths"].items():
        if not any(path.startswith(f"/api/v1/{name}/") for name in wanted):
            continue
        for method, operation in operations.items():
            if method not in ("post", "patch"):
                continue
            content = operation.get("requestBody", {}).get("content", {})
            for example in content.get("application/json", {}).get("examples", {}).values():
                found.append((method, path, example["value"]))
    return found


@pytest.fixture
def example_world(district, district_official):
    """The records the examples name: street 7, compounds 41 and 42 of the official's
    district."""
    street = factories.StreetFactory(pk=7, district=district, name="玉林")
    factories.CompoundFactory(pk=41, street=street, name="芳草苑", households=240)
    factories.CompoundFactory(pk=42, street=street, name="芳草小区", households=240)
    factories.BuildingFactory(pk=1, compound_id=41, name="1栋", households=24)
    factories.CommunityFactory(pk=1, street=street, name="芳草社区")
    factories.AreaFactory(pk=1, district=district, name="玉林老片区")
    return street


def test_the_geography_endpoints_document_examples(anonymous, db):
    examples = _schema_examples(anonymous)

    documented = {(method, path) for method, path, _ in examples}
    assert ("post", "/api/v1/compounds/") in documented
    assert ("patch", "/api/v1/compounds/{id}/") in documented
    assert ("post", "/api/v1/compounds/{id}/merge/") in documented
    assert ("post", "/api/v1/communities/") in documented
    assert len(examples) == len(EXAMPLES)


@pytest.mark.parametrize("key", sorted(EXAMPLES))
def test_every_documented_example_is_accepted(anonymous, district_api, example_world, key):
    method, path, body = next(
        (m, p, b) for m, p, b in _schema_examples(anonymous) if b == EXAMPLES[key]
    )
    # The path's object: compound 41, building 1, street 7, community 1, area 1.
    ids = {"compounds": 41, "buildings": 1, "streets": 7, "communities": 1, "areas": 1}
    name = path.split("/")[3]
    url = path.replace("{id}", str(ids[name]))

    response = getattr(district_api, method)(url, body, format="json")

    assert response.status_code in (200, 201), response.json()


# --- Create and change ---------------------------------------------------------------------


def test_district_official_registers_a_compound_with_unknown_residents(
    district_api, district_official, street_a
):
    response = district_api.post(
        reverse("api:compound-list"),
        {"name": "新华小区", "street": street_a.pk, "households": 120, "residents": None},
        format="json",
    )

    assert response.status_code == 201, response.json()
    compound = Compound.objects.get(name="新华小区")
    assert compound.residents is None
    assert compound.created_by == district_official
    assert response["ETag"] == '"1"'
    assert compound.history.first().history_user == district_official


def test_compound_in_another_districts_street_is_404_and_saves_nothing(
    district_api, other_district_street
):
    response = district_api.post(
        reverse("api:compound-list"),
        {"name": "越界小区", "street": other_district_street.pk},
        format="json",
    )

    assert response.status_code == 404
    assert not Compound.objects.filter(name="越界小区").exists()


def test_street_officer_may_not_register_compounds(street_api, street_a):
    response = street_api.post(
        reverse("api:compound-list"), {"name": "街道小区", "street": street_a.pk}, format="json"
    )

    assert response.status_code == 403
    assert not Compound.objects.filter(name="街道小区").exists()


def test_bad_compound_input_is_400_in_the_error_shape(district_api, street_a):
    response = district_api.post(
        reverse("api:compound-list"),
        {"name": "未来小区", "street": street_a.pk, "year_built": 2999, "latitude": "95"},
        format="json",
    )

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert {"year_built", "latitude"} <= set(body["errors"])
    assert not Compound.objects.filter(name="未来小区").exists()


def test_stale_compound_patch_is_409_and_changes_nothing(district_api, street_a):
    compound = factories.CompoundFactory(street=street_a, households=100)
    url = reverse("api:compound-detail", args=[compound.pk])
    assert (
        district_api.patch(url, {"households": 110, "version": 1}, format="json").status_code == 200
    )

    response = district_api.patch(url, {"households": 120, "version": 1}, format="json")

    assert response.status_code == 409
    compound.refresh_from_db()
    assert (compound.households, compound.version) == (110, 2)


def test_another_districts_compound_is_404_on_patch(district_api, other_district_street):
    compound = factories.CompoundFactory(street=other_district_street)

    response = district_api.patch(
        reverse("api:compound-detail", args=[compound.pk]), {"households": 1}, format="json"
    )

    assert response.status_code == 404


def test_street_community_and_area_are_set_up_in_history(district_api, district, street_a):
    street = district_api.post(reverse("api:street-list"), {"name": "新街道"}, format="json")
    community = district_api.post(
        reverse("api:community-list"), {"street": street_a.pk, "name": "新社区"}, format="json"
    )
    compound = factories.CompoundFactory(street=street_a)
    area = district_api.post(
        reverse("api:area-list"), {"name": "新片区", "compounds": [compound.pk]}, format="json"
    )

    assert (street.status_code, community.status_code, area.status_code) == (201, 201, 201)
    assert Street.objects.get(name="新街道").district == district
    assert Street.history.filter(name="新街道").first().history_user.username == "district"
    assert Community.objects.get(name="新社区").street == street_a
    compound.refresh_from_db()
    assert compound.area == Area.objects.get(name="新片区")


def test_duplicate_street_name_is_a_clear_400(district_api, street_a):
    response = district_api.post(reverse("api:street-list"), {"name": street_a.name}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"]
    assert Street.objects.filter(name=street_a.name).count() == 1


# --- Plausibility warnings -----------------------------------------------------------------


def test_building_above_its_compound_needs_confirmation(district_api, street_a):
    compound = factories.CompoundFactory(street=street_a, households=30)
    body = {"compound": compound.pk, "name": "9栋", "households": 40}

    refused = district_api.post(reverse("api:building-list"), body, format="json")

    assert refused.status_code == 400
    error = refused.json()
    assert error["code"] == "warnings"
    assert error["warnings"][0]["code"] == "building_households_above_compound"
    assert error["errors"]["confirm_warnings"]
    assert not Building.objects.filter(compound=compound).exists()

    accepted = district_api.post(
        reverse("api:building-list"), {**body, "confirm_warnings": True}, format="json"
    )

    assert accepted.status_code == 201
    assert Building.objects.get(compound=compound).households == 40


# --- Merge ---------------------------------------------------------------------------------


def test_merge_moves_everything_onto_the_kept_compound(district_api, programme, street_a):
    kept = factories.CompoundFactory(street=street_a, name="芳草苑", code=None)
    duplicate = factories.CompoundFactory(street=street_a, name="芳草小区", code="YL-9")
    factories.BuildingFactory(compound=kept, name="1栋")
    same = factories.BuildingFactory(compound=duplicate, name="1栋")
    other = factories.BuildingFactory(compound=duplicate, name="2栋")
    project = factories.ProjectFactory(compound=duplicate, programme=programme)
    meeting = Meeting.objects.create(
        compound=duplicate, kind="courtyard", held_on="2025-01-05", attendance=10, topics="改造"
    )

    response = district_api.post(
        reverse("api:compound-merge", args=[kept.pk]),
        {"duplicate": duplicate.pk, "reason": "重复登记", "version": 1, "duplicate_version": 1},
        format="json",
    )

    assert response.status_code == 201, response.json()
    assert not Compound.objects.filter(pk=duplicate.pk).exists()
    assert Project.objects.get(pk=project.pk).compound == kept
    assert Meeting.objects.get(pk=meeting.pk).compound == kept
    assert Building.objects.get(pk=other.pk).compound == kept
    assert not Building.objects.filter(pk=same.pk).exists()  # one building, kept's
    kept.refresh_from_db()
    assert kept.code == "YL-9"
    assert kept.current_project_id == project.pk
    record = CompoundMerge.objects.get()
    assert record.moved["programmes.Project"] == [project.pk]
    assert record.moved["governance.Meeting"] == [meeting.pk]
    assert record.duplicate_name == "芳草小区"


def test_merge_is_refused_when_both_have_a_project_in_one_programme(
    district_api, programme, street_a
):
    kept = factories.ProjectFactory(programme=programme, compound__street=street_a).compound
    duplicate = factories.ProjectFactory(programme=programme, compound__street=street_a).compound

    response = district_api.post(
        reverse("api:compound-merge", args=[kept.pk]),
        {"duplicate": duplicate.pk, "reason": "重复"},
        format="json",
    )

    assert response.status_code == 400
    assert programme.name in response.json()["errors"]["duplicate"][0]
    assert Compound.objects.filter(pk=duplicate.pk).exists()
    assert not CompoundMerge.objects.exists()


def test_merge_after_a_concurrent_edit_is_409(district_api, street_a):
    kept = factories.CompoundFactory(street=street_a)
    duplicate = factories.CompoundFactory(street=street_a)
    district_api.patch(
        reverse("api:compound-detail", args=[duplicate.pk]), {"households": 5}, format="json"
    )

    response = district_api.post(
        reverse("api:compound-merge", args=[kept.pk]),
        {"duplicate": duplicate.pk, "reason": "重复", "version": 1, "duplicate_version": 1},
        format="json",
    )

    assert response.status_code == 409
    assert Compound.objects.filter(pk=duplicate.pk).exists()


def test_editing_a_merged_compound_is_404_not_a_500(district_api, street_a):
    kept = factories.CompoundFactory(street=street_a)
    duplicate = factories.CompoundFactory(street=street_a)
    district_api.post(
        reverse("api:compound-merge", args=[kept.pk]),
        {"duplicate": duplicate.pk, "reason": "重复"},
        format="json",
    )

    response = district_api.patch(
        reverse("api:compound-detail", args=[duplicate.pk]),
        {"households": 1, "version": 1},
        format="json",
    )

    assert response.status_code == 404


def test_merge_across_districts_is_404(district_api, street_a, other_district_street):
    kept = factories.CompoundFactory(street=street_a)
    theirs = factories.CompoundFactory(street=other_district_street)

    response = district_api.post(
        reverse("api:compound-merge", args=[kept.pk]),
        {"duplicate": theirs.pk, "reason": "重复"},
        format="json",
    )

    assert response.status_code == 404
    assert Compound.objects.filter(pk=theirs.pk).exists()


def test_community_list_costs_constant_queries(
    district_api, street_a, django_assert_max_num_queries
):
    factories.CommunityFactory.create_batch(2, street=street_a)
    with django_assert_max_num_queries(20) as small:
        assert district_api.get(reverse("api:community-list")).status_code == 200
    factories.CommunityFactory.create_batch(30, street=street_a)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = district_api.get(reverse("api:community-list"))
    assert response.json()["count"] == 32


def test_floor_area_is_decimal(district_api, street_a):
    response = district_api.post(
        reverse("api:compound-list"),
        {"name": "面积小区", "street": street_a.pk, "floor_area": "1234.56"},
        format="json",
    )

    assert response.status_code == 201
    assert Compound.objects.get(name="面积小区").floor_area == Decimal("1234.56")

"""The "区划与小区" set-up pages: district officials set up streets, communities, areas,
compounds and buildings, confirm plausibility warnings and merge duplicates."""

from __future__ import annotations

import pytest
from django.urls import reverse

from programmes.models import Area, Building, Community, Compound, CompoundMerge, Street
from tests import factories


@pytest.fixture
def official(client, district_official):
    client.force_login(district_official)
    return client


def test_set_up_page_lists_the_districts_streets_and_areas(official, street_a, district):
    factories.CommunityFactory(street=street_a, name="浣花社区")
    factories.AreaFactory(district=district, name="浣花片区")

    response = official.get(reverse("programmes:geography"))

    assert response.status_code == 200
    html = response.content.decode()
    assert street_a.name in html
    assert "浣花社区" in html
    assert "浣花片区" in html


def test_street_officer_is_refused_the_set_up_pages(client, street_officer, street_a):
    client.force_login(street_officer)
    compound = factories.CompoundFactory(street=street_a)

    assert client.get(reverse("programmes:geography")).status_code == 403
    assert client.get(reverse("programmes:compound-edit", args=[compound.pk])).status_code == 403


def test_official_sets_up_a_street_a_community_and_an_area(official, district, street_a):
    compound = factories.CompoundFactory(street=street_a)

    official.post(reverse("programmes:street-create"), {"name": "新华街道"})
    official.post(
        reverse("programmes:community-create"), {"street": street_a.pk, "name": "新华社区"}
    )
    response = official.post(
        reverse("programmes:area-create"), {"name": "新华片区", "compounds": [compound.pk]}
    )

    assert response.status_code == 302
    assert Street.objects.filter(district=district, name="新华街道").exists()
    assert Community.objects.filter(street=street_a, name="新华社区").exists()
    compound.refresh_from_db()
    assert compound.area == Area.objects.get(name="新华片区")


def test_blank_name_is_a_form_error_and_saves_nothing(official):
    response = official.post(reverse("programmes:street-create"), {"name": "   "})

    assert response.status_code == 200
    assert "error" in response.content.decode()
    assert Street.objects.count() == 0


def _compound_data(compound: Compound, **changes) -> dict:
    data = {
        "name": compound.name,
        "code": compound.code or "",
        "street": compound.street_id,
        "address": compound.address,
        "year_built": compound.year_built or "",
        "building_count": compound.building_count,
        "households": compound.households,
        "residents": "" if compound.residents is None else compound.residents,
        "floor_area": compound.floor_area,
        "survey_status": compound.survey_status,
        "notes": "",
        "version": compound.version,
    }
    data.update(changes)
    return data


def test_official_registers_a_compound_with_residents_unknown(official, street_a):
    data = {
        "name": "锦绣小区",
        "street": street_a.pk,
        "building_count": 3,
        "households": 90,
        "residents": "",
        "floor_area": "5400.00",
        "survey_status": "pending",
    }

    response = official.post(reverse("programmes:compound-create"), data)

    compound = Compound.objects.get(name="锦绣小区")
    assert response.status_code == 302
    assert compound.residents is None
    page = official.get(compound.get_absolute_url()).content.decode()
    assert "不详" in page  # Simplified Chinese by default


def test_stale_compound_form_shows_the_conflict_and_saves_nothing(official, street_a):
    compound = factories.CompoundFactory(street=street_a, households=100)
    url = reverse("programmes:compound-edit", args=[compound.pk])
    assert official.post(url, _compound_data(compound, households=110)).status_code == 302

    response = official.post(url, _compound_data(compound, households=120, version=1))

    assert response.status_code == 409
    compound.refresh_from_db()
    assert compound.households == 110


def test_building_warning_asks_to_confirm_then_saves(official, street_a):
    compound = factories.CompoundFactory(street=street_a, households=20)
    url = reverse("programmes:building-create", args=[compound.pk])
    data = {"name": "1栋", "floors": 6, "units": 2, "households": 48}

    first = official.post(url, data)

    assert first.status_code == 200
    html = first.content.decode()
    assert "building_households_above_compound" in html
    assert 'name="confirm_warnings"' in html
    assert "确认无误，继续保存" in html
    assert "多于所在小区" in html
    assert not Building.objects.exists()

    second = official.post(url, {**data, "confirm_warnings": "on"})

    assert second.status_code == 302
    building = Building.objects.get()
    assert building.households == 48
    assert "building_households_above_compound" in building.history.first().history_change_reason


def test_official_merges_a_duplicate_from_the_compound_page(official, street_a):
    kept = factories.CompoundFactory(street=street_a, name="芳草苑")
    duplicate = factories.CompoundFactory(street=street_a, name="芳草小区")
    factories.BuildingFactory(compound=duplicate, name="3栋")

    response = official.post(
        reverse("programmes:compound-merge", args=[kept.pk]),
        {"duplicate": duplicate.pk, "reason": "重复登记", "version": kept.version},
    )

    assert response.status_code == 302
    assert not Compound.objects.filter(pk=duplicate.pk).exists()
    assert Building.objects.get(name="3栋").compound == kept
    assert CompoundMerge.objects.get().kept == kept


def test_another_districts_compound_is_404_on_the_set_up_pages(official, other_district_street):
    theirs = factories.CompoundFactory(street=other_district_street)
    building = factories.BuildingFactory(compound=theirs)

    for url in (
        reverse("programmes:compound-edit", args=[theirs.pk]),
        reverse("programmes:compound-merge", args=[theirs.pk]),
        reverse("programmes:building-create", args=[theirs.pk]),
        reverse("programmes:building-edit", args=[building.pk]),
        reverse("programmes:street-edit", args=[other_district_street.pk]),
    ):
        assert official.get(url).status_code == 404, url


def test_set_up_page_costs_constant_queries(official, district, django_assert_max_num_queries):
    def grow(n: int) -> None:
        for _ in range(n):
            street = factories.StreetFactory(district=district)
            factories.CommunityFactory.create_batch(2, street=street)
            factories.CompoundFactory(street=street)
            factories.AreaFactory(district=district)

    grow(2)
    with django_assert_max_num_queries(30) as small:
        assert official.get(reverse("programmes:geography")).status_code == 200
    grow(15)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert official.get(reverse("programmes:geography")).status_code == 200

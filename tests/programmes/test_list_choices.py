"""The compound list's place selects list one level at a time, so a national form never renders
every street of the country; any street in scope is still accepted as a filter."""

from __future__ import annotations

import pytest
from django.urls import reverse

from programmes.models import Street
from renovation.models import User
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def national(db):
    return factories.UserFactory(username="national", role=User.Role.CITY_VIEWER)


def choices(response, name: str) -> set[int]:
    field = response.context["filter"].form.fields[name]
    return {obj.pk for obj in field.queryset}


def test_national_form_lists_cities_and_no_street_until_a_district_is_chosen(
    client, national, street_a, street_b, other_district_street, other_city_street
):
    client.force_login(national)

    response = client.get(reverse("programmes:compound-list"))

    assert response.status_code == 200
    assert choices(response, "street") == set()
    assert choices(response, "district") == set()
    assert len(choices(response, "city")) == 2
    assert street_a.name not in response.content.decode()


def test_choosing_a_district_lists_its_streets_only(
    client, national, district, street_a, street_b, other_district_street
):
    client.force_login(national)

    response = client.get(reverse("programmes:compound-list"), {"district": district.pk})

    assert choices(response, "street") == {street_a.pk, street_b.pk}


def test_any_street_in_scope_filters_even_when_not_listed(
    client, national, street_a, other_city_street
):
    factories.CompoundFactory(street=street_a, name="浣花小区")
    factories.CompoundFactory(street=other_city_street, name="崇川小区")
    client.force_login(national)

    response = client.get(reverse("programmes:compound-list"), {"street": other_city_street.pk})

    assert [c.name for c in response.context["page"]] == ["崇川小区"]
    assert choices(response, "street") == {other_city_street.pk}  # the chosen one stays shown


def test_district_official_sees_their_streets_and_no_place_above(
    client, district_official, street_a, street_b, other_district_street
):
    client.force_login(district_official)

    response = client.get(reverse("programmes:compound-list"))

    assert choices(response, "street") == set(
        Street.objects.filter(district=district_official.district).values_list("pk", flat=True)
    )
    html = response.content.decode()
    assert 'type="hidden" name="district"' in html
    assert 'type="hidden" name="city"' in html


def test_a_street_outside_scope_is_refused_like_a_missing_one(
    client, district_official, other_district_street
):
    client.force_login(district_official)

    response = client.get(reverse("programmes:compound-list"), {"street": other_district_street.pk})

    assert response.status_code == 200
    assert response.context["filter"].form.errors["street"]

"""Province scope (省住建厅): viewers and API clients of a province read its cities and nothing
else; the rollup has a province level, the sum of its cities."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from rest_framework.test import APIClient

from programmes.models import Compound
from renovation.models import ScopeKind, User
from reporting.models import ScopeSnapshot
from reporting.rollups import services as rollups
from reporting.rollups.compute import total
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def provinces(db):
    """Province P with two cities (three compounds, two started this year), province Q with one
    city (one compound)."""
    p = factories.ProvinceFactory(name="四川省")
    q = factories.ProvinceFactory(name="云南省")
    made = {}
    for key, province, households in (
        ("p1", p, 100),
        ("p1b", p, 120),
        ("p2", p, 80),
        ("q1", q, 60),
    ):
        city_key = key[:2]
        city = made.get(city_key) or factories.CityFactory(province=province)
        made[city_key] = city
        street = factories.StreetFactory(district=factories.DistrictFactory(city=city))
        compound = factories.CompoundFactory(street=street, name=f"{key}院", households=households)
        factories.ProjectFactory(compound=compound, in_construction=key != "p2")
    return p, q, made


@pytest.fixture
def province_viewer(provinces):
    return factories.UserFactory(
        username="sheng", role=User.Role.CITY_VIEWER, province=provinces[0]
    )


def test_province_viewer_reads_its_province_only(provinces, province_viewer):
    names = set(Compound.objects.visible_to(province_viewer).values_list("name", flat=True))
    assert names == {"p1院", "p1b院", "p2院"}


def test_province_viewer_pages_and_api(client, provinces, province_viewer):
    client.force_login(province_viewer)
    page = client.get(reverse("programmes:compound-list")).content.decode()
    assert "p1院" in page
    assert "q1院" not in page
    api = APIClient()
    api.force_authenticate(province_viewer)
    rows = api.get(reverse("api:compound-list")).json()["results"]
    assert {row["name"] for row in rows} == {"p1院", "p1b院", "p2院"}
    progress = api.get(reverse("api:statistics-progress")).json()["results"]
    assert sum(row["started"] for row in progress) == 2  # q1's start is not counted


def test_province_scope_is_for_readers_only(provinces):
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.UserFactory(
            role=User.Role.DISTRICT_OFFICIAL,
            province=provinces[0],
            district=factories.DistrictFactory(),
        )


def test_province_rollup_is_the_sum_of_its_cities(provinces):
    p, q, cities = provinces
    rollups.rollup_full()
    province = ScopeSnapshot.objects.get(scope_kind=ScopeKind.PROVINCE, scope_id=p.pk)
    city_snapshots = list(
        ScopeSnapshot.objects.filter(
            scope_kind=ScopeKind.CITY, scope_id__in=[cities["p1"].pk, cities["p2"].pk]
        )
    )
    assert province.compounds == 3 == sum(s.compounds for s in city_snapshots)
    assert province.households == 300
    assert province.started == 2 == sum(s.started for s in city_snapshots)
    expected = total(ScopeKind.PROVINCE, [s.figures for s in city_snapshots])
    assert province.figures == expected
    other = ScopeSnapshot.objects.get(scope_kind=ScopeKind.PROVINCE, scope_id=q.pk)
    assert other.compounds == 1
    # Twice: the same snapshots.
    rollups.rollup_full()
    assert ScopeSnapshot.objects.get(pk=province.pk).figures == province.figures


def test_a_refresh_updates_the_province(provinces):
    p, _q, cities = provinces
    rollups.rollup_full()
    street = factories.StreetFactory(district=factories.DistrictFactory(city=cities["p2"]))
    compound = factories.CompoundFactory(street=street, households=40)
    project = factories.ProjectFactory(compound=compound, in_construction=True)
    rollups.mark_dirty(project_ids=[project.pk])
    rollups.rollup_refresh()
    province = ScopeSnapshot.objects.get(scope_kind=ScopeKind.PROVINCE, scope_id=p.pk)
    assert province.compounds == 4
    assert province.started == 3


def test_province_statistics_page(client, provinces, province_viewer, city_viewer):
    p, q, _cities = provinces
    rollups.rollup_full()
    client.force_login(province_viewer)
    response = client.get(reverse("rollups:scope", args=["province", p.pk]))
    assert response.status_code == 200
    assert "四川省" in response.content.decode()
    assert client.get(reverse("rollups:scope", args=["province", q.pk])).status_code == 404
    home = client.get(reverse("home"))
    assert home.status_code == 200
    client.force_login(city_viewer)
    assert client.get(reverse("rollups:scope", args=["province", p.pk])).status_code == 404


def test_audit_trail_lists_people_and_key_changes(
    client, city, district_official, street_a, district
):
    from renovation import people_services

    auditor = factories.UserFactory(username="shenji", role=User.Role.AUDITOR, city=city)
    officer = people_services.user_create(
        by=district_official,
        username="new-officer",
        role=User.Role.STREET_OFFICER,
        street=street_a,
        password="Qingyang-2026-site",
    )
    key, _secret = people_services.api_key_issue(by=district_official, name="审计可见")
    people_services.api_key_revoke(by=district_official, key=key, reason="测试撤销")
    people_services.user_set_active(
        by=district_official, user=officer, active=False, reason="调离岗位"
    )
    client.force_login(auditor)
    text = client.get(reverse("audit:trail")).content.decode()
    assert "new-officer" in text
    assert "调离岗位" in text
    assert "审计可见" in text
    assert "测试撤销" in text
    # Another city's auditor sees none of it.
    stranger = factories.UserFactory(
        username="waidi", role=User.Role.AUDITOR, city=factories.CityFactory()
    )
    client.force_login(stranger)
    assert "new-officer" not in client.get(reverse("audit:trail")).content.decode()


def test_every_scoped_model_filters_by_province(provinces, province_viewer):
    """Each model's scope paths lead to a province (derived from its path to the city)."""
    from django.apps import apps

    from renovation.access import ScopedQuerySet

    checked = 0
    for model in apps.get_models():
        queryset = model._default_manager.all()
        if isinstance(queryset, ScopedQuerySet):
            list(queryset.visible_to(province_viewer)[:1])  # a bad path raises FieldError
            checked += 1
    assert checked >= 20

"""The scope rules of renovation.access, checked against real querysets of every level."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from governance.models import OpinionSurvey
from programmes.models import (
    Area,
    Building,
    City,
    Compound,
    District,
    Programme,
    ProgressReport,
    Project,
    SiteProblem,
    Street,
    WorkItem,
)
from renovation.access import can_approve_in_district, can_file_street_records, require
from renovation.models import User
from tests import factories


@pytest.fixture
def world(street_a, street_b, other_district_street, other_city_street, programme):
    """One project with its dependent rows in each of four streets."""
    rows = {}
    for key, street in {
        "a": street_a,
        "b": street_b,
        "other_district": other_district_street,
        "other_city": other_city_street,
    }.items():
        own_programme = {"programme": programme} if street.district == programme.district else {}
        project = factories.ProjectFactory(
            compound__street=street, in_construction=True, **own_programme
        )
        factories.BuildingFactory(compound=project.compound)
        factories.WorkItemFactory(project=project)
        factories.SiteProblemFactory(project=project)
        factories.OpinionSurveyFactory(project=project)
        factories.AreaFactory(district=street.district)
        ProgressReport.objects.create(project=project, report_date=project.started_on)
        rows[key] = project
    return rows


SCOPED_BY_COMPOUND = [
    (Compound, "street"),
    (Building, "compound__street"),
    (Project, "compound__street"),
    (WorkItem, "project__compound__street"),
    (ProgressReport, "project__compound__street"),
    (SiteProblem, "project__compound__street"),
    (OpinionSurvey, "project__compound__street"),
]


def streets_of(model, path, user) -> set[int]:
    return set(model.objects.visible_to(user).values_list(f"{path}__pk", flat=True))


@pytest.mark.parametrize(("model", "path"), SCOPED_BY_COMPOUND)
@pytest.mark.parametrize(
    ("user_fixture", "visible"),
    [
        ("street_officer", {"a"}),
        ("district_official", {"a", "b"}),
        ("other_district_official", {"other_district"}),
        ("city_viewer", {"a", "b", "other_district"}),
        ("api_client_user", {"a", "b", "other_district"}),
    ],
)
def test_visible_to_keeps_records_in_the_users_scope(
    request, world, model, path, user_fixture, visible
):
    user = request.getfixturevalue(user_fixture)

    seen = streets_of(model, path, user)

    assert seen == {world[key].compound.street_id for key in visible}


@pytest.mark.parametrize(("model", "path"), SCOPED_BY_COMPOUND)
def test_unscoped_viewer_and_superuser_read_everything(world, model, path):
    everyone = {p.compound.street_id for p in world.values()}
    viewer = factories.UserFactory(role=User.Role.CITY_VIEWER)
    api = factories.UserFactory(role=User.Role.API_CLIENT)
    root = factories.UserFactory(
        is_superuser=True, role=User.Role.STREET_OFFICER, street=world["a"].compound.street
    )

    for user in (viewer, api, root):
        assert streets_of(model, path, user) == everyone


@pytest.mark.parametrize(("model", "_path"), SCOPED_BY_COMPOUND)
def test_anonymous_and_inactive_users_read_nothing(world, street_officer, model, _path):
    street_officer.is_active = False

    assert not model.objects.visible_to(AnonymousUser()).exists()
    assert not model.objects.visible_to(None).exists()
    assert not model.objects.visible_to(street_officer).exists()


def test_levels_above_the_street_are_read_at_the_users_own_level(
    world, street_officer, district_official, city_viewer, district, city
):
    # a street officer reads its own district's programmes and areas, not another's
    assert set(District.objects.visible_to(street_officer)) == {district}
    assert set(City.objects.visible_to(street_officer)) == {city}
    assert set(Street.objects.visible_to(street_officer)) == {street_officer.street}
    assert {a.district_id for a in Area.objects.visible_to(street_officer)} == {district.pk}
    assert {p.district_id for p in Programme.objects.visible_to(street_officer)} == {district.pk}
    # a district official reads all streets of the district
    assert {s.district_id for s in Street.objects.visible_to(district_official)} == {district.pk}
    assert Street.objects.visible_to(district_official).count() == 2
    # a city viewer reads the districts of its city only
    assert {d.city_id for d in District.objects.visible_to(city_viewer)} == {city.pk}
    assert District.objects.visible_to(city_viewer).count() == 2


def test_a_scoped_role_without_its_scope_cannot_be_saved(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="nobody", role=User.Role.STREET_OFFICER)
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="nowhere", role=User.Role.DISTRICT_OFFICIAL)


def test_who_files_and_who_approves(
    street_officer,
    street_officer_b,
    district_official,
    other_district_official,
    city_viewer,
    street_a,
    district,
):
    assert can_file_street_records(street_officer, street_a.pk)
    assert not can_file_street_records(street_officer_b, street_a.pk)
    assert not can_file_street_records(district_official, street_a.pk)
    assert not can_file_street_records(city_viewer, street_a.pk)

    assert can_approve_in_district(district_official, district.pk)
    assert not can_approve_in_district(other_district_official, district.pk)
    assert not can_approve_in_district(street_officer, district.pk)
    assert not can_approve_in_district(city_viewer, district.pk)

    root = factories.UserFactory(is_superuser=True)
    assert can_file_street_records(root, street_a.pk)
    assert can_approve_in_district(root, district.pk)


def test_require_raises_permission_denied_with_the_message():
    require(True)
    with pytest.raises(PermissionDenied, match="街道"):
        require(False, "只有街道办可以填报")


def test_scope_label_names_the_narrowest_level(street_officer, district_official, city_viewer):
    assert street_officer.scope_label == "草堂街道"
    assert district_official.scope_label == "青羊区"
    assert city_viewer.scope_label == "成都市"

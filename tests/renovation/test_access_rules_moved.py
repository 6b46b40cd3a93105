"""The "who may" rules that lived in funding, governance, reporting and the API permissions,
now in renovation/access.py: each one decided for every role, as its callers relied on."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from renovation import access
from renovation.models import User
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def everyone(street_a, district, city, city_viewer, district_official, street_officer):
    return {
        "superuser": factories.UserFactory(is_superuser=True),
        "national viewer": factories.UserFactory(role=User.Role.CITY_VIEWER),
        "national api client": factories.UserFactory(role=User.Role.API_CLIENT),
        "city viewer": city_viewer,
        "city api client": factories.UserFactory(role=User.Role.API_CLIENT, city=city),
        "auditor": factories.UserFactory(role=User.Role.AUDITOR, district=district),
        "district official": district_official,
        "street officer": street_officer,
    }


def _who(everyone, rule) -> set[str]:
    return {name for name, user in everyone.items() if rule(user)}


def test_only_an_unscoped_viewer_or_api_client_reads_the_whole_instance(everyone):
    assert _who(everyone, access.reads_whole_instance) == {
        "superuser",  # a city viewer by role, with no scope
        "national viewer",
        "national api client",
    }
    unscoped_official = User(role=User.Role.DISTRICT_OFFICIAL)
    assert not access.reads_whole_instance(unscoped_official)


def test_personal_data_is_unmasked_for_the_street_and_its_district_only(
    everyone, street_a, street_b, district, other_district
):
    def sees(street, district_id):
        return _who(
            everyone,
            lambda user: access.can_see_personal_data(
                user, street_id=street.pk, district_id=district_id
            ),
        )

    assert sees(street_a, district.pk) == {"superuser", "district official", "street officer"}
    assert sees(street_b, district.pk) == {"superuser", "district official"}
    assert sees(street_b, other_district.pk) == {"superuser"}
    assert not access.can_see_personal_data(AnonymousUser(), street_id=1, district_id=1)


def test_district_officials_and_administrators_recompute_and_import_a_census(everyone):
    assert _who(everyone, access.can_request_recompute) == {"superuser", "district official"}
    assert _who(everyone, access.can_import_census) == {"superuser", "district official"}
    assert not access.can_request_recompute(AnonymousUser())


def test_auditors_and_api_clients_are_the_read_only_roles(everyone):
    assert _who(everyone, access.is_read_only_role) == {
        "national api client",
        "city api client",
        "auditor",
    }
    assert _who(everyone, access.is_auditor) == {"auditor"}


def test_only_street_officers_and_district_officials_hold_progress_keys(everyone):
    assert _who(everyone, access.may_hold_progress_key) == {
        "district official",
        "street officer",
    }


def test_reminders_go_to_the_street_officers_and_district_officials_in_charge(
    everyone, street_a, street_b, district, other_district, street_officer_b
):
    def reminded(street_ids, district_ids):
        q = access.responsible_users_q(street_ids=street_ids, district_ids=district_ids)
        return set(User.objects.filter(q).values_list("username", flat=True))

    assert reminded([street_a.pk], []) == {"street_a"}
    assert reminded([street_a.pk, street_b.pk], [district.pk]) == {
        "street_a",
        "street_b",
        "district",
    }
    assert reminded([], [other_district.pk]) == set()
    assert _who(everyone, access.is_street_officer) == {"street officer"}


def test_money_is_written_by_the_street_in_charge_and_its_district(
    everyone, project, programme, other_district_official
):
    everyone["other district official"] = other_district_official
    on_project = _who(everyone, lambda user: access.can_write_project_money(user, project))
    on_programme = _who(everyone, lambda user: access.can_manage_programme_money(user, programme))

    assert on_project == {"superuser", "district official", "street officer"}
    assert on_programme == {"superuser", "district official"}

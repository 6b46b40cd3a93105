"""Dates and times of year 1 or 9999 are refused everywhere with a clear message, the database
refuses them too, and every stored value reads back (issue 17, findings 1 and 8)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from governance import services
from governance.models import Disclosure, ResidentCommittee, Suggestion
from programmes.models import Compound
from renovation import validation
from tests import factories
from tests.api.conftest import (  # noqa: F401 (fixtures)
    _api_isolation,
    client_for,
    street_api,
)

YEAR_1 = dt.date(1, 1, 1)
YEAR_9999 = dt.date(9999, 12, 31)


@pytest.mark.parametrize("day", [YEAR_1, YEAR_9999, dt.date(1989, 12, 31)])
def test_committee_formed_out_of_range_is_refused(project, street_officer, day):
    with pytest.raises(ValidationError) as error:
        services.committee_create(
            compound=project.compound,
            by=street_officer,
            kind="self_renovation",
            name="自改委",
            formed_on=day,
        )

    assert "formed_on" in error.value.message_dict
    assert not ResidentCommittee.objects.exists()


def test_committee_term_far_ahead_is_refused(project, street_officer, today):
    with pytest.raises(ValidationError) as error:
        services.committee_create(
            compound=project.compound,
            by=street_officer,
            kind="self_renovation",
            name="自改委",
            formed_on=today,
            term_ends_on=YEAR_9999,
        )

    assert "term_ends_on" in error.value.message_dict


@pytest.mark.parametrize(
    ("service", "kwargs"),
    [
        (
            "meeting_record",
            {"kind": "courtyard", "attendance": 10, "topics": "方案"},
        ),
        (
            "owner_vote_create",
            {
                "matter": "renovate",
                "title": "改造表决",
                "eligible_owners": 100,
                "eligible_area": Decimal("9000.00"),
            },
        ),
    ],
)
def test_meetings_and_votes_of_year_1_are_refused(project, street_officer, service, kwargs):
    with pytest.raises(ValidationError) as error:
        getattr(services, service)(
            compound=project.compound, by=street_officer, held_on=YEAR_1, **kwargs
        )

    assert "held_on" in error.value.message_dict


@pytest.mark.parametrize("key", ["window_starts_on", "window_ends_on", "objection_deadline"])
def test_disclosure_window_of_year_9999_is_refused(project, street_officer, today, key):
    dates = {
        "window_starts_on": today,
        "window_ends_on": today + dt.timedelta(days=10),
        "objection_deadline": today + dt.timedelta(days=5),
    }
    dates[key] = YEAR_9999 if key != "window_starts_on" else YEAR_1

    with pytest.raises(ValidationError) as error:
        services.disclosure_create(
            project=project, by=street_officer, title="公示", summary="改造内容", **dates
        )

    assert key in error.value.message_dict
    assert not Disclosure.objects.exists()


def test_management_starting_in_year_9999_is_refused(project, street_officer):
    with pytest.raises(ValidationError) as error:
        services.long_term_management_record(
            compound=project.compound,
            by=street_officer,
            mode="property_company",
            fee_per_m2=Decimal("0.50"),
            starts_on=YEAR_9999,
        )

    assert "starts_on" in error.value.message_dict


def test_suggestion_page_with_year_1_is_a_form_error(client, street_officer, project):
    client.force_login(street_officer)

    response = client.post(
        reverse("governance:suggestion-create", args=[project.compound_id]),
        {
            "kind": "complaint",
            "channel": "phone",
            "text": "噪音太大",
            "received_at": "0001-01-01T00:00",
        },
    )

    assert response.status_code == 200
    assert "received_at" in response.context["form"].errors
    assert not Suggestion.objects.exists()


@pytest.mark.parametrize("received_at", ["0001-01-01", "0001-01-01T00:00:00", "9999-12-31"])
def test_api_suggestion_with_year_1_received_at_is_a_400(street_api, project, received_at):  # noqa: F811
    response = street_api.post(
        reverse("api:suggestion-list"),
        {
            "compound": project.compound_id,
            "kind": "suggestion",
            "channel": "visit",
            "text": "希望增设充电桩",
            "received_at": received_at,
        },
        format="json",
    )

    assert response.status_code == 400, response.content
    assert "received_at" in response.json()["errors"]
    assert not Suggestion.objects.exists()


def test_year_built_before_1900_fails_model_validation(project):
    compound = project.compound
    compound.year_built = 1066

    with pytest.raises(ValidationError) as error:
        compound.full_clean()

    assert "year_built" in error.value.message_dict


@pytest.mark.parametrize(
    ("model_field", "value"),
    [
        ("received_at", dt.datetime(1, 1, 2, tzinfo=dt.UTC)),
        ("received_at", dt.datetime(9999, 1, 1, tzinfo=dt.UTC)),
    ],
)
def test_the_database_refuses_a_suggestion_out_of_range(project, model_field, value):
    with pytest.raises(IntegrityError), transaction.atomic():
        Suggestion.objects.create(
            compound=project.compound,
            kind="complaint",
            channel="phone",
            text="x",
            **{model_field: value},
        )


def test_the_database_refuses_a_year_built_of_1066(project):
    with pytest.raises(IntegrityError), transaction.atomic():
        Compound.objects.filter(pk=project.compound_id).update(year_built=1066)


def test_boundary_values_are_stored_and_read_back(project, street_officer):
    earliest = dt.datetime(1990, 1, 1, 8, 0, tzinfo=timezone.get_current_timezone())
    suggestion = services.suggestion_record(
        compound=project.compound,
        by=street_officer,
        kind="complaint",
        channel="phone",
        text="边界时间的建议内容",
        received_at=earliest,
    )

    stored = Suggestion.objects.get(pk=suggestion.pk)

    assert stored.received_at == earliest
    assert list(Suggestion.objects.values_list("received_at", flat=True)) == [earliest]


def test_validator_names_both_bounds_in_the_message():
    with pytest.raises(ValidationError) as error:
        validation.event_date(YEAR_1)

    assert "1990" in error.value.messages[0]


def test_factory_default_dates_are_in_range(project):
    factories.AcceptanceRecordFactory(project=project, accepted_on=timezone.localdate())

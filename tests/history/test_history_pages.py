"""The pages of history with its real dates: the stage page's effective date, the historical
record page (warnings to confirm, conflicts, constant queries) and the project's history."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from programmes.models import Project, Stage
from tests import factories


@pytest.fixture
def surveyed(programme, street_a):
    return factories.ProjectFactory(
        programme=programme, compound__street=street_a, stage=Stage.SURVEYED
    )


def stage_dates(**extra) -> dict:
    return {
        "date_consultation": "2020-10-01",
        "date_design": "2020-11-01",
        "date_approved": "2020-12-01",
        "date_tendering": "2021-01-10",
        "date_construction": "2021-03-01",
        **extra,
    }


def test_stage_page_takes_an_effective_date(client, district_official, programme, street_a):
    project = factories.ProjectFactory(
        programme=programme, compound__street=street_a, stage=Stage.TENDERING, contractor="某建工"
    )
    client.force_login(district_official)

    response = client.post(
        reverse("programmes:stage-change", args=[project.pk]),
        {
            "to_stage": "construction",
            "reason": "补录开工",
            "effective_date": "2022-04-06",
            "version": project.version,
        },
    )

    assert response.status_code == 302
    project.refresh_from_db()
    assert project.started_on == dt.date(2022, 4, 6)
    page = client.get(project.get_absolute_url()).content.decode()
    assert "2022" in page


def test_historical_record_page_enters_the_project_and_shows_the_waiver(
    client, district_official, surveyed
):
    item = factories.WorkItemFactory(project=surveyed, planned_quantity=Decimal("50"))
    client.force_login(district_official)

    response = client.post(
        reverse("programmes:historical-record", args=[surveyed.pk]),
        {
            **stage_dates(date_accepted="2021-09-30"),
            "reason": "区住建局2021年台账",
            "residents_present": "6",
            f"item_{item.pk}": "50",
            "money_sub_type": "district_budget",
            "money_funder": "区财政",
            "money_amount": "200000",
            "money_received": "200000",
            "money_received_on": "2021-02-01",
            "version": surveyed.version,
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    surveyed.refresh_from_db()
    assert surveyed.stage == Stage.ACCEPTED
    assert (surveyed.started_on, surveyed.completed_on) == (
        dt.date(2021, 3, 1),
        dt.date(2021, 9, 30),
    )
    page = client.get(surveyed.get_absolute_url()).content.decode()
    assert page.count("区住建局2021年台账") >= 6  # each waived transition names its reason


def test_historical_record_page_asks_to_confirm_a_warning(client, district_official, surveyed):
    client.force_login(district_official)
    url = reverse("programmes:historical-record", args=[surveyed.pk])
    data = {
        **stage_dates(date_accepted="2021-09-30"),
        "accepted_on": "2021-02-01",
        "reason": "补录",
        "residents_present": "2",
        "version": surveyed.version,
    }

    warned = client.post(url, data)

    assert warned.status_code == 200
    assert "confirm_warnings" in warned.content.decode()
    assert Project.objects.get(pk=surveyed.pk).stage == Stage.SURVEYED
    confirmed = client.post(url, {**data, "confirm_warnings": "on"})
    assert confirmed.status_code == 302
    assert Project.objects.get(pk=surveyed.pk).completed_on == dt.date(2021, 2, 1)


def test_historical_record_page_stale_form_is_a_conflict(client, district_official, surveyed):
    client.force_login(district_official)
    Project.objects.filter(pk=surveyed.pk).update(version=surveyed.version + 1)

    response = client.post(
        reverse("programmes:historical-record", args=[surveyed.pk]),
        {**stage_dates(), "reason": "补录", "version": surveyed.version},
    )

    assert response.status_code == 409
    assert Project.objects.get(pk=surveyed.pk).stage == Stage.SURVEYED


def test_historical_record_page_query_count_is_constant(
    client, district_official, surveyed, django_assert_max_num_queries
):
    factories.WorkItemFactory.create_batch(2, project=surveyed)
    client.force_login(district_official)
    url = reverse("programmes:historical-record", args=[surveyed.pk])
    with django_assert_max_num_queries(20) as small:
        assert client.get(url).status_code == 200

    factories.WorkItemFactory.create_batch(25, project=surveyed)

    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count('name="item_') == 27

"""Per-household work (unit 户) planned above the compound's households is a plausibility
warning to confirm (issue 13, point 6): the API answers 400 with the warning and saves nothing
until the request confirms; the page shows the warning with its confirmation box."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from programmes.models import AcceptanceRecord, Stage, WorkItem, WorkType
from programmes.work_setup_services import work_item_add
from renovation.warnings import WarningsNotConfirmed
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def gas(db) -> WorkType:
    return factories.WorkTypeFactory(unit=WorkType.Unit.HOUSEHOLD, name_zh="燃气入户（测试）")


@pytest.fixture
def small_project(programme, street_a):
    return factories.ProjectFactory(
        programme=programme,
        compound__street=street_a,
        compound__households=120,
        stage=Stage.DESIGN,
    )


def test_the_service_asks_to_confirm_then_saves(small_project, gas, district_official):
    with pytest.raises(WarningsNotConfirmed) as refused:
        work_item_add(
            project=small_project,
            by=district_official,
            work_type=gas,
            planned_quantity=Decimal("300"),
        )
    assert "120" in " ".join(refused.value.messages)
    assert not WorkItem.objects.filter(project=small_project).exists()

    item = work_item_add(
        project=small_project,
        by=district_official,
        work_type=gas,
        planned_quantity=Decimal("300"),
        confirm_warnings=True,
    )
    assert item.planned_quantity == Decimal("300")
    # Within the households there is nothing to confirm.
    other = factories.WorkTypeFactory(unit=WorkType.Unit.HOUSEHOLD)
    work_item_add(
        project=small_project,
        by=district_official,
        work_type=other,
        planned_quantity=Decimal("120"),
    )


def test_the_api_answers_400_with_the_warning_until_confirmed(district_api, small_project, gas):
    body = {"project": small_project.pk, "work_type": gas.code, "planned_quantity": "300"}
    first = district_api.post(reverse("api:work-item-list"), body, format="json")
    assert first.status_code == 400
    assert first.json()["code"] == "warnings"
    assert not WorkItem.objects.filter(project=small_project).exists()

    second = district_api.post(
        reverse("api:work-item-list"), {**body, "confirm_warnings": True}, format="json"
    )
    assert second.status_code == 201, second.content
    assert WorkItem.objects.get(project=small_project).planned_quantity == Decimal("300")


def test_the_page_shows_the_warning_and_saves_once_confirmed(
    client, district_official, small_project, gas
):
    client.force_login(district_official)
    url = reverse("programmes:setup-work-item-add", args=[small_project.pk])
    form = {"work_type": gas.pk, "planned_quantity": "300", "budget": "0"}

    shown = client.post(url, form)
    assert shown.status_code == 200
    assert "120" in shown.content.decode()
    assert 'name="confirm_warnings"' in shown.content.decode()
    assert not WorkItem.objects.filter(project=small_project).exists()

    saved = client.post(url, {**form, "confirm_warnings": "on"})
    assert saved.status_code == 302
    assert WorkItem.objects.filter(project=small_project, work_type=gas).exists()


def test_an_acceptance_before_the_start_is_a_warning_to_confirm(district_api, programme, street_a):
    project = factories.ProjectFactory(
        programme=programme,
        compound__street=street_a,
        stage=Stage.CONSTRUCTION,
        started_on=dt.date(2025, 3, 1),
    )
    body = {
        "project": project.pk,
        "accepted_on": "2025-02-01",
        "residents_present": 5,
        "participants": "区住建局、街道办、监理单位",
    }
    first = district_api.post(reverse("api:acceptance-record-list"), body, format="json")
    assert first.status_code == 400
    assert first.json()["code"] == "warnings"
    assert not AcceptanceRecord.objects.filter(project=project).exists()

    second = district_api.post(
        reverse("api:acceptance-record-list"), {**body, "confirm_warnings": True}, format="json"
    )
    assert second.status_code == 201, second.content
    assert AcceptanceRecord.objects.get(project=project).accepted_on == dt.date(2025, 2, 1)

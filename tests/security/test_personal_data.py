"""Residents' names and phone numbers reach only the roles that need them (the street office of
the record's street and the district's officials): exports, API lists and CSV files, and the
audit trail mask them for everyone else; public pages never show them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from governance import services as governance
from tests.reports.conftest import workbook
from tests.security.conftest import MEMBER_NAME, MEMBER_PHONE

CONTACT = "13987654321"
SECRETS = (MEMBER_NAME, MEMBER_PHONE, CONTACT)


def _text(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8-sig")
    return response.content.decode("utf-8-sig")


def _xlsx_text(response) -> str:
    book = workbook(response)
    return repr([list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets])


@pytest.fixture
def suggestion(project, street_officer):
    return governance.suggestion_record(
        compound=project.compound,
        by=street_officer,
        kind="suggestion",
        channel="phone",
        text="希望增加停车位。",
        contact=CONTACT,
    )


def _api(user) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return api


@pytest.mark.parametrize("who", ["city_viewer", "city_auditor", "api_client_user"])
def test_ledger_exports_mask_members_for_roles_that_do_not_call_them(
    request, client, committee, who
):
    client.force_login(request.getfixturevalue(who))

    book = _xlsx_text(client.get(reverse("reports:ledger-xlsx")))
    members_csv = _text(client.get(reverse("reports:ledger-csv"), {"sheet": "members"}))
    governance_csv = _text(client.get(reverse("reports:ledger-csv"), {"sheet": "governance"}))

    for text in (book, members_csv):
        assert "张**" in text
        assert "138****5678" in text
    for text in (book, members_csv, governance_csv):
        for secret in SECRETS:
            assert secret not in text, (who, secret)


@pytest.mark.parametrize("who", ["street_officer", "district_official"])
def test_the_street_office_and_the_district_export_full_names(request, client, committee, who):
    client.force_login(request.getfixturevalue(who))

    members_csv = _text(client.get(reverse("reports:ledger-csv"), {"sheet": "members"}))

    assert MEMBER_NAME in members_csv
    assert MEMBER_PHONE in members_csv


def test_other_exports_and_reports_carry_no_personal_data(
    client, city_auditor, committee, suggestion, district, today
):
    client.force_login(city_auditor)
    responses = [
        client.get(reverse("reports:annual-return"), {"district": district.pk, "year": today.year}),
        client.get(
            reverse("reports:monthly-return"),
            {"district": district.pk, "year": today.year, "month": today.month},
        ),
        client.get(reverse("reports:weekly"), {"district": district.pk}),
        client.get(
            reverse("reports:monthly"), {"district": district.pk, "month": today.strftime("%Y-%m")}
        ),
    ]

    for response in responses:
        assert response.status_code == 200, response.wsgi_request.get_full_path()
        text = (
            _xlsx_text(response) if "spreadsheet" in response["Content-Type"] else _text(response)
        )
        for secret in SECRETS:
            assert secret not in text


@pytest.mark.parametrize("who", ["city_viewer", "city_auditor", "api_client_user"])
def test_api_and_its_csv_mask_members_and_contacts(request, committee, suggestion, who):
    api = _api(request.getfixturevalue(who))

    committee_json = api.get(reverse("api:committee-detail", args=[committee.pk])).content
    committees_csv = api.get(reverse("api:committee-list"), {"format": "csv"}).content
    suggestions_csv = api.get(reverse("api:suggestion-list"), {"format": "csv"}).content
    suggestions_json = api.get(reverse("api:suggestion-list")).json()

    assert suggestions_json["results"][0]["contact"] == "139****4321"
    for body in (committee_json, committees_csv, suggestions_csv):
        text = body.decode("utf-8-sig")
        for secret in SECRETS:
            assert secret not in text, (who, secret)


def test_the_public_page_shows_no_member_or_contact(
    client, project, street_officer, committee, suggestion, today
):
    disclosure = governance.disclosure_create(
        project=project,
        by=street_officer,
        title="改造方案公示",
        summary="改造雨污管网。",
        window_starts_on=today - dt.timedelta(days=1),
        window_ends_on=today + dt.timedelta(days=5),
        objection_deadline=today + dt.timedelta(days=3),
    )
    disclosure = governance.disclosure_update(
        disclosure=disclosure,
        by=street_officer,
        version=disclosure.version,
        title="改造方案公示",
        summary="改造雨污管网。",
        window_starts_on=today - dt.timedelta(days=1),
        window_ends_on=today + dt.timedelta(days=5),
        objection_deadline=today + dt.timedelta(days=3),
        published=True,
    )

    for name in ("public-disclosure", "public-disclosure-print"):
        response = client.get(reverse(f"governance:{name}", args=[disclosure.token]))
        assert response.status_code == 200
        for secret in (*SECRETS, "张**", "138****5678"):
            assert secret not in response.content.decode(), (name, secret)

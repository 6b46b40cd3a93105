"""Quantities hold ASCII digits and one optional decimal point only; a committee name made of
invisible marks alone is refused (issue 17, finding 8)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from funding.services import parse_amount
from governance import services
from governance.models import ResidentCommittee
from programmes.models import ProgressReport
from renovation.validation import plain_decimal
from tests.api.conftest import _api_isolation, client_for, street_api  # noqa: F401 (fixtures)

NOT_PLAIN = ["1_000", "٣", "１２３", "1.2.3", "1e3", " NaN", "Infinity", "0x10"]


@pytest.mark.parametrize("text", NOT_PLAIN)
def test_plain_decimal_refuses_what_python_would_read(text):
    with pytest.raises(ValidationError):
        plain_decimal(text)


@pytest.mark.parametrize(("text", "value"), [("12", "12"), ("0.5", "0.5"), (" 100.50 ", "100.50")])
def test_plain_decimal_reads_plain_numbers(text, value):
    assert plain_decimal(text) == Decimal(value)


def test_amounts_accept_thousands_commas_but_not_underscores():
    assert parse_amount("1,000.00") == Decimal("1000.00")
    with pytest.raises(ValidationError):
        parse_amount("1_000")


@pytest.mark.parametrize("bad", ["1_000", "٣", "１２３"])
def test_api_progress_quantity_must_be_plain(street_api, project, item_small, today, bad):  # noqa: F811
    response = street_api.post(
        reverse("api:project-progress-reports", args=[project.pk]),
        {
            "report_date": today.isoformat(),
            "lines": [{"work_item": item_small.pk, "quantity_to_date": bad}],
        },
        format="json",
    )

    assert response.status_code == 400, response.content
    assert "lines.0.quantity_to_date" in response.json()["errors"]
    assert not ProgressReport.objects.exists()


@pytest.mark.parametrize("bad", ["1_000", "٣", "１２３"])
def test_page_progress_quantity_must_be_plain(
    client, street_officer, project, item_small, today, bad
):
    client.force_login(street_officer)

    response = client.post(
        reverse("programmes:progress-file", args=[project.pk]),
        {"report_date": today.isoformat(), f"item_{item_small.pk}": bad, "version": ""},
    )

    assert response.status_code == 200
    assert response.context["form"].errors[f"item_{item_small.pk}"]
    assert not ProgressReport.objects.exists()


@pytest.mark.parametrize(
    "name", ["\u200b\u200b", "\u200e\u202d", " \u3000 ", "\u0301\u0301", "\ufeff"]
)
def test_committee_name_of_invisible_marks_is_refused(project, street_officer, today, name):
    with pytest.raises(ValidationError) as error:
        services.committee_create(
            compound=project.compound,
            by=street_officer,
            kind="self_renovation",
            name=name,
            formed_on=today,
        )

    assert "name" in error.value.message_dict
    assert not ResidentCommittee.objects.exists()

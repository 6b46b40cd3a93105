"""Control characters never reach a record, and every export cleans what it writes, so a bad
row saved earlier cannot break an export (issue 17, finding 3)."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from funding.models import Commitment
from programmes.models import SiteProblem
from renovation.xlsx import Column, Table, csv_lines, write_workbook
from tests.api.conftest import _api_isolation, client_for, street_api  # noqa: F401 (fixtures)
from tests.api.test_funding_api import _create, money  # noqa: F401 (fixture)

CONTROL = "供电\x01改造\x1b协议\x7f"


def test_api_input_drops_control_characters(street_api, project):  # noqa: F811
    response = _create(street_api, project=project.pk, reference=CONTROL)

    assert response.status_code == 201, response.content
    assert Commitment.objects.get().reference == "供电改造协议"


def test_page_input_drops_control_characters_but_keeps_line_breaks(client, street_officer, project):
    client.force_login(street_officer)

    client.post(
        reverse("programmes:problem-raise", args=[project.pk]),
        {"title": "雨水井盖\x00缺失", "severity": "critical", "description": "3栋\r\n门口\x08"},
    )

    problem = SiteProblem.objects.get()
    assert (problem.title, problem.description) == ("雨水井盖缺失", "3栋\r\n门口")


def test_district_ledger_exports_a_row_saved_with_control_characters(
    client,
    district_official,
    money,  # noqa: F811
):
    Commitment.objects.filter(pk=money["subsidy"].pk).update(reference=CONTROL)
    client.force_login(district_official)

    xlsx = client.get(reverse("reports:ledger-xlsx"), {"district": district_official.district_id})
    csv_response = client.get(
        reverse("reports:ledger-csv"), {"district": district_official.district_id}
    )

    assert xlsx.status_code == 200
    content = b"".join(xlsx.streaming_content) if xlsx.streaming else xlsx.content
    values = [
        cell for sheet in load_workbook(io.BytesIO(content)) for row in sheet.values for cell in row
    ]
    assert "供电改造协议" in values
    assert csv_response.status_code == 200
    text = (
        b"".join(csv_response.streaming_content) if csv_response.streaming else csv_response.content
    )
    assert b"\x01" not in text


def test_api_csv_drops_control_characters(street_api, money):  # noqa: F811
    Commitment.objects.filter(pk=money["subsidy"].pk).update(reference=CONTROL)

    response = street_api.get(reverse("api:commitment-list"), {"format": "csv"})

    assert response.status_code == 200
    assert "供电改造协议" in response.content.decode("utf-8-sig")
    assert "\x01" not in response.content.decode("utf-8-sig")


def test_workbook_writer_cleans_text_and_never_writes_a_formula():
    table = Table(
        "表\x01", [Column("名称\x02"), Column("数量", "int")], [[CONTROL, 3], ["=1+1", 4]]
    )
    buffer = io.BytesIO()

    write_workbook([table], buffer)

    sheet = load_workbook(io.BytesIO(buffer.getvalue())).active
    assert [cell.value for cell in sheet[1]] == ["名称", "数量"]
    assert sheet["A2"].value == "供电改造协议"
    assert sheet["A3"].data_type == "s"


def test_csv_writer_cleans_text():
    table = Table("t", [Column("名称")], [[CONTROL]])

    rows = list(csv.reader(io.StringIO("".join(csv_lines(table)))))

    assert rows[1] == ["供电改造协议"]


@pytest.mark.parametrize("text", ["\x00", "a\x1fb", "\x85"])
def test_control_characters_are_recognised(text):
    from renovation.validation import has_control_characters

    assert has_control_characters(text)
    assert not has_control_characters("正常的文字\t\r\n")

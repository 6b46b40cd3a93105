"""Census import: blank residents are unknown (NULL), not 0; a typed 0, blank cells and a
building larger than its compound are warnings to confirm before anything is written."""

from __future__ import annotations

import csv
import io

from django.urls import reverse
from django.utils.translation import pgettext

from programmes.imports import census_import
from programmes.models import Building, Compound
from tests import factories
from tests.reports.conftest import xlsx_upload

HEADER = ["小区编码", "小区名称", "街道", "户数", "人口"]


def census(rows, buildings=None):
    sheets = {"小区": [HEADER, *rows]}
    if buildings is not None:
        sheets["楼栋"] = [["小区编码", "楼栋名称", "户数"], *buildings]
    return xlsx_upload(sheets)


def test_blank_residents_are_stored_as_unknown_once_confirmed(district_official, street_a):
    rows = [
        ["QY-1", "浣花小区", street_a.name, 240, None],
        ["QY-2", "杜甫小区", street_a.name, 80, 200],
    ]

    refused = census_import(
        user=district_official, district=street_a.district, upload=census(rows), commit=True
    )

    assert not refused.committed
    assert [w.code for w in refused.warnings] == ["census_residents_unknown"]
    assert "2" in refused.warnings[0].message
    assert not Compound.objects.exists()

    done = census_import(
        user=district_official,
        district=street_a.district,
        upload=census(rows),
        commit=True,
        confirm_warnings=True,
    )

    assert done.committed
    assert Compound.objects.get(code="QY-1").residents is None
    assert Compound.objects.get(code="QY-2").residents == 200


def test_a_blank_cell_keeps_a_known_figure(district_official, street_a):
    factories.CompoundFactory(street=street_a, code="QY-1", name="浣花小区", residents=680)

    census_import(
        user=district_official,
        district=street_a.district,
        upload=census([["QY-1", "浣花小区", street_a.name, 240, ""]]),
        commit=True,
        confirm_warnings=True,
    )

    assert Compound.objects.get(code="QY-1").residents == 680


def test_zero_residents_with_households_is_a_warning(district_official, street_a):
    result = census_import(
        user=district_official,
        district=street_a.district,
        upload=census([["QY-1", "浣花小区", street_a.name, 240, 0]]),
    )

    assert [w.code for w in result.warnings] == ["census_zero_residents"]


def test_building_above_its_compound_is_a_warning(district_official, street_a):
    result = census_import(
        user=district_official,
        district=street_a.district,
        upload=census([["QY-1", "浣花小区", street_a.name, 20, 60]], [["QY-1", "1栋", 48]]),
        commit=True,
    )

    assert [w.code for w in result.warnings] == ["building_households_above_compound"]
    assert not result.committed
    assert not Building.objects.exists()


def test_reimport_bumps_versions_so_open_forms_conflict(district_official, street_a):
    compound = factories.CompoundFactory(street=street_a, code="QY-1", name="浣花小区")

    census_import(
        user=district_official,
        district=street_a.district,
        upload=census([["QY-1", "浣花小区", street_a.name, 999, 2000]]),
        commit=True,
    )

    compound.refresh_from_db()
    assert (compound.households, compound.version) == (999, 2)


def test_the_page_shows_the_warnings_with_a_confirmation_box(client, district_official, street_a):
    client.force_login(district_official)
    rows = [["QY-1", "浣花小区", street_a.name, 240, None]]

    first = client.post(
        reverse("reports:census-import"), {"file": census(rows), "action": "commit"}
    )

    assert 'name="confirm_warnings"' in first.content.decode()
    assert not Compound.objects.exists()

    client.post(
        reverse("reports:census-import"),
        {"file": census(rows), "action": "commit", "confirm_warnings": "on"},
    )

    assert Compound.objects.get(code="QY-1").residents is None


def test_ledger_and_api_show_unknown_residents_as_empty(client, district_official, street_a):
    factories.CompoundFactory(street=street_a, name="人口不详小区", residents=None)
    client.force_login(district_official)

    response = client.get(reverse("reports:ledger-csv"), {"sheet": "compounds"})
    api = client.get(reverse("api:compound-list"))

    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode().lstrip("\ufeff")
    header, *rows = csv.reader(io.StringIO(text))
    row = next(r for r in rows if "人口不详小区" in r)
    assert row[header.index(pgettext("ledger", "Residents"))] == ""  # empty, not 0
    assert api.json()["results"][0]["residents"] is None

"""Census import (摸排): template, dry run with every row's errors, all-or-nothing commit and
re-import by natural key."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.translation import pgettext
from openpyxl import load_workbook

from programmes.imports import BUILDING_FIELDS, COMPOUND_FIELDS, census_import, census_template
from programmes.models import Area, Building, Community, Compound
from tests import factories
from tests.reports.conftest import csv_upload, xlsx_upload

HEADER = [
    "小区编码",
    "小区名称",
    "街道",
    "社区",
    "片区",
    "户数",
    "建筑面积",
    "摸排结论",
    "安全隐患",
]
BUILDINGS = ["小区编码", "楼栋名称", "层数", "户数", "有无电梯"]


def census(rows, buildings=None):
    sheets = {"小区": [HEADER, *rows]}
    if buildings is not None:
        sheets["楼栋"] = [BUILDINGS, *buildings]
    return xlsx_upload(sheets)


GOOD = [
    ["QY-001", "浣花小区", "草堂街道", "浣花社区", "浣花片区", 240, 18500.5, "符合改造条件", "是"],
    ["", "枣子巷小区", "少城街道", "", "", 80, "6000", "现状良好", "否"],
]


def test_template_has_the_headers_and_an_example_row(client, district_official):
    client.force_login(district_official)
    response = client.get(reverse("reports:census-template"))

    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    compounds, buildings = book.worksheets
    assert [c.value for c in compounds[1]] == [spec.header for spec in COMPOUND_FIELDS]
    assert [c.value for c in buildings[1]] == [spec.header for spec in BUILDING_FIELDS]
    assert compounds.max_row == 2
    assert compounds.freeze_panes == "A2"
    assert compounds["B1"].value == pgettext("census", "Compound name")


def test_the_template_itself_imports(district_official, street_a):
    # the template's example names 草堂街道, the street of the fixture
    handle = io.BytesIO()
    census_template(handle)
    upload = SimpleUploadedFile("template.xlsx", handle.getvalue())
    result = census_import(user=district_official, district=street_a.district, upload=upload)

    assert result.errors == []
    assert (result.compounds_new, result.buildings_new) == (1, 1)


def test_dry_run_lists_every_rows_errors_with_row_and_column(district_official, street_a, street_b):
    upload = census(
        [
            GOOD[0],
            ["QY-002", "", "草堂街道", "", "", "很多", 100, "", ""],
            ["QY-003", "玉林小区", "玉林街道", "", "", 10, -5, "不知道", "也许"],
        ]
    )
    result = census_import(user=district_official, district=street_a.district, upload=upload)

    found = {(e.row, e.column) for e in result.errors}
    assert (3, "F") in found  # households "很多" is not a number
    assert (3, "B") in found  # the name is empty
    assert (4, "G") in found  # negative floor area
    assert (4, "H") in found  # unknown survey status
    assert (4, "I") in found  # "也许" is not yes or no
    assert (4, "C") in found  # a street of another district
    households = next(e for e in result.errors if (e.row, e.column) == (3, "F"))
    assert households.header == "户数"
    text = str(households)
    assert "3" in text
    assert "F" in text
    assert "户数" in text
    assert not Compound.objects.exists()


def test_a_street_must_be_in_the_importing_district(
    district_official, street_a, other_district_street
):
    upload = census([["", "玉林小区", other_district_street.name, "", "", 10, 100, "", ""]])
    result = census_import(user=district_official, district=street_a.district, upload=upload)

    assert [(e.row, e.column) for e in result.errors] == [(2, "C")]
    assert other_district_street.name in result.errors[0].message


def test_one_bad_row_imports_nothing(district_official, street_a, street_b):
    upload = census([*GOOD, ["QY-9", "坏小区", "草堂街道", "", "", "x", 1, "", ""]])
    result = census_import(
        user=district_official, district=street_a.district, upload=upload, commit=True
    )

    assert not result.committed
    assert len(result.errors) == 1
    assert not Compound.objects.exists()
    assert not Community.objects.exists()


def test_commit_creates_compounds_buildings_communities_and_history(
    district_official, street_a, street_b
):
    upload = census(
        GOOD, buildings=[["QY-001", "1栋", 6, 24, "否"], ["QY-001", "2栋", 7, 28, "是"]]
    )
    result = census_import(
        user=district_official, district=street_a.district, upload=upload, commit=True
    )

    assert result.errors == []
    assert result.committed
    huanhua = Compound.objects.get(code="QY-001")
    assert huanhua.street == street_a
    assert huanhua.households == 240
    assert str(huanhua.floor_area) == "18500.50"
    assert huanhua.flag_safety_hazard
    assert huanhua.survey_status == Compound.SurveyStatus.ELIGIBLE
    assert huanhua.community.name == "浣花社区"
    assert huanhua.area == Area.objects.get(name="浣花片区")
    assert huanhua.created_by == district_official
    assert huanhua.history.count() == 1
    assert list(huanhua.buildings.values_list("name", "has_elevator")) == [
        ("1栋", False),
        ("2栋", True),
    ]
    assert Compound.objects.get(name="枣子巷小区").code is None


def test_reimport_updates_by_natural_key_instead_of_duplicating(
    district_official, street_a, street_b
):
    district = street_a.district
    census_import(
        user=district_official,
        district=district,
        upload=census(GOOD, buildings=[["QY-001", "1栋", 6, 24, "否"]]),
        commit=True,
    )
    changed = [list(row) for row in GOOD]
    changed[0][5] = 250  # households by registry code
    changed[1][0] = "QY-002"  # the compound without a code gets one (matched by street, name)
    changed[1][5] = 81
    result = census_import(
        user=district_official,
        district=district,
        upload=census(changed, buildings=[["QY-001", "1栋", 6, 26, "是"]]),
        commit=True,
    )

    assert result.committed
    assert (result.compounds_new, result.compounds_updated) == (0, 2)
    assert (result.buildings_new, result.buildings_updated) == (0, 1)
    assert Compound.objects.count() == 2
    assert Compound.objects.get(code="QY-001").households == 250
    assert Compound.objects.get(code="QY-002").households == 81
    building = Building.objects.get()
    assert (building.households, building.has_elevator) == (26, True)

    again = census_import(
        user=district_official,
        district=district,
        upload=census(changed, buildings=[["QY-001", "1栋", 6, 26, "是"]]),
        commit=True,
    )
    assert (again.compounds_updated, again.compounds_unchanged) == (0, 2)
    assert Compound.objects.get(code="QY-001").history.count() == 2


def test_registry_code_of_another_district_is_refused(
    district_official, street_a, other_district_street
):
    factories.CompoundFactory(street=other_district_street, code="WH-001")
    upload = census([["WH-001", "浣花小区", "草堂街道", "", "", 10, 100, "", ""]])
    result = census_import(user=district_official, district=street_a.district, upload=upload)

    assert [(e.row, e.column) for e in result.errors] == [(2, "A")]


def test_duplicate_rows_in_the_file_are_errors(district_official, street_a):
    upload = census(
        [
            ["QY-1", "甲小区", "草堂街道", "", "", 1, 1, "", ""],
            ["QY-1", "乙小区", "草堂街道", "", "", 1, 1, "", ""],
            ["", "丙小区", "草堂街道", "", "", 1, 1, "", ""],
            ["", "丙小区", "草堂街道", "", "", 1, 1, "", ""],
        ]
    )
    result = census_import(user=district_official, district=street_a.district, upload=upload)

    assert [(e.row, e.column) for e in result.errors] == [(3, "A"), (5, "B")]


def test_buildings_csv_for_existing_compounds(district_official, street_a):
    compound = factories.CompoundFactory(street=street_a, name="浣花小区")
    upload = csv_upload(
        "街道,小区名称,楼栋,层数,户数\n草堂街道,浣花小区,3栋,5,20\n草堂街道,无此小区,1栋,5,20\n"
    )
    result = census_import(user=district_official, district=street_a.district, upload=upload)

    assert [(e.row, e.column) for e in result.errors] == [(3, "B")]
    upload = csv_upload("街道,小区名称,楼栋,层数,户数\n草堂街道,浣花小区,3栋,5,20\n")
    result = census_import(
        user=district_official, district=street_a.district, upload=upload, commit=True
    )
    assert result.committed
    assert list(compound.buildings.values_list("name", "floors")) == [("3栋", 5)]


def test_missing_columns_and_bad_files_are_explained(district_official, street_a):
    district = street_a.district
    result = census_import(
        user=district_official, district=district, upload=csv_upload("户数\n1\n")
    )
    assert len(result.errors) == 1
    assert result.errors[0].row is None
    result = census_import(
        user=district_official, district=district, upload=csv_upload("x", name="census.txt")
    )
    assert len(result.errors) == 1
    result = census_import(
        user=district_official,
        district=district,
        upload=csv_upload("not a workbook", name="census.xlsx"),
    )
    assert len(result.errors) == 1


def test_import_page_dry_run_then_commit(client, district_official, street_a, street_b):
    client.force_login(district_official)
    url = reverse("reports:census-import")
    assert client.get(url).status_code == 200

    bad = census([*GOOD, ["", "坏小区", "草堂街道", "", "", "x", 1, "", ""]])
    response = client.post(url, {"file": bad, "action": "commit"})
    assert response.status_code == 200
    assert response.context["result"].errors[0].row == 4
    assert "坏小区" not in Compound.objects.values_list("name", flat=True)

    response = client.post(url, {"file": census(GOOD), "action": "check"})
    assert response.context["result"].ok
    assert not Compound.objects.exists()
    response = client.post(url, {"file": census(GOOD), "action": "commit"})
    assert response.context["committed"]
    assert Compound.objects.count() == 2


@pytest.mark.parametrize("role", ["street_officer", "city_viewer"])
def test_only_district_officials_import(client, role, request):
    user = request.getfixturevalue(role)
    client.force_login(user)

    assert client.get(reverse("reports:census-import")).status_code == 403
    assert client.get(reverse("reports:census-template")).status_code == 403


def test_an_import_marks_the_statistics_of_what_it_touched(district_official, street_a, street_b):
    from renovation.models import DirtyScope, ScopeKind

    census_import(user=district_official, district=street_a.district, upload=census(GOOD))
    assert not DirtyScope.objects.exists()  # a dry run changes nothing

    census_import(
        user=district_official, district=street_a.district, upload=census(GOOD), commit=True
    )

    marked = set(DirtyScope.objects.values_list("scope_kind", "scope_id"))
    area = Area.objects.get(name="浣花片区")
    assert {
        (ScopeKind.STREET, street_a.pk),
        (ScopeKind.STREET, street_b.pk),
        (ScopeKind.DISTRICT, street_a.district_id),
        (ScopeKind.AREA, area.pk),
    } <= marked

"""The programme import (项目清单): checked first with every error by sheet, row and column and
nothing written; then all or nothing; importing again updates by compound; historical rows get
their real dates; the API answers in the project's error shape and 404s out of scope."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook
from rest_framework.test import APIClient

from programmes.models import Compound, Project, Stage, WorkItem
from programmes.programme_import import programme_import, programme_import_template
from tests import factories

HEADER = [
    "小区编码", "街道", "小区名称", "户数", "计划年度", "改造类别", "总投资(元)", "施工单位",
    "当前阶段", "协商日期", "设计日期", "审批日期", "招标日期", "施工日期", "验收日期",
    "验收居民代表人数", "补录依据", "供水改造(计划)", "供水改造(完成)",
]  # fmt: skip


def row(code, name, *, stage="", year=2021, planned=100, completed=None, start=None, end=None):
    dates = [None] * 6
    if stage:
        start = start or dt.date(year, 4, 1)
        end = end or dt.date(year, 10, 1)
        dates = [dt.date(year, 1, 5), dt.date(year, 2, 5), dt.date(year, 3, 1),
                 dt.date(year, 3, 20), start, end]  # fmt: skip
    return [code, "草堂街道", name, 100, year, "基础类、完善类", 500000, "某建设公司", stage,
            *dates, 5 if stage else None, "竣工验收资料" if stage else "", planned,
            completed]  # fmt: skip


def upload(rows, header=HEADER):
    book = Workbook()
    sheet = book.active
    sheet.title = "项目清单"
    sheet.append(header)
    for values in rows:
        sheet.append(values)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("项目清单.xlsx", buffer.getvalue())


@pytest.fixture
def setup(district, street_a, district_official):
    programme = factories.ProgrammeFactory(district=district, start_year=2020, end_year=2025)
    water = factories.WorkTypeFactory(name_zh="供水改造", name_en="Water")
    return programme, water


def test_check_lists_every_error_and_writes_nothing(setup, district_official):
    programme, _ = setup
    bad = row("T-2", "乙小区", year=2031)
    bad[1] = "没有街道"
    file = upload([row("T-1", "甲小区"), bad, row("T-3", "丙小区", planned="很多")])

    with translation.override("en"):
        result = programme_import(
            user=district_official, programme=programme, upload=file, commit=True
        )

    assert not result.committed
    where = {(e.row, e.column) for e in result.errors}
    assert (3, "B") in where  # the unknown street office
    assert (4, "R") in where  # the planned quantity that is not a number
    assert all(e.sheet == "项目清单" for e in result.errors)
    assert not Project.objects.exists()
    assert not Compound.objects.exists()


def test_import_creates_compounds_projects_items_and_history_then_updates(setup, district_official):
    programme, water = setup
    rows = [
        row("T-1", "甲小区"),
        row("T-2", "乙小区", stage="长效管理", year=2021, completed=100),
    ]
    rows[1][HEADER.index("验收日期")] = dt.date(2021, 10, 1)
    rows[1] = rows[1][:15] + rows[1][15:]
    result = programme_import(
        user=district_official,
        programme=programme,
        upload=upload(rows),
        commit=True,
        confirm_warnings=True,
    )

    assert result.errors == [], [str(e) for e in result.errors]
    assert result.committed
    assert (result.projects_new, result.compounds_new) == (2, 2)
    done = Project.objects.get(compound__code="T-2")
    assert done.stage == Stage.ACCEPTED or done.stage == Stage.HANDED_OVER
    assert done.started_on == dt.date(2021, 4, 1)
    assert done.completed_on == dt.date(2021, 10, 1)
    assert done.categories == "basic,improvement"
    assert done.budget == Decimal("500000.00")
    assert WorkItem.objects.get(project=done, work_type=water).completed_quantity == 100

    # importing again updates by the compound's registry code
    again = programme_import(
        user=district_official,
        programme=programme,
        upload=upload([row("T-1", "甲小区", planned=250)]),
        commit=True,
    )
    assert again.committed, [str(e) for e in again.errors]
    assert (again.projects_new, again.projects_updated) == (0, 1)
    assert Project.objects.count() == 2
    assert WorkItem.objects.get(project__compound__code="T-1").planned_quantity == 250


def test_check_only_writes_nothing(setup, district_official):
    programme, _ = setup
    result = programme_import(
        user=district_official, programme=programme, upload=upload([row("T-1", "甲小区")])
    )
    assert result.ok
    assert result.projects_new == 1
    assert not result.committed
    assert not Project.objects.exists()


def test_template_has_example_row_work_type_columns_and_dictionary(setup):
    programme, _ = setup
    buffer = io.BytesIO()
    programme_import_template(buffer, programme=programme)
    book = load_workbook(io.BytesIO(buffer.getvalue()))
    assert len(book.worksheets) == 2
    header = [c.value for c in book.worksheets[0][1]]
    assert "供水改造(计划)" in header
    assert "供水改造(完成)" in header
    assert book.worksheets[0].max_row == 2
    assert book.worksheets[1].max_row > 20


def test_api_imports_and_answers_errors_in_the_error_shape(setup, district_official):
    programme, _ = setup
    client = APIClient()
    client.force_authenticate(district_official)
    url = reverse("api:programme-import", args=[programme.pk])

    bad = client.post(url, {"file": upload([row("T-1", "")]), "commit": True}, format="multipart")
    assert bad.status_code == 400
    assert bad.json()["code"] == "invalid"
    assert bad.json()["errors"]["file"]
    assert not Project.objects.exists()

    good = client.post(
        url, {"file": upload([row("T-1", "甲小区")]), "commit": True}, format="multipart"
    )
    assert good.status_code == 200, good.json()
    assert good.json()["committed"] is True
    assert Project.objects.count() == 1


def test_api_out_of_scope_programme_is_404(setup, other_district_official):
    programme, _ = setup
    client = APIClient()
    client.force_authenticate(other_district_official)
    response = client.post(
        reverse("api:programme-import", args=[programme.pk]),
        {"file": upload([row("T-1", "甲小区")]), "commit": True},
        format="multipart",
    )
    assert response.status_code == 404
    assert not Project.objects.exists()


def test_documented_example_with_the_template_is_accepted(district, district_official):
    # given the downloaded template (its example row) and the documented request example
    programme = factories.ProgrammeFactory(district=district, start_year=2020, end_year=2025)
    factories.StreetFactory(district=district, name="城关街道")
    factories.WorkTypeFactory(name_zh="供水改造", name_en="Water")
    client = APIClient()
    client.force_authenticate(district_official)
    schema = client.get(reverse("api:schema"), {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/programmes/{id}/import/"]["post"]
    examples = operation["requestBody"]["content"]["multipart/form-data"]["examples"]
    assert examples
    for example in examples.values():
        buffer = io.BytesIO()
        programme_import_template(buffer, programme=programme)
        body = {**example["value"], "file": SimpleUploadedFile("项目清单.xlsx", buffer.getvalue())}
        # when it is posted
        response = client.post(
            reverse("api:programme-import", args=[programme.pk]), body, format="multipart"
        )
        # then the example row is accepted (checked, then imported by the "Import" example)
        assert response.status_code == 200, response.json()
        assert response.json()["rows"] == 1
        assert response.json()["projects_new"] == 1
        assert response.json()["committed"] is bool(example["value"].get("commit"))
    project = Project.objects.get()
    assert project.stage == Stage.HANDED_OVER
    assert project.started_on is not None
    assert project.completed_on is not None


def test_page_checks_then_imports_and_offers_the_template(client, setup, district_official):
    programme, _ = setup
    client.force_login(district_official)
    url = reverse("programmes:setup-programme-import", args=[programme.pk])

    template = client.get(
        reverse("programmes:setup-programme-import-template", args=[programme.pk])
    )
    assert template.status_code == 200
    assert b"".join(template.streaming_content)[:2] == b"PK"

    checked = client.post(url, {"file": upload([row("T-1", "甲小区")]), "action": "check"})
    assert checked.status_code == 200
    assert checked.context["result"].ok
    assert not Project.objects.exists()

    imported = client.post(url, {"file": upload([row("T-1", "甲小区")]), "action": "commit"})
    assert imported.context["result"].committed
    assert Project.objects.count() == 1

    refused = client.post(url, {"file": upload([row("T-2", "")]), "action": "commit"})
    assert refused.context["result"].errors
    assert "C" in refused.content.decode()
    assert Project.objects.count() == 1


def test_page_query_count_is_constant(client, setup, district_official, street_a,
                                      django_assert_max_num_queries):  # fmt: skip
    programme, _ = setup
    client.force_login(district_official)
    url = reverse("programmes:setup-programme-import", args=[programme.pk])
    factories.ProjectFactory.create_batch(2, programme=programme, compound__street=street_a)
    with django_assert_max_num_queries(30) as small:
        assert client.get(url).status_code == 200
    factories.ProjectFactory.create_batch(20, programme=programme, compound__street=street_a)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


def test_page_of_another_district_is_404(client, setup, other_district_official):
    programme, _ = setup
    client.force_login(other_district_official)
    url = reverse("programmes:setup-programme-import", args=[programme.pk])
    response = client.post(url, {"file": upload([row("T-1", "甲小区")]), "action": "commit"})
    assert response.status_code == 404
    assert not Project.objects.exists()


def test_two_rows_of_one_compound_are_refused(setup, district_official):
    programme, _ = setup
    result = programme_import(
        user=district_official,
        programme=programme,
        upload=upload([row("T-1", "甲小区"), row("T-1", "甲小区", planned=5)]),
        commit=True,
    )
    assert [(e.row, e.column) for e in result.errors] == [(3, "C")]
    assert not Project.objects.exists()

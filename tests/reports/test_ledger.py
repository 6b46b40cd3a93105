"""The ledger (台账) in Excel and CSV: sheets, headers, number formats, totals against the
database, scope and personal data."""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import pgettext

from funding import services as funding_services
from funding.models import SubType
from funding.selectors import FundingScope, funding_mix
from programmes.models import Compound, Project
from renovation.figures import in_unit
from reporting.models import ExportJob
from reporting.tasks import export_jobs_prune_task
from tests import factories
from tests.reports.conftest import column, sheet_rows, total_of, workbook

H = lambda text: pgettext("ledger", text)  # noqa: E731 - the header as the reader sees it


def get_ledger(client, user, **params):
    client.force_login(user)
    return client.get(reverse("reports:ledger-xlsx"), params)


def test_ledger_has_one_sheet_per_topic_with_frozen_bold_header(
    client, district_official, ledger_data
):
    response = get_ledger(client, district_official, district=district_official.district_id)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = workbook(response)
    assert len(book.sheetnames) == 6
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2"
        assert sheet["A1"].font.bold


def test_compound_sheet_totals_equal_the_database(client, district_official, ledger_data, district):
    book = workbook(get_ledger(client, district_official, district=district.pk))
    sheet = book.worksheets[0]

    expected = Compound.objects.filter(street__district=district).aggregate(
        h=Sum("households"), a=Sum("floor_area")
    )
    assert sum(column(sheet, H("Households"))) == expected["h"]
    assert (
        Decimal(str(sum(column(sheet, H("Floor area (m²)"))))).quantize(Decimal("0.01"))
        == expected["a"]
    )
    assert sorted(column(sheet, H("Compound"))) == sorted(
        Compound.objects.filter(street__district=district).values_list("name", flat=True)
    )


def test_project_sheet_money_in_yuan_matches_the_database(
    client, district_official, ledger_data, district
):
    book = workbook(get_ledger(client, district_official, district=district.pk, unit="yuan"))
    sheet = book.worksheets[1]
    budget_header = pgettext("ledger", "Budget (%(unit)s)") % {"unit": _yuan()}

    budgets = column(sheet, budget_header)
    expected = Project.objects.filter(compound__street__district=district).aggregate(
        b=Sum("budget")
    )["b"]
    assert Decimal(str(round(sum(budgets), 2))) == expected
    received = column(sheet, pgettext("ledger", "Funds received (%(unit)s)") % {"unit": _yuan()})
    # 500,000 on the street A project and 250,000 booked from the bond for street B's
    assert sum(received) == pytest.approx(750000.00)


def _yuan() -> str:
    from django.utils.translation import gettext

    return gettext("yuan")


def _wan() -> str:
    from django.utils.translation import gettext

    return gettext("10,000 yuan")


def test_money_in_ten_thousand_yuan_is_a_number_with_a_format(
    client, district_official, ledger_data, district
):
    book = workbook(get_ledger(client, district_official, district=district.pk, unit="wan"))
    sheet = book.worksheets[1]
    rows = sheet_rows(sheet)
    header = pgettext("ledger", "Budget (%(unit)s)") % {"unit": _wan()}
    index = rows[0].index(header)
    row_number = next(
        n for n, row in enumerate(rows) if row[rows[0].index(H("Compound"))] == "浣花小区"
    )
    cell = sheet.cell(row=row_number + 1, column=index + 1)

    assert cell.value == pytest.approx(123.46)  # 1,234,567.89 yuan
    assert cell.number_format == "#,##0.00"
    households = sheet.cell(row=row_number + 1, column=rows[0].index(H("Households")) + 1)
    assert households.number_format == "#,##0"
    progress = sheet.cell(row=row_number + 1, column=rows[0].index(H("Progress")) + 1)
    assert progress.number_format == "0.0%"


def test_funding_sheet_totals_equal_the_funding_mix(
    client, district_official, ledger_data, district
):
    book = workbook(get_ledger(client, district_official, district=district.pk, unit="yuan"))
    sheet = book.worksheets[3]
    mix = funding_mix(user=district_official, scope=FundingScope(district=district))

    planned = column(sheet, pgettext("ledger", "Planned (%(unit)s)") % {"unit": _yuan()})
    received = column(sheet, pgettext("ledger", "Received (%(unit)s)") % {"unit": _yuan()})
    spent = column(sheet, pgettext("ledger", "Spent (%(unit)s)") % {"unit": _yuan()})
    assert Decimal(str(round(sum(planned), 2))) == mix.total.planned == Decimal("10600000.00")
    assert Decimal(str(round(sum(received), 2))) == mix.total.received == Decimal("1750000.00")
    assert Decimal(str(round(sum(spent), 2))) == mix.total.spent
    planned_total = total_of(sheet, pgettext("ledger", "Planned (%(unit)s)") % {"unit": _yuan()})
    assert Decimal(str(planned_total)) == mix.total.planned


def test_money_rows_in_ten_thousand_yuan_add_up_to_the_total_row_and_the_funding_mix(
    client, district_official, ledger_data, district
):
    # given lines whose amounts in 万元 each round half up to more than their total's share
    for _ in range(3):
        funding_services.commitment_create(
            by=district_official,
            project=ledger_data["p1"],
            sub_type=SubType.SOCIAL_CAPITAL,
            funder="某企业",
            amount=Decimal("50.00"),
        )
    mix = funding_mix(user=district_official, scope=FundingScope(district=district))

    # when
    book = workbook(get_ledger(client, district_official, district=district.pk, unit="wan"))

    # then each sheet's rows add up to its total row, which is the funding mix's total shown
    planned = pgettext("ledger", "Planned (%(unit)s)") % {"unit": _wan()}
    funding = book.worksheets[3]
    rows = [Decimal(str(v)) for v in column(funding, planned)]
    total = Decimal(str(total_of(funding, planned)))
    assert sum(rows) == total
    assert total == in_unit(mix.total.planned, "wan") == Decimal("1060.02")
    assert rows.count(Decimal("0.01")) == 2  # 3 × 0.005 万元 is 0.02 shown, not 0.03
    projects = book.worksheets[1]
    for header in ("Budget (%(unit)s)", "Funds received (%(unit)s)"):
        name = pgettext("ledger", header) % {"unit": _wan()}
        values = [Decimal(str(v)) for v in column(projects, name)]
        assert sum(values) == Decimal(str(total_of(projects, name)))


def test_another_districts_data_is_absent(client, district_official, ledger_data):
    book = workbook(get_ledger(client, district_official))

    for sheet in book.worksheets:
        text = repr(sheet_rows(sheet))
        assert "玉林小区" not in text
        assert "888888" not in text


def test_a_scope_outside_the_users_scope_is_404(
    client, district_official, ledger_data, other_district, other_district_street
):
    assert get_ledger(client, district_official, district=other_district.pk).status_code == 404
    assert get_ledger(client, district_official, street=other_district_street.pk).status_code == 404
    assert get_ledger(client, district_official, district="abc").status_code == 404
    response = client.get(reverse("reports:ledger-csv"), {"district": other_district.pk})
    assert response.status_code == 404


def test_street_officer_gets_only_its_street_and_no_programme_pool(
    client, street_officer, ledger_data
):
    book = workbook(get_ledger(client, street_officer, unit="yuan"))

    assert column(book.worksheets[0], H("Compound")) == ["无项目小区", "浣花小区"]
    funding = book.worksheets[3]
    assert set(column(funding, H("Compound"))) == {"浣花小区"}
    assert sum(column(funding, pgettext("ledger", "Planned (%(unit)s)") % {"unit": _yuan()})) == (
        pytest.approx(600000.00)
    )


def test_committee_members_are_shown_to_the_district_and_masked_for_the_city(
    client, district_official, city_viewer, ledger_data
):
    book = workbook(get_ledger(client, district_official))
    members = book.worksheets[5]
    assert column(members, H("Name")) == ["张三丰"]
    assert column(members, H("Phone")) == ["13812345678"]

    book = workbook(get_ledger(client, city_viewer))
    members = book.worksheets[5]
    assert column(members, H("Name")) == ["张**"]
    assert column(members, H("Phone")) == ["138****5678"]
    assert "13812345678" not in repr([sheet_rows(s) for s in book.worksheets])


def test_english_readers_get_english_headers(client, district_official, ledger_data):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    book = workbook(get_ledger(client, district_official))

    assert book.sheetnames[0] == "Compounds"
    assert "Households" in sheet_rows(book.worksheets[0])[0]


def test_csv_streams_one_sheet_with_a_bom(client, district_official, ledger_data, district):
    client.force_login(district_official)
    response = client.get(
        reverse("reports:ledger-csv"),
        {"district": district.pk, "sheet": "projects", "unit": "yuan"},
    )

    assert response.status_code == 200
    assert response.streaming
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    lines = text.lstrip("\ufeff").splitlines()
    assert H("Compound") in lines[0]
    # The header, one line per project, the total.
    assert len(lines) == 2 + Project.objects.filter(compound__street__district=district).count()
    assert "1234567.89" in text
    assert "玉林小区" not in text


def test_large_ledger_runs_as_a_job_served_only_to_its_owner(
    client, settings, district_official, ledger_data, django_capture_on_commit_callbacks
):
    settings.RENOVATION_EXPORT_ASYNC_COMPOUNDS = 1
    client.force_login(district_official)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("reports:ledger-xlsx"))

    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == job.get_absolute_url()
    assert job.status == ExportJob.Status.DONE
    assert job.progress == 100
    assert job.file.name.startswith(f"exports/{district_official.pk}/")
    page = client.get(job.get_absolute_url())
    assert reverse("reports:export-download", args=[job.pk]) in page.content.decode()
    download = client.get(reverse("reports:export-download", args=[job.pk]))
    assert download.status_code == 200
    book = workbook(download)
    assert sum(column(book.worksheets[0], H("Households"))) == 400

    other = factories.UserFactory(role="district_official", district=district_official.district)
    client.force_login(other)
    assert client.get(job.get_absolute_url()).status_code == 404
    assert client.get(reverse("reports:export-download", args=[job.pk])).status_code == 404


def test_ledger_query_count_does_not_grow_with_rows(
    client, district_official, ledger_data, programme, street_a, work_types
):
    client.force_login(district_official)
    url = reverse("reports:ledger-xlsx")
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    for _ in range(8):
        project = factories.ProjectFactory(
            programme=programme, compound__street=street_a, in_construction=True
        )
        factories.WorkItemFactory(project=project, work_type=work_types["pipe"])
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200

    assert len(large.captured_queries) == len(small.captured_queries)


def test_old_export_jobs_are_pruned_with_their_files(
    client, settings, district_official, ledger_data, django_capture_on_commit_callbacks
):
    settings.RENOVATION_EXPORT_ASYNC_COMPOUNDS = 1
    client.force_login(district_official)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(reverse("reports:ledger-csv"), {"sheet": "projects"})
    job = ExportJob.objects.get()
    assert job.status == ExportJob.Status.DONE
    assert job.file.read().decode("utf-8").startswith("\ufeff")
    job.file.close()
    path = job.file.path

    assert export_jobs_prune_task() == 0
    ExportJob.objects.update(created_at=timezone.now() - dt.timedelta(days=8))
    assert export_jobs_prune_task() == 1
    assert not ExportJob.objects.exists()
    assert not os.path.exists(path)

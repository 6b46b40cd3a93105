"""Statutory returns (the four tables of the national survey and the monthly progress table)
and the printable weekly report and monthly bulletin."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext, pgettext

from programmes.models import Project, SiteProblem, WorkItem
from tests import factories
from tests.reports.conftest import column, sheet_rows, workbook

R = lambda text: pgettext("return", text)  # noqa: E731


@pytest.fixture
def last_year(today) -> int:
    return today.year - 1


@pytest.fixture
def plan_last_year(ledger_data, programme, street_b, last_year):
    """Last year's plan of the district: street A's project started in March, street B's
    started in February and completed in March, and a third (street B, 160 households) not
    started. Past dates, so the figures do not depend on today's date."""
    Project.objects.filter(pk=ledger_data["p1"].pk).update(
        year=last_year, started_on=dt.date(last_year, 3, 10)
    )
    Project.objects.filter(pk=ledger_data["p2"].pk).update(
        year=last_year,
        started_on=dt.date(last_year, 2, 5),
        completed_on=dt.date(last_year, 3, 20),
    )
    Project.objects.filter(pk=ledger_data["other"].pk).update(
        year=last_year, started_on=dt.date(last_year, 3, 1)
    )
    p3 = factories.ProjectFactory(
        programme=programme,
        compound__street=street_b,
        compound__households=160,
        year=last_year,
        budget=Decimal("100000.00"),
    )
    factories.YearTargetFactory(programme=programme, year=last_year, compounds=4, households=600)
    return {**ledger_data, "p3": p3}


def get_return(client, user, name="reports:annual-return", **params):
    client.force_login(user)
    return client.get(reverse(name), params)


def test_annual_return_has_the_four_tables(client, district_official, plan_last_year, last_year):
    response = get_return(client, district_official, year=last_year)

    assert response.status_code == 200
    book = workbook(response)
    assert book.sheetnames == [
        gettext("Annual plan"),
        gettext("Progress"),
        gettext("Effects"),
        gettext("Project basic information"),
    ]
    assert all(sheet.freeze_panes == "A2" for sheet in book.worksheets)


def test_annual_plan_totals(client, district_official, plan_last_year, last_year, district):
    book = workbook(get_return(client, district_official, year=last_year, unit="yuan"))
    rows = sheet_rows(book.worksheets[0])
    header, total = rows[0], rows[1]

    assert total[header.index(R("Street office"))] == gettext("Total")
    assert total[header.index(R("Compounds planned"))] == 3
    assert total[header.index(R("Households"))] == 500
    expected_budget = Project.objects.filter(
        compound__street__district=district, year=last_year
    ).aggregate(b=Sum("budget"))["b"]
    budget = total[
        header.index(
            pgettext("return", "Planned investment (%(unit)s)") % {"unit": gettext("yuan")}
        )
    ]
    assert Decimal(str(budget)) == expected_budget
    assert total[header.index(R("Yearly target (compounds)"))] == 4
    assert total[header.index(R("Basic"))] == 2  # the third project is basic by default
    assert total[header.index(R("Improvement"))] == 1
    streets = {row[header.index(R("Street office"))]: row for row in rows[2:]}
    assert streets["草堂街道"][header.index(R("Compounds planned"))] == 1
    assert streets["少城街道"][header.index(R("Compounds planned"))] == 2
    assert "玉林街道" not in streets


def test_progress_table_gives_start_rates_by_compounds_and_by_households(
    client, district_official, plan_last_year, last_year
):
    book = workbook(get_return(client, district_official, year=last_year))
    rows = sheet_rows(book.worksheets[1])
    header, total = rows[0], rows[1]

    assert total[header.index(R("Compounds started"))] == 2
    assert total[header.index(R("Households started"))] == 340
    # 2 of 3 is 66.7% on every page: the cell holds that rate (0.667), not 0.6667.
    assert total[header.index(R("Start rate (compounds)"))] == pytest.approx(0.667)
    assert total[header.index(R("Start rate (households)"))] == pytest.approx(0.68)
    assert total[header.index(R("Compounds completed"))] == 1
    assert total[header.index(R("Completion rate (households)"))] == pytest.approx(0.2)
    cell = book.worksheets[1].cell(row=2, column=header.index(R("Start rate (compounds)")) + 1)
    assert cell.number_format == "0.0%"


def test_effects_table_totals_work_by_type(client, district_official, plan_last_year, last_year):
    book = workbook(get_return(client, district_official, year=last_year))
    sheet = book.worksheets[2]
    names = column(sheet, R("Work type"))
    planned = dict(zip(names, column(sheet, R("Planned quantity")), strict=True))

    elevators = WorkItem.objects.filter(
        work_type__code="rp-elevator",
        project__compound__street__district=district_official.district,
    ).aggregate(q=Sum("planned_quantity"))["q"]
    assert planned["供水管网改造"] == 9310
    assert Decimal(str(planned["加装电梯"])) == elevators == Decimal("6.00")


def test_project_basic_information_lists_the_plan(
    client, district_official, plan_last_year, last_year
):
    book = workbook(get_return(client, district_official, year=last_year))
    sheet = book.worksheets[3]

    assert sorted(column(sheet, R("Compound"))) == sorted(
        Project.objects.filter(
            compound__street__district=district_official.district, year=last_year
        ).values_list("compound__name", flat=True)
    )
    assert "玉林小区" not in repr(sheet_rows(sheet))
    works = dict(zip(column(sheet, R("Compound")), column(sheet, R("Main works")), strict=True))
    assert "供水管网改造" in works["浣花小区"]


def test_monthly_table_counts_the_month_and_the_year_to_date(
    client, district_official, plan_last_year, last_year
):
    response = get_return(
        client, district_official, name="reports:monthly-return", year=last_year, month=3
    )
    assert response.status_code == 200
    rows = sheet_rows(workbook(response).worksheets[0])
    header, total = rows[0], rows[1]

    assert total[header.index(R("Started this month (compounds)"))] == 1
    assert total[header.index(R("Started this month (households)"))] == 240
    assert total[header.index(R("Started to date (compounds)"))] == 2
    assert total[header.index(R("Start rate (households)"))] == pytest.approx(0.68)
    assert total[header.index(R("Completed this month (compounds)"))] == 1

    february = get_return(
        client, district_official, name="reports:monthly-return", year=last_year, month=2
    )
    rows = sheet_rows(workbook(february).worksheets[0])
    assert rows[1][rows[0].index(R("Started to date (compounds)"))] == 1


def test_returns_of_another_district_are_404(
    client, district_official, ledger_data, other_district
):
    assert get_return(client, district_official, district=other_district.pk).status_code == 404
    assert (
        get_return(
            client, district_official, name="reports:monthly-return", district=other_district.pk
        ).status_code
        == 404
    )
    assert get_return(client, district_official, year="20x4").status_code == 404
    assert (
        get_return(client, district_official, name="reports:monthly-return", month=13).status_code
        == 404
    )


# --- Printable reports ---------------------------------------------------------------------


def test_weekly_report_shows_the_period_figures(
    client, district_official, street_officer, ledger_data, file_report, today
):
    item = ledger_data["p1"].work_items.first()
    # Within the plan: a figure above it needs a reason, which this test is not about.
    file_report(
        project=ledger_data["p1"], by=street_officer, quantities={item.pk: item.planned_quantity}
    )
    problem = factories.SiteProblemFactory(project=ledger_data["p1"], title="井盖缺失")
    SiteProblem.objects.filter(pk=problem.pk).update(
        created_at=problem.created_at - dt.timedelta(days=2)
    )
    response = get_return(client, district_official, name="reports:weekly", date=today.isoformat())

    assert response.status_code == 200
    report = response.context["report"]
    assert report.reports_filed == 1
    assert report.problems_overdue == 1
    assert report.received_total == Decimal("1750000.00")  # all booked yesterday
    assert [row.street.name for row in report.streets] == ["少城街道", "草堂街道"]
    content = response.content.decode()
    assert "井盖缺失" in content
    assert "css/print.css" in content
    assert "<script" not in content


def test_monthly_bulletin_counts_completions_of_the_month(
    client, district_official, plan_last_year, last_year
):
    response = get_return(
        client, district_official, name="reports:monthly", month=f"{last_year}-03"
    )

    assert response.status_code == 200
    report = response.context["report"]
    assert (report.start, report.end) == (dt.date(last_year, 3, 1), dt.date(last_year, 3, 31))
    assert report.started == 1
    assert report.completed == 1
    assert report.completed_households == 100
    assert report.year.total.started == 2


def test_period_reports_refuse_other_districts_and_bad_input(
    client, district_official, ledger_data, other_district
):
    assert (
        get_return(
            client, district_official, name="reports:weekly", district=other_district.pk
        ).status_code
        == 404
    )
    assert get_return(client, district_official, name="reports:weekly", date="x").status_code == 404
    assert (
        get_return(client, district_official, name="reports:monthly", month="2024-13").status_code
        == 404
    )


def test_weekly_report_query_count_does_not_grow(
    client, district_official, ledger_data, programme, street_a, street_b
):
    client.force_login(district_official)
    url = reverse("reports:weekly")
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    for street in (street_a, street_b) * 4:
        project = factories.ProjectFactory(
            programme=programme, compound__street=street, in_construction=True
        )
        factories.SiteProblemFactory(project=project)
    factories.StreetFactory(district=district_official.district, name="新街道")
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200

    assert len(large.captured_queries) == len(small.captured_queries)


def test_annual_return_query_count_does_not_grow(
    client, district_official, ledger_data, programme, street_a, work_types
):
    client.force_login(district_official)
    url = reverse("reports:annual-return")
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    for _ in range(6):
        project = factories.ProjectFactory(programme=programme, compound__street=street_a)
        factories.WorkItemFactory(project=project, work_type=work_types["pipe"])
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200

    assert len(large.captured_queries) == len(small.captured_queries)


def test_money_of_the_streets_in_ten_thousand_yuan_adds_up_to_the_total_row(
    client, district_official, ledger_data, programme, street_a, street_b, last_year
):
    # given a plan year whose two streets each plan 50 yuan (0.005 万元): rounded one by one
    # they would show 0.01 and 0.01 under a total of 0.01
    year = last_year - 1
    for street in (street_a, street_b):
        factories.ProjectFactory(
            programme=programme, compound__street=street, year=year, budget=Decimal("50.00")
        )

    book = workbook(get_return(client, district_official, year=year, unit="wan"))

    header, total, *streets = sheet_rows(book.worksheets[1])
    index = header.index(R("Planned investment (%(unit)s)") % {"unit": gettext("10,000 yuan")})
    assert Decimal(str(total[index])) == Decimal("0.01")
    assert sorted(Decimal(str(row[index])) for row in streets) == [Decimal(0), Decimal("0.01")]

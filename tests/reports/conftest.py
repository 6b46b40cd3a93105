"""Fixtures of the exports, returns, census import and reminder tests: a district with two
streets, projects at several stages, work items, money (project-level and a programme-level bond
allocated in part) and a resident committee with named members; and a second district whose
records must never appear in the first district's exports."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from funding import services as funding
from funding.models import Kind, SubType
from governance.models import CommitteeMember, ResidentCommittee
from programmes.models import Category, Stage, WorkType
from renovation.models import User
from tests import factories


@pytest.fixture
def yesterday(today) -> dt.date:
    return today - dt.timedelta(days=1)


@pytest.fixture
def work_types(db):
    return {
        # The national catalogue's own type: a second national type of the same name is
        # refused by the database (worktype_national_unique_name).
        "pipe": WorkType.objects.get(code="water-pipe"),
        "elevator": factories.WorkTypeFactory(
            code="rp-elevator", name_zh="加装电梯", name_en="Elevators", unit="unit"
        ),
    }


def _money(*, project, by, amount, received, spent, sub_type, day):
    commitment = funding.commitment_create(
        by=by, project=project, sub_type=sub_type, funder="区财政", amount=amount
    )
    funding.commitment_approve(commitment=commitment, by=by)
    if received:
        funding.receipt_record(commitment=commitment, by=by, amount=received, received_on=day)
    if spent:
        funding.expenditure_record(commitment=commitment, by=by, amount=spent, spent_on=day)
    return commitment


@pytest.fixture
def ledger_data(
    programme,
    street_a,
    street_b,
    district_official,
    other_district,
    other_district_street,
    other_district_official,
    work_types,
    today,
    yesterday,
):
    """Street A: a project under construction with two work items and money, and a compound
    without a project; street B: an accepted project with an allocation from the bond; the
    other district: one project with money of its own."""
    year = today.year
    p1 = factories.ProjectFactory(
        programme=programme,
        compound__street=street_a,
        compound__name="浣花小区",
        compound__code="QY-001",
        compound__households=240,
        compound__floor_area=Decimal("18500.50"),
        compound__building_count=6,
        in_construction=True,
        budget=Decimal("1234567.89"),
        category=Category.BASIC,
        year=year,
    )
    factories.WorkItemFactory(
        project=p1,
        work_type=work_types["pipe"],
        planned_quantity=Decimal("9310.00"),
        budget=Decimal("800000.00"),
    )
    factories.WorkItemFactory(
        project=p1,
        work_type=work_types["elevator"],
        planned_quantity=Decimal("4.00"),
        budget=Decimal("400000.00"),
    )
    bare = factories.CompoundFactory(street=street_a, name="无项目小区", households=60)
    p2 = factories.ProjectFactory(
        programme=programme,
        compound__street=street_b,
        compound__name="宽窄巷子小区",
        compound__households=100,
        budget=Decimal("500000.00"),
        category=Category.IMPROVEMENT,
        year=year,
        stage=Stage.ACCEPTED,
        started_on=today - dt.timedelta(days=60),
        completed_on=yesterday,
    )
    factories.WorkItemFactory(
        project=p2, work_type=work_types["elevator"], planned_quantity=Decimal("2.00")
    )
    _money(
        project=p1,
        by=district_official,
        amount="600000.00",
        received="500000.00",
        spent="200000.00",
        sub_type=SubType.DISTRICT_BUDGET,
        day=yesterday,
    )
    bond = funding.commitment_create(
        by=district_official,
        programme=programme,
        year=year,
        kind=Kind.GOVERNMENT,
        sub_type=SubType.SPECIAL_BOND,
        funder="专项债券",
        amount="10000000.00",
    )
    bond = funding.commitment_approve(commitment=bond, by=district_official)
    funding.allocation_set(commitment=bond, project=p2, amount="3000000.00", by=district_official)
    funding.receipt_record(
        commitment=bond, by=district_official, amount="1000000.00", received_on=yesterday
    )
    funding.receipt_record(
        commitment=bond, project=p2, by=district_official, amount="250000.00", received_on=yesterday
    )

    other = factories.ProjectFactory(
        compound__street=other_district_street,
        compound__name="玉林小区",
        compound__households=999,
        budget=Decimal("7777777.00"),
        year=year,
        in_construction=True,
    )
    _money(
        project=other,
        by=other_district_official,
        amount="888888.00",
        received="88888.00",
        spent=None,
        sub_type=SubType.DISTRICT_BUDGET,
        day=yesterday,
    )

    committee = ResidentCommittee.objects.create(
        street=street_a,
        compound=p1.compound,
        kind=ResidentCommittee.Kind.SELF_RENOVATION,
        name="浣花小区自改委",
        formed_on=today - dt.timedelta(days=100),
        headcount=7,
    )
    CommitteeMember.objects.create(
        committee=committee, name="张三丰", role=CommitteeMember.Role.CHAIR, phone="13812345678"
    )
    return {
        "year": year,
        "p1": p1,
        "p2": p2,
        "bare": bare,
        "other": other,
        "bond": bond,
        "committee": committee,
    }


@pytest.fixture
def superuser(db):
    return factories.UserFactory(
        username="root", role=User.Role.CITY_VIEWER, is_superuser=True, is_staff=True
    )


def workbook(response):
    """The workbook of an XLSX response (streamed or not)."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return load_workbook(io.BytesIO(content))


def sheet_rows(sheet) -> list[list]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _is_total(row: list) -> bool:
    from django.utils.translation import gettext

    return row[0] == gettext("Total")


def column(sheet, header: str) -> list:
    """The values of a column, without the total row a sheet may end with."""
    rows = sheet_rows(sheet)
    index = rows[0].index(header)
    return [row[index] for row in rows[1:] if not _is_total(row)]


def total_of(sheet, header: str):
    """The value of a column in the sheet's total row (its last row)."""
    rows = sheet_rows(sheet)
    assert _is_total(rows[-1]), rows[-1]
    return rows[-1][rows[0].index(header)]


def xlsx_upload(sheets: dict[str, list[list]], name: str = "census.xlsx") -> SimpleUploadedFile:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    handle = io.BytesIO()
    book.save(handle)
    return SimpleUploadedFile(name, handle.getvalue())


def csv_upload(text: str, name: str = "census.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"))


@pytest.fixture
def now(today):
    """Noon today (local time): a reminder run a few hours later is still the same day."""
    return timezone.make_aware(dt.datetime.combine(today, dt.time(12, 0)))

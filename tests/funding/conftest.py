"""Funding fixtures on top of the shared geography (tests/conftest.py): commitments booked
through the services, so every fixture row obeys the same rules as real input."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from funding import services
from funding.models import Kind, SubType
from tests import factories


@pytest.fixture
def yesterday() -> dt.date:
    return timezone.localdate() - dt.timedelta(days=1)


@pytest.fixture
def other_project(programme, street_b):
    """A project of street B in the same programme: out of street A's scope."""
    return factories.ProjectFactory(
        programme=programme, compound__street=street_b, compound__name="宽窄巷子小区"
    )


@pytest.fixture
def plan(district_official):
    """Plan money through the service (district official by default)."""

    def make(*, amount="1000.00", sub_type=SubType.CENTRAL_SUBSIDY, by=None, **kwargs):
        kwargs.setdefault("funder", "中央财政")
        return services.commitment_create(
            by=by or district_official, sub_type=sub_type, amount=amount, **kwargs
        )

    return make


@pytest.fixture
def approved(plan, district_official):
    """Plan and approve money in one step."""

    def make(**kwargs):
        commitment = plan(**kwargs)
        return services.commitment_approve(commitment=commitment, by=district_official)

    return make


@pytest.fixture
def funded_project(project, approved, district_official, yesterday):
    """Street A's project with 600 government, 300 residents and 100 market money, received in
    part and spent in part."""
    gov = approved(project=project, amount="600.00", sub_type=SubType.DISTRICT_BUDGET)
    res = approved(project=project, amount="300.00", sub_type=SubType.PARKING_RIGHTS, funder="业主")
    market = approved(project=project, amount="100.00", sub_type=SubType.UTILITY, funder="电信")
    services.receipt_record(
        commitment=gov, by=district_official, amount="500.00", received_on=yesterday
    )
    services.receipt_record(
        commitment=res, by=district_official, amount="300.00", received_on=yesterday
    )
    services.expenditure_record(
        commitment=gov, by=district_official, amount="200.00", spent_on=yesterday
    )
    return {"project": project, "government": gov, "residents": res, "market": market}


@pytest.fixture
def bond(approved, programme):
    """A programme-level special bond of 10,000 yuan."""
    return approved(
        programme=programme,
        year=programme.start_year,
        amount="10000.00",
        sub_type=SubType.SPECIAL_BOND,
        funder="四川省政府专项债券",
        kind=Kind.GOVERNMENT,
    )


@pytest.fixture
def make_funded_projects(programme, street_a, district_official, yesterday):
    """n more street-A projects, each with a received and partly spent commitment."""

    def make(n: int) -> list:
        projects = []
        for i in range(n):
            project = factories.ProjectFactory(programme=programme, compound__street=street_a)
            commitment = services.commitment_create(
                by=district_official,
                project=project,
                sub_type=[SubType.DISTRICT_BUDGET, SubType.MAINTENANCE_FUND][i % 2],
                funder=f"出资方{i}",
                amount=Decimal("100.00") + i,
            )
            services.commitment_approve(commitment=commitment, by=district_official)
            services.receipt_record(
                commitment=commitment, by=district_official, amount="50.00", received_on=yesterday
            )
            services.expenditure_record(
                commitment=commitment, by=district_official, amount="20.00", spent_on=yesterday
            )
            projects.append(project)
        return projects

    return make

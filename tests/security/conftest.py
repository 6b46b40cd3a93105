"""Fixtures of the security tests: an auditor per scope, and data that every role can reach."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from governance.models import CommitteeMember, ResidentCommittee
from renovation.models import User
from tests import factories

MEMBER_NAME = "张三丰"
MEMBER_PHONE = "13812345678"


@pytest.fixture
def city_auditor(city):
    return factories.UserFactory(username="auditor", role=User.Role.AUDITOR, city=city)


@pytest.fixture
def district_auditor(district):
    return factories.UserFactory(
        username="district_auditor", role=User.Role.AUDITOR, district=district
    )


@pytest.fixture
def committee(project, street_officer, today):
    """A committee of street A's compound with one named member (personal data)."""
    committee = ResidentCommittee.objects.create(
        street=project.compound.street,
        compound=project.compound,
        kind=ResidentCommittee.Kind.SELF_RENOVATION,
        name="水井坊小区自改委",
        formed_on=today - dt.timedelta(days=30),
        headcount=5,
    )
    CommitteeMember.objects.create(
        committee=committee,
        name=MEMBER_NAME,
        role=CommitteeMember.Role.CHAIR,
        phone=MEMBER_PHONE,
        created_by=street_officer,
    )
    return committee


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo data (every kind of record, as `make run` shows it, statistics included), once
    per module, rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=StringIO())
        call_command("rollup", stdout=StringIO())
        yield
        transaction.set_rollback(True)

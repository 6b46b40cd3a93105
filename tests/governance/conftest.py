"""Governance fixtures on top of the shared geography and users of tests/conftest.py."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from governance import services
from governance.models import Matter, ScopeKind
from programmes.models import Stage
from tests import factories


@pytest.fixture
def consultation_project(programme, street_a):
    return factories.ProjectFactory(
        programme=programme,
        compound__street=street_a,
        compound__name="百花潭小区",
        compound__households=120,
        stage=Stage.CONSULTATION,
    )


@pytest.fixture
def accepted_project(programme, street_a, today):
    project = factories.ProjectFactory(
        programme=programme,
        compound__street=street_a,
        compound__name="杜甫草堂小区",
        stage=Stage.ACCEPTED,
        contractor="某建设集团",
        started_on=today - dt.timedelta(days=200),
        completed_on=today - dt.timedelta(days=20),
    )
    factories.AcceptanceRecordFactory(
        project=project, accepted_on=today - dt.timedelta(days=20), residents_present=6
    )
    return project


@pytest.fixture
def make_vote(street_officer, today):
    """Create a vote through the service and optionally tally it as totals."""

    def make(
        compound,
        *,
        matter=Matter.RENOVATE,
        eligible_owners=100,
        eligible_area="10000.00",
        tally=None,
        scope_kind=ScopeKind.COMPOUND,
        building=None,
        unit="",
        project=None,
        by=None,
        held_on=None,
    ):
        vote = services.owner_vote_create(
            compound=compound,
            by=by or street_officer,
            matter=matter,
            title="加装电梯表决" if scope_kind == ScopeKind.UNIT else "改造方案表决",
            held_on=held_on or today - dt.timedelta(days=3),
            eligible_owners=eligible_owners,
            eligible_area=Decimal(eligible_area),
            scope_kind=scope_kind,
            building=building,
            unit=unit,
            project=project,
        )
        if tally is not None:
            po, pa, ao, aa = tally
            vote = services.owner_vote_tally(
                vote=vote,
                by=by or street_officer,
                version=vote.version,
                participating_owners=po,
                participating_area=Decimal(pa),
                agree_owners=ao,
                agree_area=Decimal(aa),
                oppose_owners=po - ao,
                oppose_area=Decimal(pa) - Decimal(aa),
            )
        return vote

    return make


def csv_upload(text: str, name: str = "ballots.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")

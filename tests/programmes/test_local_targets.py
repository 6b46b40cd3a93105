"""Street and area targets (LocalTarget): a street's dashboard, its statistics and its snapshot
compare with its own share of the programme's target instead of saying none applies."""

from __future__ import annotations

import pytest
from django.urls import reverse

from programmes import selectors, setup_services
from programmes.models import Area
from renovation.models import ScopeKind
from reporting.rollups.figures import SnapshotFigures
from reporting.rollups.selectors import latest_snapshot
from reporting.rollups.services import rollup_full

pytestmark = pytest.mark.django_db


def test_street_dashboard_shows_its_own_target(
    client, programme, street_a, street_officer, district_official, today
):
    board = selectors.dashboard(user=street_officer, year=today.year)
    assert board.targets_apply is False
    assert board.current.target_compounds is None
    programme.start_year, programme.end_year = today.year, today.year
    programme.save()
    setup_services.local_target_set(
        programme=programme,
        by=district_official,
        year=today.year,
        street=street_a,
        compounds=5,
        households=900,
    )
    board = selectors.dashboard(user=street_officer, year=today.year)
    assert board.targets_apply is True
    assert board.current.target_compounds == 5
    assert board.current.target_households == 900
    client.force_login(street_officer)
    page = client.get(reverse("home")).content.decode()
    assert "年度目标按全区下达" not in page


def test_street_statistics_and_snapshots_read_the_street_target(
    programme, street_a, district_official, today
):
    programme.start_year, programme.end_year = today.year, today.year
    programme.save()
    area = Area.objects.create(district=street_a.district, name="测试片区")
    setup_services.local_target_set(
        programme=programme,
        by=district_official,
        year=today.year,
        street=street_a,
        compounds=4,
        households=400,
    )
    setup_services.local_target_set(
        programme=programme,
        by=district_official,
        year=today.year,
        area=area,
        compounds=2,
        households=100,
    )
    rows = selectors.progress_statistics(
        user=district_official,
        scope=selectors.StatisticsScope(street=street_a, year=today.year),
    )
    assert [row.target_compounds for row in rows] == [4]
    rollup_full(as_of=today)
    for kind, pk, expected in ((ScopeKind.STREET, street_a.pk, 4), (ScopeKind.AREA, area.pk, 2)):
        snapshot = latest_snapshot(kind=kind, pk=pk)
        assert snapshot is not None
        year = SnapshotFigures(snapshot.figures).years()[today.year]
        assert year.target_compounds == expected

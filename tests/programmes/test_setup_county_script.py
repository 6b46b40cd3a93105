"""scripts/setup_county.py sets up a new county through the HTTP API alone, as its district
official, and prints the API's start and completion rates per past year: they equal the
database's (projects started or completed that year against the year's target)."""

from __future__ import annotations

import importlib.util
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token

from programmes.catalogue import work_types_sync
from programmes.models import Project, Stage, WorkType, YearTarget
from renovation.models import User
from tests import factories

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "setup_county.py"


def load_script():
    spec = importlib.util.spec_from_file_location("setup_county", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.django_db(transaction=True)
def test_script_sets_up_a_county_and_prints_the_database_rates(live_server, capsys, client):
    # given: the national catalogue (loaded again: a transactional test before may have flushed
    # it), and a county with its first official and key, made by the superuser
    work_types_sync(WorkType)
    assert WorkType.objects.filter(district__isnull=True).exists()
    district = factories.DistrictFactory(name="临夏县", city__name="临夏州")
    official = factories.UserFactory(
        username="linxia", role=User.Role.DISTRICT_OFFICIAL, district=district
    )
    key = Token.objects.create(user=official).key

    # when the script runs against the live server
    assert load_script().main([live_server.url, key, "--projects", "21"]) == 0
    out = capsys.readouterr().out

    # then the county has its projects, completed with their past dates ...
    projects = Project.objects.filter(programme__district=district)
    assert projects.count() == 21
    assert not projects.exclude(stage=Stage.HANDED_OVER).exists()
    assert WorkType.objects.filter(district=district).count() == 2
    assert User.objects.filter(street__district=district, role=User.Role.STREET_OFFICER).exists()
    # ... and the printed rates are the database's
    printed = {
        int(year): (Decimal(start), Decimal(done))
        for year, start, done in re.findall(r"^(20\d\d)\t([\d.]+)\t([\d.]+)$", out, re.M)
    }
    assert set(printed) == {2020, 2021, 2022}
    for year, (start, done) in printed.items():
        target = YearTarget.objects.get(programme__district=district, year=year).compounds
        started = projects.filter(started_on__year=year).count()
        completed = projects.filter(completed_on__year=year).count()
        assert start == (Decimal(started) * 100 / target).quantize(start)
        assert done == (Decimal(completed) * 100 / target).quantize(done)
    # ... and the dashboard's year table reads the same rates
    client.force_login(official)
    board = {row.year: row for row in client.get(reverse("home")).context["board"].years}
    for year, (start, done) in printed.items():
        assert Decimal(board[year].start_rate).quantize(start) == start
        assert Decimal(board[year].completion_rate).quantize(done) == done
    requests = int(re.search(r"^requests: (\d+)$", out, re.M).group(1))
    assert 10 < requests < 40

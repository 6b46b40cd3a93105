"""The benchmark's bare SQL (scripts/bench/bare_sql.py) computes the figures the snapshots hold,
for every scope, so that the time ratio it reports compares equal work. PostgreSQL only
(GROUPING SETS, DISTINCT ON), as is the benchmark."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from programmes.models import Compound, Stage
from renovation.models import ScopeKind
from reporting.models import ScopeSnapshot
from reporting.rollups.services import rollup_full
from scripts.bench import bare_compare, bare_sql

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("demo"),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the benchmark runs on PostgreSQL only"
    ),
]


def bare_figures() -> dict:
    rows, seconds = bare_sql.run_queries(
        connection,
        today=timezone.localdate(),
        now=timezone.now(),
        overdue_hours=settings.RENOVATION_PROBLEM_OVERDUE_HOURS,
    )
    assert set(seconds) == set(rows)
    return bare_compare.assemble(rows)


def snapshots():
    return ScopeSnapshot.objects.filter(as_of=timezone.localdate()).values_list(
        "scope_kind", "scope_id", "figures"
    )


def test_bare_sql_equals_every_snapshot_of_the_demo():
    written = rollup_full()
    figures = bare_figures()
    compared, mismatches = bare_compare.compare(snapshots(), figures)
    assert compared == written > 0
    assert mismatches == []
    # The demo exercises the sections the comparison covers, so equality is not vacuous.
    national = figures[(ScopeKind.ALL, 0)]
    assert national["projects"]["in_construction"] > 0
    assert national["work"]
    assert national["funding"]["money"]
    assert national["funding"]["residents"]
    assert national["governance"]["present"] > 0
    assert any(kind == ScopeKind.AREA for kind, _ in figures)


def test_a_change_behind_the_snapshots_is_reported_in_every_scope_above_it():
    rollup_full()
    compound = (
        Compound.objects.filter(current_project__stage=Stage.CONSTRUCTION)
        .select_related("street")
        .first()
    )
    # Written straight to the table: no service marks the scopes, the snapshots stay stale.
    Compound.objects.filter(pk=compound.pk).update(households=compound.households + 7)

    _, mismatches = bare_compare.compare(snapshots(), bare_figures())

    stage_lines = [line for line in mismatches if f".stages.{Stage.CONSTRUCTION}[1]" in line]
    scopes = {tuple(line.split(".", 1)[0].split()) for line in stage_lines}
    assert (ScopeKind.STREET, str(compound.street_id)) in scopes
    assert (ScopeKind.DISTRICT, str(compound.street.district_id)) in scopes
    assert (ScopeKind.ALL, "0") in scopes
    for line in stage_lines:
        stale, fresh = (int(n) for n in re.findall(r"Decimal\('(-?\d+)'\)", line))
        assert fresh - stale == 7

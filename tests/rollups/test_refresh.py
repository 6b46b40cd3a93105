"""Refresh after changes: marks in the change's transaction, one coalesced refresh after commit,
failures recorded and shown, a broker that is down never breaks a save."""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal

import pytest
from django.db import transaction
from django.urls import reverse

from funding import services as funding_services
from funding.models import Kind, SubType
from programmes import services
from programmes.models import ProgressReport, Stage
from renovation.celery import app as celery_app
from renovation.models import DirtyScope, ScopeKind
from reporting.models import RollupRun, ScopeSnapshot
from reporting.rollups import services as rollups
from reporting.rollups.figures import SnapshotFigures
from reporting.tasks import rollup_full_task, rollup_refresh_task

pytestmark = pytest.mark.django_db


def snap(kind: str, pk: int) -> ScopeSnapshot:
    return ScopeSnapshot.objects.filter(scope_kind=kind, scope_id=pk).latest("as_of")


@pytest.fixture
def rolled_up(project, item_small, item_large, street_b, other_district_street):
    """Everything snapshotted once, nothing marked dirty."""
    rollups.rollup_full()
    assert not DirtyScope.objects.exists()
    return project


def test_full_rollup_writes_every_scope_even_without_data(
    rolled_up, street_b, district, city, other_district_street
):
    assert snap(ScopeKind.STREET, street_b.pk).compounds == 0
    assert snap(ScopeKind.DISTRICT, district.pk).compounds == 1
    assert snap(ScopeKind.CITY, city.pk).compounds == 1
    assert snap(ScopeKind.ALL, 0).compounds == 1
    assert snap(ScopeKind.DISTRICT, other_district_street.district_id).compounds == 0
    assert snap(ScopeKind.PROGRAMME, rolled_up.programme_id).started == 1


def test_progress_report_refreshes_its_scopes_after_commit(
    rolled_up,
    street_officer,
    item_small,
    item_large,
    file_report,
    district,
    city,
    django_capture_on_commit_callbacks,
):
    # given a snapshot with no progress yet
    assert snap(ScopeKind.STREET, rolled_up.compound.street_id).progress == Decimal("0.00")

    # when the street files 50 of 100 and 100 of 200 (budgets 100 and 300)
    with django_capture_on_commit_callbacks(execute=True):
        file_report(
            project=rolled_up,
            by=street_officer,
            quantities={item_small.pk: "50", item_large.pk: "100"},
        )

    # then every scope above the project shows it, and no mark is left
    for kind, pk in (
        (ScopeKind.STREET, rolled_up.compound.street_id),
        (ScopeKind.DISTRICT, district.pk),
        (ScopeKind.PROGRAMME, rolled_up.programme_id),
        (ScopeKind.CITY, city.pk),
        (ScopeKind.ALL, 0),
    ):
        assert snap(kind, pk).progress == Decimal("50.00"), kind
    assert not DirtyScope.objects.exists()
    run = RollupRun.objects.get(kind=RollupRun.Kind.REFRESH)
    assert run.status == RollupRun.Status.SUCCEEDED
    assert run.percent == 100


def test_marks_roll_back_with_a_failed_change(rolled_up, district_official):
    # A transition refused by its gate changes nothing, and marks nothing.
    with pytest.raises(Exception):  # noqa: B017, PT011 — the gate's ValidationError
        services.project_stage_transition(
            project=rolled_up, to_stage=Stage.ACCEPTED, by=district_official, reason="验收"
        )
    assert not DirtyScope.objects.exists()


def test_a_burst_of_reports_in_one_transaction_gives_one_refresh(
    rolled_up, street_officer, item_small, file_report, today, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        for days in range(5):
            file_report(
                project=rolled_up,
                by=street_officer,
                quantities={item_small.pk: str(10 + days)},
                report_date=today - dt.timedelta(days=5 - days),
            )

    refreshes = [c for c in callbacks if c.__name__ == "announce_stale"]
    assert len(refreshes) == 5  # each report announces its marks after commit ...
    runs = RollupRun.objects.filter(kind=RollupRun.Kind.REFRESH)
    assert runs.count() == 1  # ... and one refresh covers them all
    assert runs.get().status == RollupRun.Status.SUCCEEDED
    street = SnapshotFigures(snap(ScopeKind.STREET, rolled_up.compound.street_id).figures)
    assert Decimal(street.work()[item_small.work_type.code]["completed"]) == 14


def test_funding_record_refreshes_the_funding_figures(
    rolled_up, district_official, district, today, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        commitment = funding_services.commitment_create(
            kind=Kind.GOVERNMENT,
            sub_type=SubType.CENTRAL_SUBSIDY,
            funder="中央财政",
            project=rolled_up,
            amount="300000",
            by=district_official,
        )
    assert snap(ScopeKind.DISTRICT, district.pk).funding_planned == Decimal("300000.00")
    with django_capture_on_commit_callbacks(execute=True):
        funding_services.commitment_approve(commitment=commitment, by=district_official)
        funding_services.receipt_record(
            commitment=commitment,
            project=rolled_up,
            amount="100000",
            received_on=today,
            by=district_official,
        )
    street = snap(ScopeKind.STREET, rolled_up.compound.street_id)
    assert street.funding_received == Decimal("100000.00")
    mix = SnapshotFigures(street.figures).funding_mix()
    assert mix.kind(Kind.GOVERNMENT).approved == Decimal("300000.00")


def test_failure_after_retries_is_recorded_and_shown_to_district_officials(
    rolled_up, client, district_official, street_officer, monkeypatch
):
    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(rollups, "rollup_full", broken)

    with pytest.raises(RuntimeError):
        rollup_full_task.apply(kwargs={}, throw=True)

    run = RollupRun.objects.filter(kind=RollupRun.Kind.FULL).latest("created_at")
    assert run.status == RollupRun.Status.FAILED
    assert "disk full" in run.error
    client.force_login(district_official)
    page = client.get(reverse("home")).content.decode()
    assert 'data-testid="rollup-failure"' in page
    assert "disk full" in page
    client.force_login(street_officer)
    assert 'data-testid="rollup-failure"' not in client.get(reverse("home")).content.decode()


def test_a_later_success_clears_the_failure_notice(rolled_up, client, district_official):
    RollupRun.objects.create(
        kind=RollupRun.Kind.FULL,
        status=RollupRun.Status.FAILED,
        error="boom",
        finished_at=rolled_up.created_at,
    )
    client.force_login(district_official)
    assert 'data-testid="rollup-failure"' in client.get(reverse("home")).content.decode()

    rollup_full_task.apply(kwargs={}, throw=True)

    assert 'data-testid="rollup-failure"' not in client.get(reverse("home")).content.decode()


def test_database_errors_are_retried_with_backoff():
    options = rollup_refresh_task
    assert options.acks_late
    assert options.max_retries == 5
    assert options.retry_backoff
    from django.db import OperationalError

    assert OperationalError in options.autoretry_for


def test_interrupted_refresh_leaves_snapshots_whole_and_marks_in_place(
    rolled_up, street_officer, item_small, file_report, monkeypatch, district
):
    before = snap(ScopeKind.DISTRICT, district.pk)
    file_report(project=rolled_up, by=street_officer, quantities={item_small.pk: "100"})
    marks = DirtyScope.objects.count()
    assert marks
    real_upsert = rollups.upsert
    calls = []

    def upsert_then_die(kind, rows, **kwargs):
        calls.append(kind)
        if len(calls) == 3:  # streets, areas written: the process dies mid-transaction
            raise OperationalError("server closed the connection unexpectedly")
        return real_upsert(kind, rows, **kwargs)

    from django.db import OperationalError

    monkeypatch.setattr(rollups, "upsert", upsert_then_die)
    with pytest.raises(OperationalError):
        rollups.rollup_refresh()

    after = snap(ScopeKind.DISTRICT, district.pk)
    assert (after.computed_at, after.figures) == (before.computed_at, before.figures)
    assert snap(ScopeKind.STREET, rolled_up.compound.street_id).progress == Decimal("0.00")
    assert DirtyScope.objects.count() == marks

    # the next run catches up
    monkeypatch.setattr(rollups, "upsert", real_upsert)
    rollups.rollup_refresh()
    assert snap(ScopeKind.STREET, rolled_up.compound.street_id).progress == Decimal("25.00")
    assert not DirtyScope.objects.exists()


@pytest.fixture
def broker_down(settings):
    """Tasks go to a broker nobody listens on (port 1), as when Redis is down."""
    conf = celery_app.conf
    saved = conf.task_always_eager, conf.broker_url
    conf.task_always_eager = False
    conf.broker_url = "redis://127.0.0.1:1/0"
    _forget_connection_pools()
    yield
    conf.task_always_eager, conf.broker_url = saved
    _forget_connection_pools()


def _forget_connection_pools() -> None:
    """Make the app look its broker connection up again (as after a fork). The pools stay
    open: kombu keeps them per URL, and other tests use the real broker's."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def test_broker_down_the_form_still_saves_and_the_scope_stays_dirty(
    rolled_up,
    client,
    street_officer,
    item_small,
    item_large,
    today,
    broker_down,
    caplog,
    django_capture_on_commit_callbacks,
):
    client.force_login(street_officer)
    url = reverse("programmes:progress-file", args=[rolled_up.pk])
    data = {"report_date": today.isoformat(), f"item_{item_small.pk}": "100", "version": ""}

    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)

    assert response.status_code == 302
    assert ProgressReport.objects.filter(project=rolled_up).exists()
    assert DirtyScope.objects.filter(
        scope_kind=ScopeKind.STREET, scope_id=rolled_up.compound.street_id
    ).exists()
    assert "Could not refresh the statistics now" in caplog.text
    assert snap(ScopeKind.STREET, rolled_up.compound.street_id).progress == Decimal("0.00")


def test_after_the_broker_outage_the_next_drain_catches_up(
    rolled_up,
    street_officer,
    item_small,
    file_report,
    broker_down,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        file_report(project=rolled_up, by=street_officer, quantities={item_small.pk: "100"})
    assert DirtyScope.objects.exists()
    celery_app.conf.task_always_eager = True  # the broker is back; the beat's drain runs

    rollup_refresh_task.apply(throw=True)

    assert not DirtyScope.objects.exists()
    assert snap(ScopeKind.STREET, rolled_up.compound.street_id).progress == Decimal("25.00")


def test_rollup_command_writes_snapshots_and_drains_marks(
    rolled_up, street_officer, item_small, file_report
):
    from io import StringIO

    from django.core.management import call_command

    file_report(project=rolled_up, by=street_officer, quantities={item_small.pk: "100"})
    assert DirtyScope.objects.exists()

    out = StringIO()
    call_command("rollup", "--dirty", stdout=out)

    assert "snapshots written" in out.getvalue()
    assert not DirtyScope.objects.exists()
    assert snap(ScopeKind.STREET, rolled_up.compound.street_id).progress == Decimal("25.00")


def test_beat_schedule_runs_the_nightly_rollup_and_the_drain():
    schedule = celery_app.conf.beat_schedule
    nightly = schedule["rollup-full-nightly"]
    assert nightly["task"] == rollup_full_task.name
    assert (nightly["schedule"].hour, nightly["schedule"].minute) == ({2}, {0})
    assert schedule["rollup-drain-dirty"]["task"] == rollup_refresh_task.name
    assert celery_app.conf.task_serializer == "json"
    assert celery_app.conf.accept_content == ["json"]
    assert celery_app.conf.task_time_limit

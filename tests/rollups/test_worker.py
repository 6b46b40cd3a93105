"""End to end with a real Celery worker consuming from Redis (CI always sets REDIS_URL).

The worker runs in a thread of this process with task_always_eager off, so tasks really travel
through the broker; the test database is shared with it (transactional test case)."""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.urls import reverse

from renovation.celery import app as celery_app
from renovation.models import DirtyScope, ScopeKind
from reporting.models import RollupRun, ScopeSnapshot
from reporting.rollups import services as rollups

pytestmark = [
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs Redis (REDIS_URL); CI sets it"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def worker(transactional_db, settings):
    settings.RENOVATION_ROLLUP_REFRESH_COUNTDOWN = 2
    conf = celery_app.conf
    saved = conf.task_always_eager
    conf.task_always_eager = False
    try:
        with start_worker(
            celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=30
        ) as controller:
            yield controller
    finally:
        conf.task_always_eager = saved


def wait_for(condition, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError("the worker did not finish in time")


def street_progress(project) -> Decimal | None:
    return (
        ScopeSnapshot.objects.filter(
            scope_kind=ScopeKind.STREET, scope_id=project.compound.street_id
        )
        .latest("as_of")
        .progress
    )


def test_worker_refreshes_after_a_burst_of_reports_once(
    worker, project, item_small, item_large, street_officer, file_report, today
):
    rollups.rollup_full()
    # five reports, five transactions, faster than the refresh's countdown
    for days, quantity in enumerate(("10", "20", "30", "40", "50")):
        file_report(
            project=project,
            by=street_officer,
            quantities={item_small.pk: quantity},
            report_date=today - dt.timedelta(days=4 - days),
        )
    assert DirtyScope.objects.exists()

    wait_for(lambda: not DirtyScope.objects.exists())

    refreshes = RollupRun.objects.filter(kind=RollupRun.Kind.REFRESH)
    assert refreshes.count() == 1
    run = refreshes.get()
    assert run.status == RollupRun.Status.SUCCEEDED
    # stored by the worker in the Redis result backend (an eager run stores nothing there)
    assert celery_app.AsyncResult(run.task_id).state == "SUCCESS"
    # 50 of 100 on the item weighing 100 of a 400 budget
    assert street_progress(project) == Decimal("12.50")


def test_worker_runs_a_requested_full_recompute(worker, client, district_official, project):
    client.force_login(district_official)

    response = client.post(reverse("rollups:recompute"))

    run = RollupRun.objects.get(kind=RollupRun.Kind.FULL)
    status_url = reverse("rollups:run-status", args=[run.pk])
    wait_for(lambda: client.get(status_url).json()["finished"])
    status = client.get(status_url).json()
    assert response.status_code == 302
    assert (status["status"], status["percent"]) == ("succeeded", 100)
    run.refresh_from_db()
    assert run.snapshots_written == ScopeSnapshot.objects.count() > 0
    assert ScopeSnapshot.objects.get(scope_kind=ScopeKind.ALL).compounds == 1
    assert celery_app.AsyncResult(run.task_id).state == "SUCCESS"

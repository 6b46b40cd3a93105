"""A Celery worker killed in the middle of a full rollup: the task is delivered again, and
the snapshots it then writes are complete and equal to those of a clean run.

A real `celery -A renovation worker` consumes from a private redis-server. To kill it at a
known point without any test hook in the app, the test holds a SHARE lock on the snapshot
table from another connection (as a long report query or a maintenance job might): the run
computes every scope (its progress shows on its RollupRun) and then waits, inside its write
transaction, to upsert the snapshots. That is where it is killed.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from pathlib import Path

import psycopg
import pytest
from django.db import connection
from django.db.models import F

from programmes.models import Area, City, Compound, District, Programme, Province, Street
from renovation.models import DirtyScope, ScopeKind
from reporting.models import RollupRun, ScopeSnapshot
from reporting.rollups import services as rollups
from reporting.rollups.services import STEPS_PER_KIND

from .conftest import (
    _children,
    app_env,
    database_url,
    requires_celery,
    requires_postgres,
    requires_redis_server,
    snapshot_rows,
    start_worker,
    task_client,
    wait_for,
)

pytestmark = [
    requires_postgres,
    requires_redis_server,
    requires_celery,
    pytest.mark.django_db(transaction=True),
]

# Seconds a delivered message stays unacknowledged before the broker hands it to another
# worker (production: an hour; see CELERY_BROKER_TRANSPORT_OPTIONS).
VISIBILITY_TIMEOUT = 3
FULL_TASK = "reporting.tasks.rollup_full_task"


@contextlib.contextmanager
def snapshot_table_locked():
    """Hold a SHARE lock on the snapshot table from a connection of the test's own: readers
    go on, writers wait until it is released."""
    db = connection.settings_dict
    with psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db["PASSWORD"] or None,
        dbname=db["NAME"],
        autocommit=False,
    ) as lock:
        lock.execute(f'LOCK TABLE "{ScopeSnapshot._meta.db_table}" IN SHARE MODE')
        try:
            yield
        finally:
            lock.rollback()


def writers_waiting() -> int:
    """Connections waiting for a lock on the snapshot table."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
            "WHERE NOT l.granted AND c.relname = %s",
            [ScopeSnapshot._meta.db_table],
        )
        return cursor.fetchone()[0]


def scope_count() -> int:
    """One snapshot per street, area, district, programme, city and province, and the national
    one."""
    models = (Street, Area, District, Programme, City, Province)
    return sum(model.objects.count() for model in models) + 1


def make_stale(as_of) -> dict:
    """Today's snapshots computed once, then the source changed the way an import or the
    admin changes it (no scope marked dirty): a full recompute must now write other figures.
    One leftover mark too, which only a completed full run may clear. Returns the snapshots."""
    rollups.rollup_full(as_of=as_of)
    before = snapshot_rows(as_of, with_computed_at=True)
    compounds = list(Compound.objects.order_by("pk").values_list("pk", flat=True)[:25])
    Compound.objects.filter(pk__in=compounds).update(households=F("households") + 7)
    street = Compound.objects.get(pk=compounds[0]).street_id
    DirtyScope.objects.create(scope_kind=ScopeKind.STREET, scope_id=street)
    return before


@pytest.fixture
def stale_snapshots(demo_data, today):
    """On the demo data (four cities, about 2,000 compounds)."""
    return make_stale(today)


@pytest.fixture
def small_stale_snapshots(transactional_db, project, item_small, street_b, today):
    """On a few rows (tests/conftest.py): where the run is killed does not depend on size."""
    return make_stale(today)


def test_worker_killed_mid_full_rollup_redelivers_it_and_the_snapshots_are_complete(
    stale_snapshots, processes, private_redis, today
):
    env = app_env(
        database=database_url(),
        redis=private_redis.url,
        CELERY_BROKER_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT),
    )
    broker = private_redis.client()
    client = task_client(private_redis.url)
    run = RollupRun.objects.create(kind=RollupRun.Kind.FULL)

    with snapshot_table_locked():
        sent = client.send_task(FULL_TASK, kwargs={"run_id": run.pk, "as_of": today.isoformat()})
        first = start_worker(processes, env, "first")

        # the run has computed every scope and waits to write the snapshots
        def blocked_in_write() -> bool:
            run.refresh_from_db()
            return (
                run.status == RollupRun.Status.RUNNING
                and run.steps_done == STEPS_PER_KIND * 4
                and writers_waiting() > 0
            )

        wait_for(blocked_in_write, what="the full rollup to reach its write", logs=processes.logs)
        processes.kill(first)  # SIGKILL to the master and its pool child

        # nothing half-written: every snapshot is the previous one, the mark is still there,
        # the message is still unacknowledged and the run still shows as running
        assert snapshot_rows(today, with_computed_at=True) == stale_snapshots
        assert DirtyScope.objects.count() == 1
        assert broker.hlen("unacked") == 1
        run.refresh_from_db()
        assert (run.status, run.attempts, run.task_id) == ("running", 1, sent.id)
        assert sent.state != "SUCCESS"

    # Once the message has been unacknowledged longer than the visibility timeout, the next
    # worker to start takes it back.
    (tag,) = broker.hkeys("unacked")
    delivered_at = broker.zscore("unacked_index", tag)
    wait_for(lambda: time.time() > delivered_at + VISIBILITY_TIMEOUT + 0.5, timeout=30)
    start_worker(processes, env, "second")

    def finished() -> bool:
        run.refresh_from_db()
        return run.status in {RollupRun.Status.SUCCEEDED, RollupRun.Status.FAILED}

    wait_for(finished, what="the redelivered rollup to finish", logs=processes.logs)

    # the same task, delivered a second time, completed the same run record
    assert (run.status, run.attempts, run.task_id) == ("succeeded", 2, sent.id)
    assert run.steps_done == run.steps_total == STEPS_PER_KIND * 4 + 1
    assert sent.get(timeout=30) == run.snapshots_written == scope_count()
    assert RollupRun.objects.filter(kind=RollupRun.Kind.FULL).count() == 1
    # acknowledged (after the result is stored: acks_late), and nothing else queued
    wait_for(lambda: broker.hlen("unacked") == 0, what="the acknowledgement")
    assert broker.llen("celery") == 0
    assert not DirtyScope.objects.exists()

    # complete: one snapshot of the day per scope, every one written by the redelivered run
    redelivered = snapshot_rows(today, with_computed_at=True)
    assert len(redelivered) == scope_count()
    assert ScopeSnapshot.objects.filter(as_of=today).count() == scope_count()
    assert all(
        row["computed_at"] > stale_snapshots[key]["computed_at"] for key, row in redelivered.items()
    )
    # ... with the changed source (25 compounds, 7 more households each)
    national = ("all", 0)
    assert redelivered[national]["households"] == stale_snapshots[national]["households"] + 25 * 7

    # and equal, figure for figure, to a clean run from the same data
    after_kill = snapshot_rows(today)
    rollups.rollup_full(as_of=today)
    assert snapshot_rows(today) == after_kill


def test_pool_process_killed_mid_full_rollup_is_requeued_at_once(
    small_stale_snapshots, processes, private_redis, today
):
    """Only the pool child dies (out of memory, say) and the worker lives on: with acks_late
    and reject_on_worker_lost the message goes straight back to the queue."""
    env = app_env(database=database_url(), redis=private_redis.url)  # the production timeout
    broker = private_redis.client()
    client = task_client(private_redis.url)
    run = RollupRun.objects.create(kind=RollupRun.Kind.FULL)

    with snapshot_table_locked():
        sent = client.send_task(FULL_TASK, kwargs={"run_id": run.pk, "as_of": today.isoformat()})
        worker = start_worker(processes, env, "survivor")

        def blocked_in_write() -> bool:
            run.refresh_from_db()
            return run.status == RollupRun.Status.RUNNING and writers_waiting() > 0

        wait_for(blocked_in_write, what="the full rollup to reach its write", logs=processes.logs)
        (child,) = _children(worker.pid)
        os.kill(child, signal.SIGKILL)
        wait_for(lambda: not Path(f"/proc/{child}").exists(), what="the master to reap it")
        assert snapshot_rows(today, with_computed_at=True) == small_stale_snapshots

    def finished() -> bool:
        run.refresh_from_db()
        return run.status in {RollupRun.Status.SUCCEEDED, RollupRun.Status.FAILED}

    wait_for(finished, what="the requeued rollup to finish", logs=processes.logs)
    assert (run.status, run.attempts) == ("succeeded", 2)
    assert worker.poll() is None  # the same worker ran it again
    assert sent.get(timeout=30) == scope_count()
    wait_for(lambda: broker.hlen("unacked") == 0, what="the acknowledgement")
    assert broker.llen("celery") == 0
    assert not DirtyScope.objects.exists()
    after_kill = snapshot_rows(today)
    assert len(after_kill) == scope_count()
    rollups.rollup_full(as_of=today)
    assert snapshot_rows(today) == after_kill

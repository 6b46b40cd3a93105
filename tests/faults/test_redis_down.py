"""Redis stopped while street officers submit reports: every report is saved, and the
statistics catch up when Redis is back.

gunicorn serves the app with REDIS_URL pointing at a private redis-server (broker, result
backend and cache), tasks going through it as in production. The test stops that Redis,
files progress through the page form and through the API, then starts Redis again with a
worker and sends the beat's drain task.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import requests
from django.db.models import F
from rest_framework.authtoken.models import Token

from programmes.models import ProgressReport, Project, Stage, WorkItem
from renovation.models import DirtyScope, ScopeKind, User
from reporting.models import RollupRun
from reporting.rollups import services as rollups
from sampledata.demo.seeds import DEMO_PASSWORD

from .conftest import (
    app_env,
    database_url,
    log_in,
    open_progress_form,
    post_progress_api,
    post_progress_form,
    requires_celery,
    requires_gunicorn,
    requires_postgres,
    requires_redis_server,
    snapshot_rows,
    start_web,
    start_worker,
    task_client,
)

pytestmark = [
    requires_postgres,
    requires_redis_server,
    requires_gunicorn,
    requires_celery,
    pytest.mark.django_db(transaction=True),
]

DRAIN_TASK = "reporting.tasks.rollup_refresh_task"  # what beat sends every 5 minutes


def work_items_to_report(officer: User, today: dt.date, count: int) -> list[WorkItem]:
    """One unfinished work item on each of `count` projects of the officer's street under
    construction that has no report for today yet."""
    items = []
    projects = (
        Project.objects.filter(compound__street=officer.street, stage=Stage.CONSTRUCTION)
        .exclude(reports__report_date=today)
        .order_by("pk")
    )
    for project in projects:
        item = (
            project.work_items.filter(completed_quantity__lt=F("planned_quantity"))
            .order_by("pk")
            .first()
        )
        if item is not None:
            items.append(item)
        if len(items) == count:
            return items
    raise AssertionError(f"the demo data has fewer than {count} projects to report on")


def test_reports_filed_while_redis_is_down_are_saved_and_the_statistics_catch_up(
    demo_data, processes, private_redis, today
):
    rollups.rollup_full(as_of=today)
    before = snapshot_rows(today)
    assert not DirtyScope.objects.exists()
    officer = User.objects.get(username="street")
    token = Token.objects.create(user=officer).key
    items = work_items_to_report(officer, today, 4)
    # to date: half-way between what was reported so far and the plan
    target = {
        item.pk: ((item.completed_quantity + item.planned_quantity) / 2).quantize(Decimal("0.01"))
        for item in items
    }
    env = app_env(
        database=database_url(),
        redis=private_redis.url,
        RENOVATION_ROLLUP_REFRESH_COUNTDOWN="1",
    )
    web = start_web(processes, env, workers=2)
    browser = log_in(web.url, officer.username, DEMO_PASSWORD)
    forms = {item.pk: open_progress_form(browser, web.url, item.project_id) for item in items}

    runs_before = RollupRun.objects.count()
    private_redis.stop()

    # reading goes on: the figures come from the database
    assert browser.get(web.url + "/", timeout=60).status_code == 200
    statistics = requests.get(
        f"{web.url}/api/v1/statistics/progress/",
        headers={"Authorization": f"Token {token}"},
        timeout=60,
    )
    assert statistics.status_code == 200, statistics.text[:2000]

    for number, item in enumerate(items):
        quantities = {item.pk: str(target[item.pk])}
        if number % 2 == 0:  # the page form (a phone's browser)
            answer = post_progress_form(
                browser,
                web.url,
                item.project_id,
                forms[item.pk],
                report_date=today,
                quantities=quantities,
            )
            assert answer.status_code == 302, answer.text[:2000]
            assert answer.headers["Location"] == item.project.get_absolute_url()
            shown = browser.get(web.url + answer.headers["Location"], timeout=60)
            assert shown.status_code == 200
        else:  # the API (the mobile app)
            answer = post_progress_api(
                web.url, token, item.project_id, report_date=today, quantities=quantities
            )
            assert answer.status_code == 201, answer.text[:2000]

    # every report saved, once, with its figures; the project's progress follows
    for item in items:
        report = ProgressReport.objects.get(project_id=item.project_id, report_date=today)
        assert report.version == 1
        assert [(line.work_item_id, line.quantity_to_date) for line in report.lines.all()] == [
            (item.pk, target[item.pk])
        ]
        item.refresh_from_db()
        assert item.completed_quantity == target[item.pk]
    # the statistics are stale but their scopes stay marked: nothing was refreshed
    marked = set(DirtyScope.objects.values_list("scope_kind", "scope_id"))
    assert (ScopeKind.STREET, officer.street_id) in marked
    assert {(ScopeKind.PROGRAMME, item.project.programme_id) for item in items} <= marked
    assert RollupRun.objects.count() == runs_before
    assert snapshot_rows(today) == before

    # Redis back (empty: it kept nothing), a worker, and the beat's drain
    private_redis.start()
    start_worker(processes, env, "worker")
    drain = task_client(private_redis.url).send_task(DRAIN_TASK)
    run_id = drain.get(timeout=120)
    run = RollupRun.objects.get(pk=run_id)
    assert (run.kind, run.status) == ("refresh", "succeeded")
    assert not DirtyScope.objects.exists()

    caught_up = snapshot_rows(today)
    street = (ScopeKind.STREET, officer.street_id)
    assert caught_up[street]["progress"] > before[street]["progress"]
    # and equal, figure for figure, to a clean recompute of everything
    rollups.rollup_full(as_of=today)
    assert snapshot_rows(today) == caught_up

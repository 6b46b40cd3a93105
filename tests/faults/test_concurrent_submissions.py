"""100 concurrent progress submissions through the HTTP server for 20 projects: every
accepted one is stored exactly once, every conflicting one is refused (409 from the API, the
form's conflict message on the page) and changes nothing.

gunicorn runs with several workers and threads against the test database. 100 clients, each
with its own connection (browsers logged in as the street officer, or the API with the
officer's key), open their form first and then all submit at once. For each project:

    A  a new report for D-3               accepted
    B  a new report for D-1, 30           one of B and C is accepted,
    C  a new report for D-1, 31           the other is told someone saved it first
    D  correct the D0 report (version 1) to 6    one of D and E is accepted,
    E  correct the D0 report (version 1) to 7    the other conflicts (stale version)

so 60 accepted and 40 refused, whatever the order the server handles them in.
"""

from __future__ import annotations

import datetime as dt
import html
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
import requests
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext
from rest_framework.authtoken.models import Token

from programmes import services
from programmes.models import ProgressReport, Project, WorkItem
from renovation.errors import ConflictError
from renovation.models import User
from tests import factories

from .conftest import (
    REDIS_SERVER,
    RedisServer,
    app_env,
    database_url,
    log_in,
    open_progress_form,
    post_progress_api,
    post_progress_form,
    requires_gunicorn,
    requires_postgres,
    start_web,
)

pytestmark = [requires_postgres, requires_gunicorn, pytest.mark.django_db(transaction=True)]

PROJECTS_PER_STREET, STREETS = 5, 4


def conflict_messages(report_date: dt.date) -> list[str]:
    """What the page may say to the one who saved second (in the page's language)."""
    with translation.override("zh-hans"):
        return [
            gettext(
                "A report for %(date)s was saved by someone else after you opened the form. "
                "Nothing was saved: reload to see it, then enter your figures again."
            )
            % {"date": report_date},
            str(ConflictError.default_message),
        ]


@pytest.fixture
def sites(transactional_db, today):
    """20 projects under construction in 4 streets, each with one work item and a report of
    D0 (version 1, 5 done); one street officer per street, with an API key."""
    district = factories.DistrictFactory()
    programme = factories.ProgrammeFactory(district=district)
    d0 = today - dt.timedelta(days=10)
    rows = []
    with transaction.atomic():  # one statistics refresh after it, not one per report
        for number in range(STREETS):
            street = factories.StreetFactory(district=district)
            officer = factories.UserFactory(
                username=f"officer{number}", role=User.Role.STREET_OFFICER, street=street
            )
            token = Token.objects.create(user=officer).key
            for _ in range(PROJECTS_PER_STREET):
                project = factories.ProjectFactory(
                    programme=programme, compound__street=street, in_construction=True
                )
                item = factories.WorkItemFactory(project=project, planned_quantity=Decimal("100"))
                services.progress_report_file(
                    project=project, by=officer, report_date=d0, quantities={item.pk: "5"}
                )
                rows.append({"project": project, "item": item, "officer": officer, "token": token})
    return rows


@pytest.fixture
def redis_for_tasks(processes, tmp_path):
    """Tasks go to a private Redis (nobody consumes them here), as in production; without the
    redis-server binary the server runs them eagerly."""
    if REDIS_SERVER is None:
        return None
    directory = tmp_path / "redis"
    directory.mkdir()
    server = RedisServer(processes, directory)
    server.start()
    return server.url


def test_100_concurrent_submissions_are_each_saved_once_or_refused(
    sites, processes, redis_for_tasks, today
):
    d0, d3, d1 = (today - dt.timedelta(days=days) for days in (10, 3, 1))
    web = start_web(
        processes,
        app_env(database=database_url(), redis=redis_for_tasks),
        workers=3,
        threads=4,
    )
    plan = []  # (site, label, channel, report date, quantity, version)
    for number, site in enumerate(sites):
        even = number % 2 == 0
        plan += [
            (site, "A", "page" if even else "api", d3, "20", None),
            (site, "B", "page" if even else "api", d1, "30", None),
            (site, "C", "api" if even else "page", d1, "31", None),
            (site, "D", "api" if even else "page", d0, "6", 1),
            (site, "E", "page" if even else "api", d0, "7", 1),
        ]
    assert len(plan) == 100
    start = threading.Barrier(len(plan), timeout=600)
    # each browser client has its own connection and the session of its officer's login
    cookies = {
        site["officer"].username: log_in(web.url, site["officer"].username).cookies
        for site in sites[::PROJECTS_PER_STREET]
    }

    def submit(entry):
        site, _label, channel, report_date, quantity, version = entry
        project, item = site["project"].pk, site["item"].pk
        quantities = {item: quantity}
        if channel == "page":
            try:  # open the form, then wait for everybody
                browser = requests.Session()
                browser.cookies.update(cookies[site["officer"].username])
                form = open_progress_form(
                    browser, web.url, project, report_date if version is not None else None
                )
                assert form["version"] == ("" if version is None else str(version))
            except BaseException:
                start.abort()
                raise
            # gunicorn closes an idle kept-alive connection after 2 s: submit on a new one
            browser.close()
            start.wait()
            answer = post_progress_form(
                browser, web.url, project, form, report_date=report_date, quantities=quantities
            )
        else:
            client = requests.Session()
            start.wait()
            answer = post_progress_api(
                web.url,
                site["token"],
                project,
                report_date=report_date,
                quantities=quantities,
                version=version,
                session=client,
            )
        return entry, answer

    with ThreadPoolExecutor(max_workers=len(plan)) as pool:
        results = list(pool.map(submit, plan))

    accepted, refused = {}, Counter()
    for (site, label, channel, report_date, quantity, _), answer in results:
        key = (site["project"].pk, label)
        if channel == "page":
            if answer.status_code == 302:
                accepted[key] = quantity
                continue
            assert answer.status_code == 409, (key, answer.status_code, answer.text[:2000])
            page = html.unescape(answer.text)
            assert any(message in page for message in conflict_messages(report_date)), page
        else:
            if answer.status_code in (200, 201):
                assert answer.status_code == (201 if report_date != d0 else 200)
                accepted[key] = quantity
                continue
            assert answer.status_code == 409, (key, answer.status_code, answer.text[:2000])
            assert answer.json()["code"] == "conflict"
        refused[key] = 1
    assert len(accepted) + len(refused) == 100
    assert (len(accepted), len(refused)) == (60, 40)

    for site in sites:
        project, item = site["project"], site["item"]
        won = {label: accepted.get((project.pk, label)) for label in "ABCDE"}
        # exactly one of each racing pair
        assert won["A"] == "20"
        assert (won["B"] is None) != (won["C"] is None)
        assert (won["D"] is None) != (won["E"] is None)
        latest = won["B"] or won["C"]
        corrected = won["D"] or won["E"]

        # stored exactly once: one report per date, one line each, with the accepted figures
        reports = {
            report.report_date: report
            for report in ProgressReport.objects.filter(project=project).prefetch_related("lines")
        }
        assert sorted(reports) == [d0, d3, d1]
        lines = {
            date: [(line.work_item_id, str(line.quantity_to_date)) for line in report.lines.all()]
            for date, report in reports.items()
        }
        assert lines == {
            d0: [(item.pk, f"{corrected}.00")],
            d3: [(item.pk, "20.00")],
            d1: [(item.pk, f"{latest}.00")],
        }
        assert [reports[date].version for date in (d0, d3, d1)] == [2, 1, 1]
        # the final state is the last accepted value: the latest report counts
        assert WorkItem.objects.get(pk=item.pk).completed_quantity == Decimal(latest)
        assert Project.objects.get(pk=project.pk).progress == Decimal(latest)
    assert web.process.poll() is None

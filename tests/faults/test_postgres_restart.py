"""PostgreSQL restarted under a running server: while it is down, requests fail cleanly (503
with Retry-After, the page in the user's language, the API in its JSON error shape, never a
500 or a traceback) and nothing half-done is saved; once it is back, the same server answers
again, without being restarted.

The database is a private cluster (initdb into a temporary directory) holding a copy of the
migrated test database; gunicorn runs against it with the production connection settings
(persistent connections, CONN_HEALTH_CHECKS).
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pytest
import requests
from django.db import connection
from django.utils import timezone, translation
from django.utils.translation import gettext

from .conftest import (
    BASE_DIR,
    NO_TRACEBACK,
    PASSWORD,
    app_env,
    form_inputs,
    log_in,
    open_progress_form,
    post_progress_api,
    post_progress_form,
    requires_gunicorn,
    requires_pg_binaries,
    requires_postgres,
    start_web,
)

# The marker makes pytest-django create the test database, copied into the private cluster.
pytestmark = [requires_postgres, requires_pg_binaries, requires_gunicorn, pytest.mark.django_db]

DATABASE = "renovation"


def seed(database: str) -> dict:
    env = app_env(database=database)
    done = subprocess.run(
        [sys.executable, "-c", "from tests.faults.seed import main; main()"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def assert_clean_503(answer: requests.Response, *, api: bool, language: str = "zh-hans") -> None:
    assert answer.status_code == 503, answer.text[:2000]
    assert int(answer.headers["Retry-After"]) > 0
    assert not NO_TRACEBACK.search(answer.text), answer.text[:2000]
    with translation.override(language):
        if api:
            assert answer.headers["Content-Type"] == "application/json"
            body = answer.json()
            assert (body["status"], body["code"]) == (503, "service_unavailable")
            assert body["detail"] == gettext(
                "The service is temporarily unavailable. Try again in a minute."
            )
        else:
            assert answer.headers["Content-Type"].startswith("text/html")
            assert f'<html lang="{language}">' in answer.text
            assert gettext("Service temporarily unavailable") in answer.text


def test_requests_fail_cleanly_while_postgres_restarts_and_succeed_after(
    private_postgres, processes
):
    private_postgres.copy_database(connection.settings_dict, DATABASE)
    data = seed(private_postgres.url(DATABASE))
    project, item, token = data["project"], data["item"], data["token"]
    web = start_web(processes, app_env(database=private_postgres.url(DATABASE)), workers=2)
    browser = log_in(web.url, data["username"])
    english = log_in(web.url, data["username"])
    english.cookies.set("django_language", "en")
    api_get = f"{web.url}/api/v1/projects/{project}/"
    auth = {"Authorization": f"Token {token}"}
    today = timezone.localdate()
    first, second = today - dt.timedelta(days=2), today - dt.timedelta(days=1)

    # before: everything answers, and a report is filed
    assert browser.get(web.url + "/", timeout=60).status_code == 200
    assert browser.get(web.url + data["project_url"], timeout=60).status_code == 200
    assert requests.get(api_get, headers=auth, timeout=60).status_code == 200
    filed = post_progress_api(web.url, token, project, report_date=first, quantities={item: "10"})
    assert filed.status_code == 201, filed.text[:2000]
    form = open_progress_form(browser, web.url, project)
    gunicorn_workers = web.worker_pids()
    assert len(gunicorn_workers) == 2

    private_postgres.stop("fast")

    # during: clean 503s for reading and writing, pages and API, in the user's language
    for _ in range(3):  # both workers, with their broken persistent connections
        assert_clean_503(browser.get(web.url + "/", timeout=60), api=False)
        assert_clean_503(requests.get(api_get, headers=auth, timeout=60), api=True)
    assert_clean_503(browser.get(web.url + data["project_url"], timeout=60), api=False)
    assert_clean_503(english.get(web.url + "/", timeout=60), api=False, language="en")
    # logging in: the page needs no database, checking the password does
    visitor = requests.Session()
    login_page = visitor.get(web.url + "/accounts/login/", timeout=60)
    assert login_page.status_code == 200
    assert_clean_503(
        visitor.post(
            web.url + "/accounts/login/",
            data={
                "username": data["username"],
                "password": PASSWORD,
                "csrfmiddlewaretoken": form_inputs(login_page.text)["csrfmiddlewaretoken"],
            },
            timeout=60,
        ),
        api=False,
    )
    assert_clean_503(
        post_progress_form(
            browser, web.url, project, form, report_date=second, quantities={item: "20"}
        ),
        api=False,
    )
    assert_clean_503(
        post_progress_api(web.url, token, project, report_date=second, quantities={item: "20"}),
        api=True,
    )
    assert requests.get(web.url + "/healthz/", timeout=60).status_code == 503

    private_postgres.start()

    # after: the same server processes answer again
    for _ in range(4):
        assert browser.get(web.url + "/", timeout=60).status_code == 200
        assert requests.get(api_get, headers=auth, timeout=60).status_code == 200
    assert english.get(web.url + data["project_url"], timeout=60).status_code == 200
    # the refused submission, sent again, is saved (once)
    saved = post_progress_form(
        browser, web.url, project, form, report_date=second, quantities={item: "20"}
    )
    assert saved.status_code == 302, saved.text[:2000]
    again = post_progress_api(web.url, token, project, report_date=second, quantities={item: "20"})
    assert again.status_code == 409, again.text[:2000]  # it is there already
    assert web.process.poll() is None
    assert web.worker_pids() == gunicorn_workers

    reports = private_postgres.psql(
        DATABASE,
        "SELECT r.report_date, r.version, l.quantity_to_date FROM programmes_progressreport r "
        "JOIN programmes_progressreportline l ON l.report_id = r.id "
        f"WHERE r.project_id = {project} ORDER BY r.report_date",
    )
    assert reports.split() == [f"{first}|1|10.00", f"{second}|1|20.00"]

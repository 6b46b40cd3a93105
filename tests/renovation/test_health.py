"""Health checks (django-health-check): `/healthz/` keeps the contract of load balancers and the
web container's check; `/healthz/detail/` shows the platform administrator every service the
platform runs on, and answers 503 with the reason when one fails."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connections
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from renovation.views import detail_checks
from tests.factories import UserFactory
from tests.security.test_csp import inline_problems

ROOT = Path(__file__).resolve().parents[2]
DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1: refused at once


@pytest.fixture
def database_unreachable(monkeypatch, tmp_path):
    """New connections to the default database fail for real (the test's own stays open)."""
    database = connections.settings["default"]
    if database["ENGINE"].endswith("sqlite3"):
        monkeypatch.setitem(database, "NAME", str(tmp_path / "missing" / "db.sqlite3"))
    else:
        monkeypatch.setitem(database, "PORT", "1")


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


def test_liveness_answers_ok_without_a_login(client, db):
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_liveness_answers_503_when_the_database_cannot_be_reached(client, db, database_unreachable):
    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unreachable"}


def test_liveness_ignores_a_dead_cache(client, db, settings):
    # With Redis down the platform still saves: no reason to take a web process out.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": DEAD_REDIS,
        }
    }

    assert client.get(reverse("healthz")).status_code == 200


def test_the_status_page_is_for_the_platform_administrator(client, district_official):
    url = reverse("healthz-detail")

    anonymous = client.get(url)
    client.force_login(district_official)
    official = client.get(url)

    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("login"))
    assert official.status_code == 403


def test_the_status_page_lists_every_service_in_the_users_language(client, superuser):
    client.force_login(superuser)

    response = client.get(reverse("healthz-detail"))

    assert response.status_code == 200
    html = response.content.decode()
    with translation.override("zh-hans"):
        for label in ("Database", "Cache", "Uploaded files (storage)"):
            assert gettext(label) != label
            assert gettext(label) in html
        assert gettext("Every service the platform runs on answers.") in html
    # The library's own template styles itself inline; the platform's page does not.
    assert inline_problems(html)[0] == []
    assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_the_status_page_names_the_failing_service_with_503(client, superuser, settings):
    client.force_login(superuser)
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": DEAD_REDIS,
        }
    }

    response = client.get(reverse("healthz-detail"), {"format": "json"})

    assert response.status_code == 503
    results = response.json()
    assert results["Database(alias='default')"] == "OK"
    assert results["Cache(alias='default')"].startswith("Unexpected Result")


def test_a_broker_and_its_workers_are_checked_when_tasks_leave_the_process(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    eager = {type(check).__name__ for check in detail_checks()}
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/14"
    queued = {type(check).__name__ for check in detail_checks()}

    assert eager == {"Database", "Cache", "Storage"}
    assert queued == {"Database", "Cache", "Storage", "Redis", "Workers"}


def test_smtp_is_checked_only_when_mail_goes_to_a_server(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    console = {type(check).__name__ for check in detail_checks()}
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    smtp = {type(check).__name__ for check in detail_checks()}

    assert "Mail" not in console
    assert "Mail" in smtp


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis (REDIS_URL), as in CI")
def test_without_a_worker_the_status_page_says_so(client, superuser, settings):
    client.force_login(superuser)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = os.environ["REDIS_URL"]

    response = client.get(reverse("healthz-detail"), {"format": "json"})

    results = response.json()
    assert response.status_code == 503
    assert any(key.startswith("Redis(") and value == "OK" for key, value in results.items())
    # "Celery workers unavailable" after the ping's 2 s, or a time-out on a loaded machine.
    assert results["Workers()"].startswith("Unavailable: ")


def test_the_command_runs_the_checks_without_a_server(db):
    # What an operator runs in the web container: `manage.py health_check healthz-detail
    # --no-http` (a fresh process on the development settings: SQLite, no broker).
    # CI's own services and task settings (CELERY_TASK_ALWAYS_EAGER=0) stay out of it.
    services = ("DATABASE_URL", "REDIS_URL", "CELERY_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(services)}
    result = subprocess.run(
        [sys.executable, "manage.py", "health_check", "healthz-detail", "--no-http"],
        cwd=ROOT,
        env={**env, "DJANGO_DEBUG": "1", "DJANGO_SETTINGS_MODULE": "renovation.settings"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "Database(alias='default'): OK" in result.stdout
    assert "Storage(alias='default'): OK" in result.stdout

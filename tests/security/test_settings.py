"""Production settings pass Django's deployment checks; cookies and security headers."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]

# The documented production environment (README, .env.example).
PRODUCTION_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "example.gov.cn",
    "DJANGO_HSTS_SECONDS": "31536000",
    "DJANGO_SECURE_SSL_REDIRECT": "1",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL", "CELERY_", "RENOVATION_"))
    }
    clean.update(DJANGO_SETTINGS_MODULE="renovation.settings", **env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_reports_no_issues_with_the_production_environment():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENV)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_warns_when_https_is_not_configured():
    # The check is not silenced wholesale: without HSTS and the redirect it does complain.
    env = {**PRODUCTION_ENV, "DJANGO_HSTS_SECONDS": "0", "DJANGO_SECURE_SSL_REDIRECT": "0"}

    result = manage("check", "--deploy", "--fail-level", "WARNING", **env)

    assert result.returncode != 0
    assert "security.W004" in result.stdout + result.stderr
    assert "security.W008" in result.stdout + result.stderr


def test_production_cookies_are_secure_http_only_and_same_site_lax():
    printed = subprocess.run(
        [
            sys.executable,
            "-c",
            "from django.conf import settings as s; print(s.SESSION_COOKIE_SECURE, "
            "s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE, "
            "s.CSRF_COOKIE_SAMESITE, s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT)",
        ],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
            "DJANGO_SETTINGS_MODULE": "renovation.settings",
            **PRODUCTION_ENV,
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert printed.returncode == 0, printed.stderr
    assert printed.stdout.split() == ["True", "True", "True", "Lax", "Lax", "31536000", "True"]


def test_session_cookie_is_http_only_and_same_site(client, district_official):
    response = client.post(reverse("login"), {"username": "district", "password": "pw"})

    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def test_pages_carry_the_security_headers(client, db):
    response = client.get(reverse("login"))

    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "Content-Security-Policy" in response


def test_hsts_header_when_configured(client, db, settings):
    settings.SECURE_HSTS_SECONDS = 31536000

    response = client.get(reverse("login"), secure=True)

    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_ssl_redirect_when_configured_except_the_health_check(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True

    page = client.get(reverse("login"))
    health = client.get("/healthz/")

    assert page.status_code == 301
    assert page["Location"].startswith("https://")
    assert health.status_code == 200

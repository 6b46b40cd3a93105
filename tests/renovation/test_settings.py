"""Settings come from the environment; production refuses to start without a secret key.

Each case imports the real settings module in a fresh interpreter, because settings are read
once per process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PRINT_SETTINGS = """
import json
from django.conf import settings
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "ENGINE": settings.DATABASES["default"]["ENGINE"],
    "CACHE": settings.CACHES["default"]["BACKEND"],
    "EAGER": settings.CELERY_TASK_ALWAYS_EAGER,
    "SECURE_COOKIES": settings.SESSION_COOKIE_SECURE,
    "LANGUAGE_CODE": settings.LANGUAGE_CODE,
    "SECRET_KEY": settings.SECRET_KEY,
}))
"""


def run_settings(**env: str) -> subprocess.CompletedProcess:
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL", "CELERY_"))
    }
    clean.update(DJANGO_SETTINGS_MODULE="renovation.settings", **env)
    return subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def loaded(**env: str) -> dict:
    result = run_settings(**env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("debug", [None, "0", "false"])
def test_secret_key_is_required_with_debug_off(debug):
    env = {"DJANGO_DEBUG": debug} if debug is not None else {}

    result = run_settings(**env)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_settings_start_with_a_secret_key():
    values = loaded(DJANGO_SECRET_KEY="s3cret-for-test")

    assert values["DEBUG"] is False
    assert values["SECRET_KEY"] == "s3cret-for-test"
    assert values["SECURE_COOKIES"] is True


def test_debug_has_a_development_key_and_embedded_defaults():
    values = loaded(DJANGO_DEBUG="1")

    assert values["SECRET_KEY"]
    assert values["ENGINE"] == "django.db.backends.sqlite3"
    assert values["CACHE"].endswith("LocMemCache")
    assert values["EAGER"] is True
    assert values["SECURE_COOKIES"] is False
    assert values["LANGUAGE_CODE"] == "zh-hans"


def test_database_and_redis_urls_switch_to_postgresql_and_redis():
    values = loaded(
        DJANGO_DEBUG="1",
        DATABASE_URL="postgres://u:p@db.example:5432/renovation",
        REDIS_URL="redis://cache.example:6379/0",
    )

    assert values["ENGINE"] == "django.db.backends.postgresql"
    assert values["CACHE"] == "django.core.cache.backends.redis.RedisCache"
    assert values["EAGER"] is False

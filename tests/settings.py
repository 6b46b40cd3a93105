"""Test settings: the real settings with test speed-ups.

SQLite by default; PostgreSQL and Redis when DATABASE_URL and REDIS_URL are set (CI). Tasks run
eagerly unless a test starts a real worker itself.
"""

import os

os.environ.setdefault("DJANGO_DEBUG", "1")

from renovation.settings import *  # noqa: F403
from renovation.settings import STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = BASE_DIR / "artifacts" / "test-media"  # noqa: F405
LANGUAGE_CODE = "zh-hans"
# Tests build data with factories, not services, so nothing bumps the statistics cache
# generation; tests/api/test_statistics_cache.py turns the cache on and uses services.
RENOVATION_STATISTICS_CACHE_SECONDS = 0

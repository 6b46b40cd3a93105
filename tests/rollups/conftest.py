"""Fixtures of the rollup tests: a refresh flag that never leaks between tests (the cache is
Redis in CI), and the demo data loaded once per module inside a rolled-back transaction."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction

from reporting.rollups.services import PENDING_KEY


@pytest.fixture(autouse=True)
def _no_pending_refresh():
    cache.delete(PENDING_KEY)
    yield
    cache.delete(PENDING_KEY)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)

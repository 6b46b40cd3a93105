"""The answer when the database cannot be reached (renovation.middleware), without servers:
the middleware in the settings' chain, called as Django calls it when a view raises. Runs on
SQLite too; test_postgres_restart.py checks the same answers from a real outage."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import translation
from django.utils.translation import gettext

from renovation.middleware import DatabaseUnavailableMiddleware

from .conftest import NO_TRACEBACK


def answer(path: str, error: Exception, language: str = "zh-hans") -> HttpResponse | None:
    request = RequestFactory().get(path)
    middleware = DatabaseUnavailableMiddleware(lambda request: HttpResponse())
    with translation.override(language):
        return middleware.process_exception(request, error)


def test_the_middleware_is_installed():
    assert "renovation.middleware.DatabaseUnavailableMiddleware" in settings.MIDDLEWARE


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_page_answers_503_in_the_users_language(language):
    response = answer("/compounds/1/", OperationalError("could not connect to server"), language)

    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert f'<html lang="{language}">' in page
    with translation.override(language):
        assert gettext("Service temporarily unavailable") in page
    assert 'href="/compounds/1/"' in page
    assert not NO_TRACEBACK.search(page)


def test_the_api_answers_503_in_its_error_shape():
    response = answer("/api/v1/projects/", InterfaceError("connection already closed"), "en")

    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert json.loads(response.content) == {
        "status": 503,
        "code": "service_unavailable",
        "detail": "The service is temporarily unavailable. Try again in a minute.",
        "errors": {},
    }


def test_other_errors_are_left_to_the_500_handling():
    assert answer("/", ValueError("a bug")) is None

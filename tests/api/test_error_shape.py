"""Under /api/ every answer is JSON in the one error shape, whatever the method, the path or
the failure (issue 17, finding 9)."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from tests.api.test_infrastructure import assert_error_shape


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_unsafe_method_on_an_unknown_path_is_a_json_404_not_the_csrf_page(method, db):
    client = Client(enforce_csrf_checks=True)

    response = getattr(client, method)("/api/v1/no-such-thing/", {})

    assert_error_shape(response, 404, "not_found")


@pytest.mark.parametrize(
    "path", ["/api/v1/projects/%0A/", "/api/v1/%0A", "/api/%0Aschema/", "/api/v1/x%00y/"]
)
def test_path_with_a_newline_is_a_json_404(path, street_api):
    assert_error_shape(street_api.get(path), 404, "not_found")


def test_wrong_method_is_a_json_405(street_api, project):
    response = street_api.delete(reverse("api:project-list"))

    assert_error_shape(response, 405, "method_not_allowed")


def test_django_csrf_refusal_under_the_api_is_json(rf, db):
    """Django's middleware refusal (before any view), answered by CSRF_FAILURE_VIEW."""
    from django.middleware.csrf import CsrfViewMiddleware

    request = rf.post("/api/v1/projects/", {})
    request._dont_enforce_csrf_checks = False
    response = CsrfViewMiddleware(lambda r: None).process_view(request, lambda r: None, (), {})

    response.json = lambda: json.loads(response.content)
    assert_error_shape(response, 403, "csrf_failed")


def test_csrf_refusal_on_a_page_stays_html(db):
    client = Client(enforce_csrf_checks=True)

    response = client.post(reverse("login"), {"username": "a", "password": "b"})

    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/html")


def test_server_error_under_the_api_is_json(street_api, project, monkeypatch):
    from programmes.api import views

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views.ProjectViewSet, "list", broken)
    street_api.raise_request_exception = False

    response = street_api.get(reverse("api:project-list"))

    body = assert_error_shape(response, 500, "server_error")
    assert "boom" not in body["detail"]


def test_server_error_on_a_page_stays_html(rf):
    from renovation.api import failures

    response = failures.server_error(rf.get("/projects/"))

    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")


def test_anonymous_rate_applies_before_the_401(settings, anonymous, db):
    settings.RENOVATION_API_RATES = {"user": "100/min", "anon": "2/min"}
    url = reverse("api:project-list")

    statuses = [anonymous.get(url).status_code for _ in range(3)]

    assert statuses == [401, 401, 429]
    assert_error_shape(anonymous.get(url), 429, "throttled")


def test_an_id_filter_past_64_bits_is_a_400_not_a_500(street_api, project):
    """Found by the fuzzer: /receipts/?commitment=4351046475224383488000 overflowed SQLite."""
    response = street_api.get(reverse("api:receipt-list"), {"commitment": "4351046475224383488000"})

    body = assert_error_shape(response, 400, "invalid")
    assert "commitment" in body["errors"]


@pytest.mark.parametrize("params", [{"page_size": "abc"}, {"page": ""}, {"page": "1.5"}])
@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_page_parameters_must_be_whole_numbers(street_api, project, params, fmt):
    """Found by the stateful fuzz: `page_size=abc` or an empty `page` answered 200."""
    response = street_api.get(reverse("api:project-list"), {**params, "format": fmt})

    assert_error_shape(response, 400, "invalid")

"""Django-level failures under /api/ in the API's one JSON error shape.

DRF's exception handler covers errors raised inside an API view. These cover the rest: a path
that matches no route (including paths with newlines or other odd characters), Django's CSRF
refusal (which runs before any view), and an unexpected error (500). Outside /api/, pages keep
their HTML templates."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.csrf import csrf_failure as html_csrf_failure
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions

from renovation.api.exceptions import error_body


def is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/") or request.path_info == "/api"


def _json(status: int, code: str, detail: str) -> JsonResponse:
    response = JsonResponse(error_body(status, code, detail), status=status)
    response["Cache-Control"] = "no-store"
    return response


@csrf_exempt  # a path that names nothing has nothing to protect: 404 whatever the method
def api_not_found(request: HttpRequest, *args, **kwargs) -> JsonResponse:
    """A path under /api/ that names no endpoint: the same shape as every other error."""
    return _json(404, "not_found", str(exceptions.NotFound.default_detail))


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api(request):
        return api_not_found(request)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if is_api(request):
        return _json(
            500, "server_error", _("An unexpected error occurred; it has been logged. Try again.")
        )
    return defaults.server_error(request)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api(request):
        return _json(400, "bad_request", _("The request could not be understood."))
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api(request):
        return _json(403, "permission_denied", str(exceptions.PermissionDenied.default_detail))
    return defaults.permission_denied(request, exception)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Settings' CSRF_FAILURE_VIEW: the API's shape under /api/, Django's page elsewhere."""
    if is_api(request):
        return _json(
            403,
            "csrf_failed",
            _("The request was refused: the security token (CSRF) is missing or wrong."),
        )
    return html_csrf_failure(request, reason=reason)

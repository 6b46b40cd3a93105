"""One JSON error shape for every API error, in the request's language:

    {"status": 400, "code": "invalid", "detail": "…", "errors": {"field": ["…"]}}

`errors` holds field-level messages (nested fields as dotted paths, e.g. `lines.0.quantity_to_date`;
messages not tied to a field under `non_field_errors`); it is empty for errors that are not about
input. Services raise Django's `ValidationError`, `PermissionDenied` and `ConflictError`; they are
mapped here so that views only call services.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import (
    NON_FIELD_ERRORS,
    PermissionDenied,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler

from renovation.errors import ConflictError
from renovation.warnings import CONFIRM_FIELD, WarningsNotConfirmed


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = gettext_lazy(
        "Someone else saved this record after you read it. Nothing was saved: read it again, "
        "then repeat your change."
    )
    default_code = "conflict"


class WarningsToConfirm(exceptions.APIException):
    """Plausibility warnings (renovation/warnings.py): send again with `confirm_warnings: true`."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = gettext_lazy(
        "Please check the figures: nothing was saved. If they are right, send the request again "
        "with confirm_warnings: true."
    )
    default_code = "warnings"

    def __init__(self, error: WarningsNotConfirmed) -> None:
        super().__init__()
        self.warnings = error.warnings


def django_validation_errors(error: DjangoValidationError) -> dict[str, list[str]]:
    """A service's ValidationError as DRF field errors (`__all__` → `non_field_errors`)."""
    if hasattr(error, "error_dict"):
        return {
            (api_settings.NON_FIELD_ERRORS_KEY if name == NON_FIELD_ERRORS else name): messages
            for name, messages in error.message_dict.items()
        }
    return {api_settings.NON_FIELD_ERRORS_KEY: error.messages}


def _as_api_exception(exc: Exception) -> Exception:
    if isinstance(exc, ConflictError):
        return Conflict(exc.message)
    if isinstance(exc, WarningsNotConfirmed):
        return WarningsToConfirm(exc)
    if isinstance(exc, DjangoValidationError):
        return exceptions.ValidationError(django_validation_errors(exc))
    if isinstance(exc, PermissionDenied):
        return exceptions.PermissionDenied(*(exc.args[:1] or ()))
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    if isinstance(exc, RequestDataTooBig | TooManyFieldsSent | TooManyFilesSent):
        # Django's upload limits (e.g. more than DATA_UPLOAD_MAX_NUMBER_FILES photos at once).
        return exceptions.ParseError(
            _("The request has too many files or fields, or is too large: send fewer at a time.")
        )
    return exc


def flatten_errors(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """Nested serializer errors as one level of dotted field paths."""
    result: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            if key == api_settings.NON_FIELD_ERRORS_KEY and prefix:
                path = prefix  # a nested object's own errors belong to its field
            else:
                path = f"{prefix}.{key}" if prefix else str(key)
            for name, messages in flatten_errors(value, path).items():
                result.setdefault(name, []).extend(messages)
    elif isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            if detail:
                result[prefix or api_settings.NON_FIELD_ERRORS_KEY] = [str(m) for m in detail]
        else:
            for index, value in enumerate(detail):
                path = f"{prefix}.{index}" if prefix else str(index)
                for name, messages in flatten_errors(value, path).items():
                    result.setdefault(name, []).extend(messages)
    else:
        result[prefix or api_settings.NON_FIELD_ERRORS_KEY] = [str(detail)]
    return result


def _code(exc: exceptions.APIException) -> str:
    if isinstance(exc, exceptions.ValidationError):
        return "invalid"
    codes = exc.get_codes()
    return codes if isinstance(codes, str) else exc.default_code


def error_body(status_code: int, code: str, detail: str, errors: dict | None = None) -> dict:
    return {"status": status_code, "code": code, "detail": detail, "errors": errors or {}}


def api_exception_handler(exc: Exception, context: dict) -> Response | None:
    exc = _as_api_exception(exc)
    response = exception_handler(exc, context)
    if response is None:
        return None  # an unexpected error: Django's 500 handling and logging
    request = context.get("request")
    if request is not None:
        # Errors are always JSON, even when the client asked for CSV.
        request.accepted_renderer = JSONRenderer()
        request.accepted_media_type = "application/json"
    if isinstance(exc, exceptions.ValidationError):
        errors = flatten_errors(exc.detail)
        non_field = errors.get(api_settings.NON_FIELD_ERRORS_KEY)
        detail = non_field[0] if non_field else _("The input is not valid; see the field errors.")
    else:
        errors = {}
        detail = str(exc.detail) if not isinstance(exc.detail, dict | list) else str(exc)
    if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        response["Retry-After"] = str(max(1, int(-(-exc.wait // 1))))
    response.data = error_body(response.status_code, _code(exc), detail, errors)
    if isinstance(exc, WarningsToConfirm):
        # The one addition to the error shape: each warning with its own code.
        response.data["errors"] = {CONFIRM_FIELD: [str(w.message) for w in exc.warnings]}
        response.data["warnings"] = [w.as_dict() for w in exc.warnings]
    return response

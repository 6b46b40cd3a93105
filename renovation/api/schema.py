"""OpenAPI schema generation: every operation documents the errors it can return, in the common
shape, with an example each."""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import force_instance
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, inline_serializer
from rest_framework import serializers

ErrorSerializer = inline_serializer(
    name="Error",
    fields={
        "status": serializers.IntegerField(help_text="The HTTP status code."),
        "code": serializers.CharField(
            help_text="A stable machine-readable code: invalid, not_authenticated, "
            "authentication_failed, permission_denied, not_found, method_not_allowed, "
            "not_acceptable, unsupported_media_type, parse_error, conflict, throttled."
        ),
        "detail": serializers.CharField(help_text="A message in the request's language."),
        "errors": serializers.DictField(
            child=serializers.ListField(child=serializers.CharField()),
            help_text="Field-level messages by (dotted) field path; empty unless status is 400.",
        ),
    },
)


def _error(status: int, code: str, detail: str, errors: dict | None = None) -> OpenApiResponse:
    return OpenApiResponse(
        response=ErrorSerializer,
        description=detail,
        examples=[
            OpenApiExample(
                code,
                value={"status": status, "code": code, "detail": detail, "errors": errors or {}},
                status_codes=[str(status)],
                media_type="application/json",
            )
        ],
    )


ERRORS = {
    "400": _error(
        400,
        "invalid",
        "The input is not valid; see the field errors.",
        {"report_date": ["The report date cannot be in the future."]},
    ),
    "401": _error(401, "not_authenticated", "Authentication credentials were not provided."),
    "403": _error(403, "permission_denied", "API-client keys are read-only."),
    "404": _error(404, "not_found", "Not found."),
    "409": _error(
        409,
        "conflict",
        "Someone else saved this record after you read it. Nothing was saved: read it again, "
        "then repeat your change.",
    ),
    "415": _error(
        415, "unsupported_media_type", 'Unsupported media type "application/json" in request.'
    ),
    "429": _error(429, "throttled", "Request was throttled. Expected available in 12 seconds."),
}


class ApiAutoSchema(AutoSchema):
    """Adds the common error responses to each operation:

    - 401, 403 and 429 everywhere (authentication, role, throttling);
    - 404 where the path names an object (out of scope or missing) and on lists (a page past
      the end);
    - 400 on writes (deletes included) and on anything with query parameters;
    - 409 on writes (deletes included) that carry a version (optimistic concurrency);
    - 415 on uploads (they take multipart/form-data only).
    """

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        codes = ["401", "403", "429"]
        has_path_object = "{" in self.path
        is_list = self._is_list_view()
        if has_path_object or is_list:
            codes.append("404")
        # A delete goes through a service too, which may refuse it (e.g. a work item after
        # construction started needs a reason).
        writes = ("POST", "PUT", "PATCH", "DELETE")
        if self.method in writes or is_list or self._has_query(self.view):
            codes.append("400")
        # A delete that takes a version (a work item's removal) is a conflict when stale too.
        if self.method in writes and self._takes_version():
            codes.append("409")
        if self.method in ("POST", "PUT", "PATCH") and self._is_upload():
            codes.append("415")
        for code in sorted(codes):
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    ERRORS[code], code, media_types=["application/json"]
                )
        return dict(sorted(responses.items()))

    def _takes_version(self) -> bool:
        request = self.get_request_serializer()
        # An upload documents its serializer per media type: {"multipart/form-data": ...}.
        candidates = request.values() if isinstance(request, dict) else [request]
        return any(
            "version" in getattr(force_instance(candidate), "fields", {})
            for candidate in candidates
        )

    def _is_upload(self) -> bool:
        return any(media_type.startswith("multipart/") for media_type in self.map_parsers())

    @staticmethod
    def _has_query(view) -> bool:
        return bool(getattr(view, "has_query_parameters", False))

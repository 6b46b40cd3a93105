"""Building blocks for the apps' API views: scoped read-only viewsets with stable ordering,
405-after-404 for methods an endpoint does not offer, ETags from a record's version,
`If-Match`/`version` handling for optimistic concurrency, and uploads and downloads of stored
files (multipart parsers for the upload actions only; JSON everywhere else)."""

from __future__ import annotations

import os
from typing import IO, Any

from django.db.models import QuerySet
from django.db.models.fields.files import FieldFile
from django.http import FileResponse
from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.filters import OrderingFilter, SearchFilter
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from .exceptions import Conflict
from .parsers import CleanFormParser, CleanMultiPartParser
from .renderers import FileRenderer

# For `@action(..., parser_classes=UPLOAD_PARSERS)`: the only views that take form data.
UPLOAD_PARSERS = [CleanMultiPartParser, CleanFormParser]
# For actions that stream a stored file: any Accept header; errors stay JSON.
DOWNLOAD_RENDERERS = [JSONRenderer, FileRenderer]


def etag(version: int) -> str:
    return f'"{version}"'


def requested_version(request: Request, body_version: int | None) -> int | None:
    """The version a write is based on: the body's `version` or the `If-Match` header (the
    ETag of the detail GET). Both absent (or `If-Match: *`): no check. A tag that cannot be a
    version of this record, or a header that contradicts the body, is a conflict."""
    header = (request.headers.get("If-Match") or "").strip()
    header_version = None
    if header and header != "*":
        tag = header.removeprefix("W/").strip('"')
        if not tag.isdigit():
            raise Conflict()
        header_version = int(tag)
    if body_version is not None and header_version is not None and body_version != header_version:
        raise Conflict()
    return body_version if body_version is not None else header_version


def validated(serializer_class: type[serializers.Serializer], request: Request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def stable(queryset: QuerySet) -> QuerySet:
    """The queryset's ordering with `id` last, so pages never repeat or skip a row."""
    query = queryset.query
    ordering = list(query.order_by or (query.default_ordering and queryset.model._meta.ordering))
    names = {str(term).lstrip("-") for term in ordering if isinstance(term, str)}
    if not names & {"id", "pk"}:
        ordering.append("id")
    return queryset.order_by(*ordering)


IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description=gettext_lazy(
        'The ETag of the record as read (its version, e.g. "3"). Instead of, or together '
        "with, `version` in the body; a stale value gives 409 and changes nothing."
    ),
)
ETAG_HEADER = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[200, 201],
    description=gettext_lazy("The record's version, for If-Match on the next write."),
)
LINK_HEADER = OpenApiParameter(
    "Link",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[200],
    description=gettext_lazy('RFC 8288 links: rel="first", "prev", "next", "last".'),
)


class ScopedReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    """List and detail of a scoped model. Lists filter (FilterSets shared with the pages),
    search (`q`), order (`ordering`) and paginate, always on a stable order; details of
    versioned records carry an ETag.

    Methods an endpoint does not offer (PUT, PATCH, DELETE) answer 405 for a record in scope
    and 404 for one outside it, so the status never tells whether a hidden record exists."""

    filter_backends = [DjangoFilterBackend, SearchFilter, OrderingFilter]
    search_fields: list[str] = []
    ordering_fields: list[str] = []
    versioned = False

    @property
    def csv_filename(self) -> str:
        return self.basename

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        if self.action != "list":
            return queryset  # a detail or a write looks up the id in the whole scope
        return stable(super().filter_queryset(queryset))

    def http_method_not_allowed(self, request: Request, *args, **kwargs) -> Response:
        if (self.lookup_url_kwarg or self.lookup_field) in kwargs:
            self.get_object()  # 404 outside the scope, before saying 405
        return super().http_method_not_allowed(request, *args, **kwargs)

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        instance = self.get_object()
        response = Response(self.get_serializer(instance).data)
        if self.versioned:
            response["ETag"] = etag(instance.version)
        return response


def list_and_detail_schema(tag: str, plural: str, singular: str, versioned: bool = False) -> Any:
    return extend_schema_view(
        list=extend_schema(tags=[tag], summary=f"List {plural}", parameters=[LINK_HEADER]),
        retrieve=extend_schema(
            tags=[tag],
            summary=f"One {singular}",
            parameters=[ETAG_HEADER] if versioned else [],
        ),
    )


def open_stored(field_file: FieldFile) -> IO[bytes]:
    """A stored file opened for reading; 404 when the record has none or storage lost it."""
    if not field_file:
        raise NotFound()
    try:
        return field_file.open("rb")
    except FileNotFoundError:
        raise NotFound() from None


def stored_file_response(
    handle: IO[bytes], name: str, content_type: str, *, as_attachment: bool = False
) -> FileResponse:
    response = FileResponse(
        handle,
        content_type=content_type,
        as_attachment=as_attachment,
        filename=os.path.basename(name),
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response

"""What every correction action shares: no deletes nor edits in place (405), the created
response, the reversal's example."""

from __future__ import annotations

from django.urls import reverse as url_for
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample
from rest_framework import status
from rest_framework.exceptions import MethodNotAllowed
from rest_framework.request import Request
from rest_framework.response import Response

from renovation.api.views import ScopedReadOnlyViewSet, etag

TAG = "funding"


class NoDeleteMixin:
    """Money records are corrected by counter-entries: a DELETE, PUT or PATCH is a 405 whose
    message says how (404 first for a record outside the caller's scope)."""

    def http_method_not_allowed(self, request: Request, *args, **kwargs) -> Response:
        view: ScopedReadOnlyViewSet = self  # type: ignore[assignment]
        if (view.lookup_url_kwarg or view.lookup_field) in kwargs:
            view.get_object()
        raise MethodNotAllowed(
            request.method or "",
            detail=_(
                "Money records are never deleted or changed: reverse a wrong entry (冲销) with "
                "POST …/reverse/ and the reason. The entry and its reversal stay in the history "
                "and every total counts them net."
            ),
        )


def _created(data: dict, name: str, pk: int, version: int) -> Response:
    response = Response(data, status=status.HTTP_201_CREATED)
    response["Location"] = url_for(f"api:{name}-detail", args=[pk])
    response["ETag"] = etag(version)
    return response


REVERSE_EXAMPLE = OpenApiExample(
    "Entered twice", value={"reason": "重复录入", "version": 4}, request_only=True
)

"""What the geography set-up endpoints share: their documented examples, scoped look-ups and
answers."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from programmes import selectors
from programmes.models import District
from renovation.access import can_set_up_geography, require
from renovation.api.views import etag

TAG = "geography"

# The documented examples; tests/programmes/test_geography_api.py posts every one of them.
EXAMPLES: dict[str, dict[str, Any]] = {
    "street_create": {"name": "玉林街道"},
    "street_update": {"name": "玉林街道办事处"},
    "community_create": {"street": 7, "name": "玉林北路社区"},
    "community_update": {"name": "玉林东路社区"},
    "area_create": {"name": "玉林片区", "description": "拆墙并院、连片改造", "compounds": [41]},
    "area_update": {"name": "玉林北片区", "compounds": [41, 42]},
    "compound_create": {
        "name": "芳草小区",
        "code": "YL-0101",
        "street": 7,
        "address": "芳草街12号",
        "year_built": 1995,
        "building_count": 6,
        "households": 240,
        "residents": None,
        "floor_area": "18500.00",
        "survey_status": "eligible",
        "flag_ageing_facilities": True,
    },
    "compound_update": {"households": 252, "residents": 690, "version": 1},
    "building_create": {
        "compound": 41,
        "name": "7栋",
        "floors": 6,
        "units": 3,
        "households": 36,
        "has_elevator": False,
        "year_built": 1995,
    },
    "building_update": {"households": 300, "confirm_warnings": True, "version": 1},
    "merge": {
        "duplicate": 42,
        "reason": "同一小区在摸排中登记了两次（芳草小区 / 芳草苑）",
        "version": 1,
        "duplicate_version": 1,
    },
}


def _example(name: str, key: str) -> OpenApiExample:
    return OpenApiExample(name, value=EXAMPLES[key], request_only=True)


def _input(serializer_class: type[serializers.Serializer], request: Request, *, partial=False):
    serializer = serializer_class(data=request.data, partial=partial)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _in_scope(queryset: QuerySet, pk: int | None) -> Any:
    """A record named in the body, from the caller's scope: 404 like one in the path."""
    if pk is None:
        return None
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def _district(request: Request, pk: int | None) -> District:
    user = request.user
    if pk is None:
        if user.district_id is None:
            raise serializers.ValidationError({"district": [_("Name the district.")]})
        pk = user.district_id
    return _in_scope(selectors.district_list(user=user), pk)


def _may_change(request: Request, district_id: int) -> None:
    """Checked before the body is read: a record in scope that the caller may not change is
    a 403 whatever the body says."""
    require(
        can_set_up_geography(request.user, district_id),
        _("Streets, areas and compounds are set up by the district's officials."),
    )


def _versioned(record, code: int = status.HTTP_200_OK, data: Any = None) -> Response:
    response = Response(data, status=code)
    response["ETag"] = etag(record.version)
    return response


def _created(basename: str, pk: int, data: Any) -> Response:
    response = Response(data, status=status.HTTP_201_CREATED)
    response["Location"] = reverse(f"api:{basename}-detail", args=[pk])
    return response


WARNINGS_NOTE = (
    " Figures that look wrong (a building with more households than its compound, per-household "
    "work above the compound's households) are a 400 with code `warnings`, each warning with "
    "its own code under `warnings`; send the request again with `confirm_warnings: true` to "
    "save them."
)

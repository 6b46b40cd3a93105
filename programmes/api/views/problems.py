"""Endpoints of site problems (每日调度、次日报告、当日解决)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from programmes import filters, selectors, services
from renovation.access import can_approve_in_district, can_file_street_records, require
from renovation.api.views import (
    ETAG_HEADER,
    IF_MATCH,
    ScopedReadOnlyViewSet,
    etag,
    list_and_detail_schema,
    requested_version,
    validated,
)

from .. import serializers as api


@list_and_detail_schema("problems", "site problems", "site problem", versioned=True)
class SiteProblemViewSet(ScopedReadOnlyViewSet):
    """Site problems (每日调度、次日报告、当日解决); raise one with
    POST /projects/{id}/site-problems/."""

    serializer_class = api.SiteProblemSerializer
    filterset_class = filters.SiteProblemFilter
    search_fields = ["title", "description", "project__compound__name"]
    ordering_fields = ["created_at", "closed_at", "severity", "status", "id"]
    versioned = True

    def get_queryset(self) -> QuerySet:
        return selectors.site_problem_list(user=self.request.user).select_related("closed_by")

    @extend_schema(
        tags=["problems"],
        summary="Close a site problem with its resolution",
        description="The street office in charge or the district's officials.",
        request=api.SiteProblemCloseInput,
        responses={200: api.SiteProblemSerializer},
        parameters=[IF_MATCH, ETAG_HEADER],
        examples=[
            OpenApiExample(
                "Close",
                value={"resolution": "已协调物业清理通道", "version": 1},
                request_only=True,
            )
        ],
    )
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        problem = self.get_object()
        street = problem.project.compound.street
        require(
            can_file_street_records(request.user, street.pk)
            or can_approve_in_district(request.user, street.district_id),
            _("Only the street office in charge or the district closes this problem."),
        )
        data = validated(api.SiteProblemCloseInput, request)
        services.site_problem_close(
            problem=problem,
            by=request.user,
            resolution=data["resolution"],
            version=requested_version(request, data.get("version")),
        )
        problem = self.get_queryset().get(pk=problem.pk)
        response = Response(self.get_serializer(problem).data)
        response["ETag"] = etag(problem.version)
        return response

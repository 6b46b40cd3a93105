"""Endpoints of residents' suggestions and complaints and their handling."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from governance import filters, selectors, services
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
from ._common import NOT_FOUND, TAG, _compound, _created, _may_file, _project_choice


@list_and_detail_schema(TAG, "suggestions and complaints", "suggestion", versioned=True)
class SuggestionViewSet(ScopedReadOnlyViewSet):
    """Residents' suggestions, complaints and objections (诉求): received, assigned, answered,
    closed. The contact is shown as on the pages: in full to the street office and the
    district's officials, masked for everyone else. `q` searches the text, never contacts."""

    serializer_class = api.SuggestionSerializer
    filterset_class = filters.SuggestionFilter
    search_fields = ["text", "answer", "compound__name"]
    ordering_fields = ["received_at", "answered_at", "closed_at", "status", "id"]
    lookup_value_regex = r"[0-9]+"
    versioned = True

    def get_queryset(self) -> QuerySet:
        return selectors.suggestion_list(user=self.request.user)

    def _respond(self, pk: int) -> Response:
        suggestion = self.get_queryset().get(pk=pk)
        response = Response(self.get_serializer(suggestion).data)
        response["ETag"] = etag(suggestion.version)
        return response

    def _handle(self, request: Request):
        suggestion = self.get_object()
        street = suggestion.compound.street
        require(
            can_file_street_records(request.user, street.pk)
            or can_approve_in_district(request.user, street.district_id),
            _("Only the street office in charge or the district may do this."),
        )
        return suggestion

    @extend_schema(
        tags=[TAG],
        summary="Record a suggestion or complaint received",
        description=(
            "The street office of the compound's street only (residents use the public "
            "disclosure page). 5 to 2000 characters."
        ),
        request=api.SuggestionInput,
        responses={201: api.SuggestionSerializer, **NOT_FOUND},
        parameters=[ETAG_HEADER],
        examples=[
            OpenApiExample(
                "Complaint at a meeting",
                value={
                    "compound": 7,
                    "project": None,
                    "kind": "complaint",
                    "channel": "meeting",
                    "text": "施工噪音影响午休，希望调整作业时间",
                    "contact": "",
                    "received_at": None,
                },
                request_only=True,
            )
        ],
    )
    def create(self, request: Request) -> Response:
        data = validated(api.SuggestionInput, request)
        compound = _compound(request, data.pop("compound"))
        _may_file(request, compound)
        data["project"] = _project_choice(request, data["project"])
        suggestion = services.suggestion_record(compound=compound, by=request.user, **data)
        suggestion = self.get_queryset().get(pk=suggestion.pk)
        return _created(
            self.get_serializer(suggestion).data, "suggestion", suggestion.pk, suggestion.version
        )

    @extend_schema(
        tags=[TAG],
        summary="Assign a suggestion to whoever handles it",
        description="The street office in charge or the district's officials.",
        request=api.SuggestionAssignInput,
        responses={200: api.SuggestionSerializer},
        parameters=[IF_MATCH, ETAG_HEADER],
    )
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: str | None = None) -> Response:
        suggestion = self._handle(request)
        data = validated(api.SuggestionAssignInput, request)
        services.suggestion_assign(
            suggestion=suggestion,
            by=request.user,
            version=requested_version(request, data["version"]),
            assigned_to=data["assigned_to"],
        )
        return self._respond(suggestion.pk)

    @extend_schema(
        tags=[TAG],
        summary="Record the answer given to the resident",
        description="The street office in charge or the district's officials.",
        request=api.SuggestionAnswerInput,
        responses={200: api.SuggestionSerializer},
        parameters=[IF_MATCH, ETAG_HEADER],
        examples=[
            OpenApiExample(
                "Answer",
                value={"answer": "已协调施工单位12:00-14:00停止高噪音作业", "version": 2},
                request_only=True,
            )
        ],
    )
    @action(detail=True, methods=["post"])
    def answer(self, request: Request, pk: str | None = None) -> Response:
        suggestion = self._handle(request)
        data = validated(api.SuggestionAnswerInput, request)
        services.suggestion_answer(
            suggestion=suggestion,
            by=request.user,
            version=requested_version(request, data["version"]),
            answer=data["answer"],
        )
        return self._respond(suggestion.pk)

    @extend_schema(
        tags=[TAG],
        summary="Close an answered suggestion",
        description="The street office in charge or the district's officials.",
        request=api.SuggestionCloseInput,
        responses={200: api.SuggestionSerializer},
        parameters=[IF_MATCH, ETAG_HEADER],
    )
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        suggestion = self._handle(request)
        data = validated(api.SuggestionCloseInput, request)
        services.suggestion_close(
            suggestion=suggestion,
            by=request.user,
            version=requested_version(request, data["version"]),
        )
        return self._respond(suggestion.pk)

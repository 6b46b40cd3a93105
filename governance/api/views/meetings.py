"""Endpoints of consultation meetings, with their minutes."""

from __future__ import annotations

import os

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from governance import filters, selectors, services
from renovation.api.views import (
    DOWNLOAD_RENDERERS,
    UPLOAD_PARSERS,
    ScopedReadOnlyViewSet,
    list_and_detail_schema,
    open_stored,
    stored_file_response,
    validated,
)

from .. import serializers as api
from ._common import NOT_FOUND, TAG, _compound, _created, _may_file, _project_choice

# The file types `Meeting.minutes` accepts, served with their own type.
MINUTES_TYPES = {
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
}
OCTET_STREAM = "application/octet-stream"


@list_and_detail_schema(TAG, "consultation meetings", "consultation meeting")
class MeetingViewSet(ScopedReadOnlyViewSet):
    """Consultations with residents: courtyard (坝坝会) and bench (板凳会) meetings,
    representatives' meetings, hearings and joint design reviews."""

    serializer_class = api.MeetingSerializer
    filterset_class = filters.MeetingFilter
    search_fields = ["topics", "resolutions", "compound__name"]
    ordering_fields = ["held_on", "attendance", "created_at", "id"]
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self) -> QuerySet:
        return selectors.meeting_list(user=self.request.user)

    def get_renderers(self):
        # GET /meetings/{id}/minutes/ streams the file; its POST answers JSON like the rest.
        if self.action == "minutes":
            return [renderer() for renderer in DOWNLOAD_RENDERERS]
        return super().get_renderers()

    @extend_schema(
        tags=[TAG],
        summary="Record a consultation meeting",
        description=(
            "The street office of the compound's street only. Attach the minutes afterwards "
            "with POST /meetings/{id}/minutes/ (multipart)."
        ),
        request=api.MeetingInput,
        responses={201: api.MeetingSerializer, **NOT_FOUND},
        examples=[
            OpenApiExample(
                "Courtyard meeting",
                value={
                    "compound": 7,
                    "project": None,
                    "kind": "courtyard",
                    "held_on": "2024-04-12",
                    "attendance": 86,
                    "topics": "加装电梯与停车位方案",
                    "resolutions": "同意进入方案设计",
                },
                request_only=True,
            )
        ],
    )
    def create(self, request: Request) -> Response:
        data = validated(api.MeetingInput, request)
        compound = _compound(request, data.pop("compound"))
        _may_file(request, compound)
        data["project"] = _project_choice(request, data["project"])
        meeting = services.meeting_record(compound=compound, by=request.user, **data)
        meeting = self.get_queryset().get(pk=meeting.pk)
        return _created(self.get_serializer(meeting).data, "meeting", meeting.pk)

    @extend_schema(
        tags=[TAG],
        summary="Download a meeting's minutes",
        description=(
            "The file as uploaded (PDF, Word or photo), as an attachment; 404 outside your "
            "scope or when the meeting has no minutes."
        ),
        responses={
            **{
                (200, media_type): OpenApiResponse(OpenApiTypes.BINARY, description="Minutes.")
                for media_type in dict.fromkeys([*MINUTES_TYPES.values(), OCTET_STREAM])
            },
        },
    )
    @action(detail=True, methods=["get"], url_name="minutes", parser_classes=UPLOAD_PARSERS)
    def minutes(self, request: Request, pk: str | None = None):
        meeting = self.get_object()
        handle = open_stored(meeting.minutes)
        name = meeting.minutes.name
        content_type = MINUTES_TYPES.get(os.path.splitext(name)[1].lower(), OCTET_STREAM)
        return stored_file_response(handle, name, content_type, as_attachment=True)

    @extend_schema(
        tags=[TAG],
        summary="Upload (or replace) a meeting's minutes",
        description=(
            "`multipart/form-data` only, one `minutes` file. The street office of the "
            "meeting's compound only (API-client keys are read-only). Checked as on the page: "
            "a PDF, Word document or photo (.pdf, .doc, .docx, .jpg, .jpeg, .png) of at most "
            "10 MB; an empty or other file is a 400 and nothing changes."
        ),
        request={"multipart/form-data": api.MinutesInput},
        responses={200: api.MeetingSerializer},
        examples=[
            OpenApiExample(
                "Wrong file type",
                value={
                    "status": 400,
                    "code": "invalid",
                    "detail": "The input is not valid; see the field errors.",
                    "errors": {
                        "minutes": [
                            "File extension “exe” is not allowed. Allowed extensions are: pdf, "
                            "doc, docx, jpg, jpeg, png."
                        ]
                    },
                },
                response_only=True,
                status_codes=["400"],
            )
        ],
    )
    @minutes.mapping.post
    def upload_minutes(self, request: Request, pk: str | None = None) -> Response:
        meeting = self.get_object()
        _may_file(request, meeting.compound)
        data = validated(api.MinutesInput, request)
        services.meeting_minutes_attach(meeting=meeting, by=request.user, minutes=data["minutes"])
        meeting = self.get_queryset().get(pk=meeting.pk)
        return Response(self.get_serializer(meeting).data)

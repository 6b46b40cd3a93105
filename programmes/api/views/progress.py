"""Endpoints of work types, work items, progress reports and their photos."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from programmes import filters, selectors, services
from programmes.models import ProgressPhoto
from renovation.access import can_approve_in_district, can_file_street_records, require
from renovation.api.exceptions import django_validation_errors
from renovation.api.views import (
    DOWNLOAD_RENDERERS,
    ETAG_HEADER,
    IF_MATCH,
    UPLOAD_PARSERS,
    ScopedReadOnlyViewSet,
    etag,
    list_and_detail_schema,
    open_stored,
    requested_version,
    stored_file_response,
    validated,
)
from renovation.uploads import image_content_type

from .. import serializers as api
from ..work_setup_views import WorkItemSetupMixin, WorkTypeSetupMixin


def _with_photos(reports: QuerySet) -> QuerySet:
    """Reports with their photos and who added them (no query per photo)."""
    return reports.select_related("created_by", "returned_by").prefetch_related(
        Prefetch("photos", queryset=ProgressPhoto.objects.select_related("created_by"))
    )


@list_and_detail_schema("progress", "work types", "work type")
class WorkTypeViewSet(WorkTypeSetupMixin, ScopedReadOnlyViewSet):
    """The national catalogue of work types and the own types of the districts you may read
    (`district` empty for the national catalogue)."""

    serializer_class = api.WorkTypeSerializer
    search_fields = ["code", "name_zh", "name_en"]
    ordering_fields = ["sort_order", "code"]
    filterset_fields = ["category", "unit", "is_active", "district"]
    lookup_field = "code"

    def get_queryset(self) -> QuerySet:
        return selectors.work_type_list(user=self.request.user)


@list_and_detail_schema("progress", "work items", "work item", versioned=True)
class WorkItemViewSet(WorkItemSetupMixin, ScopedReadOnlyViewSet):
    serializer_class = api.WorkItemSerializer
    filterset_class = filters.WorkItemFilter
    search_fields = ["description", "work_type__name_zh", "work_type__name_en"]
    ordering_fields = ["project", "planned_quantity", "completed_quantity", "budget", "id"]
    versioned = True

    def get_queryset(self) -> QuerySet:
        return selectors.work_item_list(user=self.request.user)


@list_and_detail_schema("progress", "progress reports", "progress report", versioned=True)
class ProgressReportViewSet(ScopedReadOnlyViewSet):
    """Progress reports; file or correct one with POST /projects/{id}/progress-reports/."""

    serializer_class = api.ProgressReportSerializer
    filterset_class = filters.ProgressReportFilter
    search_fields = ["note", "project__compound__name"]
    ordering_fields = ["report_date", "created_at", "id"]
    versioned = True

    def get_queryset(self) -> QuerySet:
        return _with_photos(selectors.progress_report_for_review(user=self.request.user))

    @extend_schema(
        tags=["progress"],
        summary="Add photos to a progress report",
        description=(
            "`multipart/form-data` only. Street officers of the project's street only (API-client "
            "keys are read-only), while the project is under construction, as when filing. Send "
            "one or more `photo` parts (each a real image no larger than the platform's photo "
            "limit, 8 MB unless configured otherwise) and an optional `caption`; a file that is "
            "not an image, is empty or too large is a 400 and no photo of the request is saved. "
            "The report's version goes up (new ETag); send the `version` you read (or If-Match) "
            "to be told (409) if the report changed since. Download a photo with "
            "GET /progress-photos/{id}/file/.\n\n"
            "`curl -H 'Authorization: Token <key>' -F photo=@site.jpg -F caption=管网开挖 "
            "https://…/api/v1/progress-reports/41/photos/`"
        ),
        request={"multipart/form-data": api.ProgressPhotoInput},
        responses={
            201: OpenApiResponse(
                api.ProgressReportSerializer,
                description="The report with its photos (`photo_files`) and its new version.",
            )
        },
        parameters=[IF_MATCH, ETAG_HEADER],
        examples=[
            OpenApiExample(
                "Not an image",
                value={
                    "status": 400,
                    "code": "invalid",
                    "detail": "The input is not valid; see the field errors.",
                    "errors": {
                        "photo": [
                            "Upload a valid image. The file you uploaded was either not an "
                            "image or a corrupted image."
                        ]
                    },
                },
                response_only=True,
                status_codes=["400"],
            )
        ],
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="photos",
        url_name="photos",
        parser_classes=UPLOAD_PARSERS,
    )
    def photos(self, request: Request, pk: str | None = None) -> Response:
        report = self.get_object()
        require(
            can_file_street_records(request.user, report.project.compound.street_id),
            _("Only the street office in charge files progress for this project."),
        )
        data = validated(api.ProgressPhotoInput, request)
        try:
            services.progress_photos_add(
                report=report,
                by=request.user,
                photos=data["photo"],
                caption=data["caption"],
                version=requested_version(request, data["version"]),
            )
        except DjangoValidationError as error:
            # The service names the files `photos`, as the page's form does; here it is `photo`.
            messages = django_validation_errors(error)
            if "photos" in messages:
                messages["photo"] = messages.pop("photos")
            raise serializers.ValidationError(messages) from None
        report = self.get_queryset().get(pk=report.pk)
        response = Response(self.get_serializer(report).data, status=status.HTTP_201_CREATED)
        response["ETag"] = etag(report.version)
        return response

    @extend_schema(
        tags=["progress"],
        summary="Return a report to the street office for correction",
        description=(
            "District officials only. A returned report stops counting towards progress until "
            "the street resubmits it."
        ),
        request=api.ReportReturnInput,
        responses={200: api.ProgressReportSerializer},
        parameters=[IF_MATCH, ETAG_HEADER],
        examples=[
            OpenApiExample(
                "Return",
                value={"comment": "管网长度与监理记录不符，请核实", "version": 1},
                request_only=True,
            )
        ],
    )
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_report(self, request: Request, pk: str | None = None) -> Response:
        report = self.get_object()
        require(
            can_approve_in_district(request.user, report.project.compound.street.district_id),
            _("Reports are returned by the district's officials."),
        )
        data = validated(api.ReportReturnInput, request)
        services.progress_report_return(
            report=report,
            by=request.user,
            comment=data["comment"],
            version=requested_version(request, data.get("version")),
        )
        report = self.get_queryset().get(pk=report.pk)
        response = Response(self.get_serializer(report).data)
        response["ETag"] = etag(report.version)
        return response


def _visible_reports(request) -> QuerySet:
    return selectors.progress_report_list(user=getattr(request, "user", None))


class ProgressPhotoFilter(django_filters.FilterSet):
    # From the scope, as every related choice of the API filters: an id outside it is refused
    # exactly like one that does not exist.
    report = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Progress report"), queryset=_visible_reports
    )

    class Meta:
        model = ProgressPhoto
        fields = ["report"]


@list_and_detail_schema("progress", "progress photos", "progress photo")
class ProgressPhotoViewSet(ScopedReadOnlyViewSet):
    """Photos of the progress reports you may see (add them with
    POST /progress-reports/{id}/photos/); `file` downloads one."""

    serializer_class = api.ProgressPhotoSerializer
    filterset_class = ProgressPhotoFilter
    search_fields = ["caption"]
    ordering_fields = ["created_at", "id"]
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self) -> QuerySet:
        return ProgressPhoto.objects.filter(
            report__in=selectors.progress_report_list(user=self.request.user)
        ).select_related("created_by")

    @extend_schema(
        tags=["progress"],
        summary="Download a progress photo",
        description=(
            "The image itself (Content-Type from the image, e.g. image/jpeg), for users who may "
            "see the report; 404 outside your scope."
        ),
        responses={
            (200, "image/*"): OpenApiResponse(OpenApiTypes.BINARY, description="The photo."),
            (200, "application/octet-stream"): OpenApiResponse(
                OpenApiTypes.BINARY, description="A stored file Pillow no longer reads."
            ),
        },
    )
    @action(detail=True, methods=["get"], renderer_classes=DOWNLOAD_RENDERERS)
    def file(self, request: Request, pk: str | None = None):
        photo = self.get_object()
        handle = open_stored(photo.image)
        return stored_file_response(handle, photo.image.name, image_content_type(handle))

"""REST endpoints of the programmes app (statistics are in `statistics.py`).

Every queryset comes from a scoped selector, so an id outside the user's scope is a 404 for any
method; writes check the role as the pages do and then call the same services, whose
`ValidationError`, `PermissionDenied` and `ConflictError` become 400, 403 and 409 in the common
error shape (renovation/api/exceptions.py).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as django_filters
from django_filters.rest_framework import DjangoFilterBackend
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

from . import serializers as api
from .history_views import HistoricalRecordActions
from .setup_views import ProgrammeSetupMixin, ProjectSetupMixin
from .work_setup_views import WorkItemSetupMixin, WorkTypeSetupMixin


def _with_photos(reports: QuerySet) -> QuerySet:
    """Reports with their photos and who added them (no query per photo)."""
    return reports.select_related("created_by", "returned_by").prefetch_related(
        Prefetch("photos", queryset=ProgressPhoto.objects.select_related("created_by"))
    )


# --- Geography and registry ----------------------------------------------------------------


@list_and_detail_schema("geography", "districts", "district")
class DistrictViewSet(ScopedReadOnlyViewSet):
    serializer_class = api.DistrictSerializer
    filterset_class = filters.DistrictFilter
    search_fields = ["name", "code"]
    ordering_fields = ["code", "name", "id"]

    def get_queryset(self) -> QuerySet:
        return selectors.district_list(user=self.request.user)


@list_and_detail_schema("geography", "streets", "street office")
class StreetViewSet(ScopedReadOnlyViewSet):
    serializer_class = api.StreetSerializer
    filterset_class = filters.StreetFilter
    search_fields = ["name"]
    ordering_fields = ["name", "district", "id"]

    def get_queryset(self) -> QuerySet:
        return selectors.street_list(user=self.request.user)


@list_and_detail_schema("geography", "areas", "area")
class AreaViewSet(ScopedReadOnlyViewSet):
    serializer_class = api.AreaSerializer
    filterset_class = filters.AreaFilter
    search_fields = ["name"]
    ordering_fields = ["name", "district", "id"]

    def get_queryset(self) -> QuerySet:
        return selectors.area_list(user=self.request.user)


@list_and_detail_schema("registry", "compounds", "compound")
class CompoundViewSet(ScopedReadOnlyViewSet):
    """Compounds, filtered exactly as on the compound list page (`q` searches name and
    address, exact names first; `ordering` as on the page)."""

    serializer_class = api.CompoundSerializer
    filterset_class = filters.CompoundApiFilter
    # Search and ordering come from the page's FilterSet (`q`, `ordering`).
    filter_backends = [DjangoFilterBackend]

    def get_queryset(self) -> QuerySet:
        return selectors.compound_list(user=self.request.user)


@list_and_detail_schema("registry", "buildings", "building")
class BuildingViewSet(ScopedReadOnlyViewSet):
    serializer_class = api.BuildingSerializer
    filterset_class = filters.BuildingFilter
    search_fields = ["name", "compound__name"]
    ordering_fields = ["name", "compound", "floors", "households", "id"]

    def get_queryset(self) -> QuerySet:
        return selectors.building_list(user=self.request.user)


# --- Programmes and projects ---------------------------------------------------------------


@list_and_detail_schema("programmes", "programmes", "programme", versioned=True)
class ProgrammeViewSet(ProgrammeSetupMixin, ScopedReadOnlyViewSet):
    serializer_class = api.ProgrammeSerializer
    filterset_class = filters.ProgrammeFilter
    search_fields = ["name"]
    ordering_fields = ["start_year", "name", "district", "id"]
    versioned = True

    def get_queryset(self) -> QuerySet:
        return selectors.programme_list(user=self.request.user)


@list_and_detail_schema("programmes", "projects", "project", versioned=True)
class ProjectViewSet(HistoricalRecordActions, ProjectSetupMixin, ScopedReadOnlyViewSet):
    """Projects with their stage and progress; stage changes, progress reports and site
    problems are written through the actions below."""

    serializer_class = api.ProjectSerializer
    filterset_class = filters.ProjectFilter
    search_fields = ["name", "compound__name", "contractor"]
    ordering_fields = [
        "year",
        "stage_changed_at",
        "progress",
        "last_report_on",
        "budget",
        "started_on",
        "completed_on",
        "compound__name",
        "id",
    ]
    versioned = True

    def get_queryset(self) -> QuerySet:
        return selectors.project_list(user=self.request.user)

    @extend_schema(
        tags=["programmes"],
        summary="Move a project one stage forward (through its gate) or back",
        description=(
            "District officials only. The gate of the target stage is checked by the same "
            "service as the stage page; a refused gate is a 400 with the reasons under "
            "`errors.to_stage`. Send the project's `version` (or `If-Match`) to be told (409) "
            "if someone changed it since you read it. `effective_date` records a change that "
            "took effect in the past (started_on and completed_on follow it); an impossible "
            "date is a 400 under `errors.effective_date`."
        ),
        request=api.StageTransitionInput,
        responses={201: api.StageTransitionSerializer},
        parameters=[IF_MATCH, ETAG_HEADER],
        examples=[
            OpenApiExample(
                "Start construction",
                value={"to_stage": "construction", "reason": "施工单位已进场", "version": 4},
                request_only=True,
            ),
            OpenApiExample(
                "Record a past start of construction",
                value={
                    "to_stage": "construction",
                    "reason": "补录：2021年3月15日开工",
                    "effective_date": "2021-03-15",
                    "version": 4,
                },
                request_only=True,
            ),
        ],
    )
    @action(detail=True, methods=["post"])
    def transitions(self, request: Request, pk: str | None = None) -> Response:
        project = self.get_object()
        require(
            can_approve_in_district(request.user, project.compound.street.district_id),
            _("Stage changes are approved by the district's officials."),
        )
        data = validated(api.StageTransitionInput, request)
        transition = services.project_stage_transition(
            project=project,
            by=request.user,
            to_stage=data["to_stage"],
            reason=data["reason"],
            version=requested_version(request, data.get("version")),
            effective_date=data.get("effective_date"),
        )
        response = Response(
            api.StageTransitionSerializer(transition).data, status=status.HTTP_201_CREATED
        )
        response["ETag"] = etag(transition.project.version)
        return response

    @extend_schema(
        tags=["progress"],
        summary="File (or correct) the progress report of a project for a date",
        description=(
            "Street officers of the project's street only; the project must be under "
            "construction. Each line gives a work item's completed quantity **to date** "
            "(cumulative, not the day's work). A quantity above the plan, or below what was "
            "already reported, needs a `reason`. To correct the report of a date, send that "
            "report's `version`; `null` files a new one (409 if one exists). Field errors of a "
            "line are reported as `lines.<index>.quantity_to_date`. 201 for a new report, 200 "
            "for a correction."
        ),
        request=api.ProgressReportInput,
        responses={201: api.ProgressReportSerializer, 200: api.ProgressReportSerializer},
        parameters=[ETAG_HEADER],
        examples=[
            OpenApiExample(
                "Daily report",
                value={
                    "report_date": "2025-05-20",
                    "note": "雨污分流管网完成过半",
                    "version": None,
                    "lines": [
                        {"work_item": 12, "quantity_to_date": "540.00", "reason": ""},
                        {"work_item": 13, "quantity_to_date": "3.00", "reason": ""},
                    ],
                },
                request_only=True,
            )
        ],
    )
    @action(detail=True, methods=["post"], url_path="progress-reports")
    def progress_reports(self, request: Request, pk: str | None = None) -> Response:
        project = self.get_object()
        require(
            can_file_street_records(request.user, project.compound.street_id),
            _("Only the street office in charge files progress for this project."),
        )
        data = validated(api.ProgressReportInput, request)
        lines = data["lines"]
        try:
            report = services.progress_report_file(
                project=project,
                by=request.user,
                report_date=data["report_date"],
                quantities={line["work_item"]: line["quantity_to_date"] for line in lines},
                reasons={line["work_item"]: line["reason"] for line in lines},
                note=data["note"],
                version=data["version"],
            )
        except DjangoValidationError as error:
            raise serializers.ValidationError(_line_errors(error, lines)) from None
        report = _with_photos(selectors.progress_report_for_review(user=request.user)).get(
            pk=report.pk
        )
        created = report.version == 1
        response = Response(
            api.ProgressReportSerializer(report, context={"request": request}).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )
        response["ETag"] = etag(report.version)
        if created:
            response["Location"] = reverse("api:progress-report-detail", args=[report.pk])
        return response

    @extend_schema(
        tags=["problems"],
        summary="Raise a site problem on a project",
        description="Street officers of the project's street only.",
        request=api.SiteProblemInput,
        responses={201: api.SiteProblemSerializer},
        examples=[
            OpenApiExample(
                "Blocked fire lane",
                value={"title": "消防通道被占用", "description": "", "severity": "high"},
                request_only=True,
            )
        ],
    )
    @action(detail=True, methods=["post"], url_path="site-problems")
    def site_problems(self, request: Request, pk: str | None = None) -> Response:
        project = self.get_object()
        require(
            can_file_street_records(request.user, project.compound.street_id),
            _("Only the street office in charge raises problems for this project."),
        )
        data = validated(api.SiteProblemInput, request)
        problem = services.site_problem_raise(project=project, by=request.user, **data)
        problem = selectors.site_problem_list(user=request.user).get(pk=problem.pk)
        response = Response(api.SiteProblemSerializer(problem).data, status=201)
        response["ETag"] = etag(problem.version)
        response["Location"] = reverse("api:site-problem-detail", args=[problem.pk])
        return response


def _line_errors(error: DjangoValidationError, lines: list[dict]) -> dict[str, list[str]]:
    """The service names a work item's errors `item_<id>`; the API names the line that carried
    it, as DRF names nested fields: `lines.<index>.quantity_to_date`."""
    index = {
        services.field_for_item(line["work_item"]): position for position, line in enumerate(lines)
    }
    return {
        (f"lines.{index[key]}.quantity_to_date" if key in index else key): messages
        for key, messages in django_validation_errors(error).items()
    }


# --- Work and progress ---------------------------------------------------------------------


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


# --- Site problems -------------------------------------------------------------------------


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

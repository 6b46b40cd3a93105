"""Endpoints of programmes and projects: reads, stage transitions, progress filed from a project."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from programmes import filters, selectors, services
from renovation.access import can_approve_in_district, can_file_street_records, require
from renovation.api.exceptions import django_validation_errors
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
from ..history_views import HistoricalRecordActions
from ..setup_views import ProgrammeSetupMixin, ProjectSetupMixin
from .progress import _with_photos


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

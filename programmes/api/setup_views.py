"""Set-up writes of the API: `POST` and `PATCH` on programmes and projects (work items, work
types and acceptance records: `work_setup_views`). The viewsets of `views.py` take these
as mixins, so the lists and details stay where they are; every write calls the set-up services
that the pages call. Records named in a body come from the user's scope (another district's
id is a 404, as in a path); a related choice that does not fit (a batch of another programme,
a work type of another district) is a field error."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from programmes import project_setup_services, setup_services
from programmes.models import (
    Area,
    Batch,
    Compound,
    District,
    Programme,
    Street,
)
from renovation.api.exceptions import django_validation_errors
from renovation.api.schema import ERRORS
from renovation.api.views import (
    ETAG_HEADER,
    IF_MATCH,
    etag,
    requested_version,
)
from renovation.http import AuthedRequest

from . import serializers as api
from . import setup_serializers as inputs


def in_scope(queryset: QuerySet, pk: int | None) -> Any:
    """The record named in the body, from a scoped queryset: 404 like a record in the path."""
    try:
        return queryset.get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise Http404 from None


def choice(queryset: QuerySet, pk: Any, field: str, message: str, lookup: str = "pk") -> Any:
    if pk is None:
        return None
    found = queryset.filter(**{lookup: pk}).first()
    if found is None:
        raise serializers.ValidationError({field: [message]})
    return found


def prefixed(prefix: str, call: Callable[[], Any]) -> Any:
    """Run a service for one entry of a list; its field errors are named `prefix.field`."""
    try:
        return call()
    except DjangoValidationError as error:
        raise serializers.ValidationError(
            {f"{prefix}.{k}": v for k, v in django_validation_errors(error).items()}
        ) from None


def body(request: AuthedRequest, serializer_class, *, partial: bool = False) -> dict:
    serializer = serializer_class(data=request.data, partial=partial)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def respond(
    data: dict, version: int, code: int = status.HTTP_200_OK, location: str = ""
) -> Response:
    response = Response(data, status=code)
    response["ETag"] = etag(version)
    if location:
        response["Location"] = location
    return response


def own_district(request: AuthedRequest, district_id: int | None) -> District:
    user = request.user
    district_id = district_id or user.district_id or (user.street and user.street.district_id)
    return in_scope(District.objects.visible_to(user), district_id)


# --- Programmes ----------------------------------------------------------------------------

PROGRAMME_EXAMPLE = {
    "name": "2025年老旧小区改造计划",
    "start_year": 2025,
    "end_year": 2027,
    "description": "",
    "support_threshold": "90.00",
    "min_survey_return_rate": "0.6667",
    "targets": [{"year": 2025, "compounds": 12, "households": 2400, "buildings": 60}],
    "batches": [{"name": "第一批", "year": 2025, "sequence": 1}],
}


def _programme_children(request: AuthedRequest, programme: Programme, data: dict) -> None:
    user = request.user
    streets = Street.objects.filter(district=programme.district_id)
    areas = Area.objects.filter(district=programme.district_id)
    for i, row in enumerate(data.get("targets", [])):
        prefixed(
            f"targets.{i}",
            lambda row=row: setup_services.year_target_set(programme=programme, by=user, **row),
        )
    for i, row in enumerate(data.get("local_targets", [])):
        message = _("Choose one of the programme's district.")
        street = choice(streets, row["street"], f"local_targets.{i}.street", message)
        area = choice(areas, row["area"], f"local_targets.{i}.area", message)
        prefixed(
            f"local_targets.{i}",
            lambda row=row, street=street, area=area: setup_services.local_target_set(
                programme=programme,
                by=user,
                year=row["year"],
                compounds=row["compounds"],
                households=row["households"],
                street=street,
                area=area,
            ),
        )
    for i, row in enumerate(data.get("batches", [])):
        prefixed(
            f"batches.{i}",
            lambda row=row: setup_services.batch_set(programme=programme, by=user, **row),
        )


class ProgrammeSetupMixin:
    @extend_schema(
        tags=["programmes"],
        summary="Create a programme with its targets and batches",
        description=(
            "District officials, in their own district (`district` defaults to it; another "
            "district is a 404). `targets` are yearly targets, `local_targets` the shares of "
            "street offices (`street`) or areas (`area`), `batches` the 批次. All or nothing."
        ),
        request=inputs.ProgrammeInput,
        responses={201: api.ProgrammeSerializer, 404: ERRORS["404"]},
        parameters=[ETAG_HEADER],
        examples=[OpenApiExample("Programme", value=PROGRAMME_EXAMPLE, request_only=True)],
    )
    def create(self, request: AuthedRequest) -> Response:
        data = body(request, inputs.ProgrammeInput)
        district = own_district(request, data.get("district"))
        fields = {k: data[k] for k in setup_services.PROGRAMME_FIELDS if k in data}
        with transaction.atomic():
            programme = setup_services.programme_create(
                district=district, by=request.user, **fields
            )
            _programme_children(request, programme, data)
        programme = self.get_queryset().get(pk=programme.pk)
        return respond(
            self.get_serializer(programme).data,
            programme.version,
            status.HTTP_201_CREATED,
            reverse("api:programme-detail", args=[programme.pk]),
        )

    @extend_schema(
        tags=["programmes"],
        summary="Change a programme, its gate settings, targets or batches",
        description=(
            "Send only what changes. Targets are set by year, street/area targets by street or "
            "area and year, batches by name; those not named are kept. Send the `version` you "
            "read (or If-Match) to get a 409 instead of overwriting someone's change."
        ),
        request=inputs.ProgrammeInput,
        responses={200: api.ProgrammeSerializer},
        parameters=[IF_MATCH, ETAG_HEADER],
        examples=[
            OpenApiExample(
                "Raise a yearly target",
                value={
                    "min_survey_return_rate": "0.7000",
                    "targets": [{"year": 2025, "compounds": 14, "households": 2600}],
                    "reason": "区政府调整年度任务",
                },
                request_only=True,
            )
        ],
    )
    def partial_update(self, request: AuthedRequest, pk: str | None = None) -> Response:
        programme = self.get_object()
        data = body(request, inputs.ProgrammeInput, partial=True)
        fields = {k: data[k] for k in setup_services.PROGRAMME_FIELDS if k in data}
        with transaction.atomic():
            programme = setup_services.programme_update(
                programme=programme,
                by=request.user,
                version=requested_version(request, data.get("version")),
                reason=data.get("reason", ""),
                **fields,
            )
            _programme_children(request, programme, data)
        programme = self.get_queryset().get(pk=programme.pk)
        return respond(self.get_serializer(programme).data, programme.version)


# --- Projects ------------------------------------------------------------------------------

PROJECT_EXAMPLE = {
    "programme": 1,
    "compound": 1,
    "batch": None,
    "year": 2025,
    "name": "",
    "categories": ["basic", "improvement"],
    "budget": "3860000.00",
    "contractor": "四川华西建筑工程有限公司",
    "supervisor": "成都建信监理有限公司",
    "designer": "中国建筑西南设计研究院",
    "planned_start": "2025-04-01",
    "planned_end": "2025-11-30",
}


def _project_arguments(request: AuthedRequest, data: dict, programme: Programme | None) -> dict:
    user = request.user
    arguments = {
        k: data[k]
        for k in project_setup_services.PROJECT_FIELDS
        if k in data and k not in ("programme", "compound", "batch")
    }
    if "programme" in data:
        programme = in_scope(Programme.objects.visible_to(user), data["programme"])
        arguments["programme"] = programme
    if "compound" in data:
        arguments["compound"] = in_scope(
            Compound.objects.visible_to(user).select_related("street"), data["compound"]
        )
    if "batch" in data:
        arguments["batch"] = choice(
            Batch.objects.filter(programme=programme),
            data["batch"],
            "batch",
            _("Choose a batch of this programme."),
        )
    return arguments


class ProjectSetupMixin:
    @extend_schema(
        tags=["programmes"],
        summary="Create a compound's project in a programme",
        description=(
            "District officials of the programme's district. One project per compound and "
            "programme; `categories` lists every category of its works (the main one is the "
            "first in the order basic, improvement, enhancement). The project starts at 摸排 "
            "(surveyed); stages change "
            "through transitions."
        ),
        request=inputs.ProjectInput,
        responses={201: api.ProjectSerializer, 404: ERRORS["404"]},
        parameters=[ETAG_HEADER],
        examples=[OpenApiExample("Project", value=PROJECT_EXAMPLE, request_only=True)],
    )
    def create(self, request: AuthedRequest) -> Response:
        data = body(request, inputs.ProjectInput)
        arguments = _project_arguments(request, data, None)
        project = project_setup_services.project_create(by=request.user, **arguments)
        project = self.get_queryset().get(pk=project.pk)
        return respond(
            self.get_serializer(project).data,
            project.version,
            status.HTTP_201_CREATED,
            reverse("api:project-detail", args=[project.pk]),
        )

    @extend_schema(
        tags=["programmes"],
        summary="Change a project's set-up (contractor, supervisor, budget, dates ...)",
        description=(
            "Send only what changes, with the `version` you read (or If-Match): a stale one "
            "is a 409. The stage is not set here (POST /projects/{id}/transitions/)."
        ),
        request=inputs.ProjectInput,
        responses={200: api.ProjectSerializer},
        parameters=[IF_MATCH, ETAG_HEADER],
        examples=[
            OpenApiExample(
                "Name the contractor",
                value={
                    "contractor": "四川华西建筑工程有限公司",
                    "supervisor": "成都建信监理有限公司",
                    "version": 1,
                },
                request_only=True,
            )
        ],
    )
    def partial_update(self, request: AuthedRequest, pk: str | None = None) -> Response:
        project = self.get_object()
        data = body(request, inputs.ProjectInput, partial=True)
        arguments = _project_arguments(request, data, project.programme)
        arguments.setdefault("programme", project.programme)
        project = project_setup_services.project_update(
            project=project,
            by=request.user,
            version=requested_version(request, data.get("version")),
            reason=data.get("reason", ""),
            **arguments,
        )
        project = self.get_queryset().get(pk=project.pk)
        return respond(self.get_serializer(project).data, project.version)

"""Set-up writes of the API: `POST` and `PATCH` on programmes, projects, work items and work
types, `DELETE` of a work item, and acceptance records. The viewsets of `views.py` take these
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
from rest_framework.request import Request
from rest_framework.response import Response

from programmes import selectors, setup_services, work_setup_services
from programmes.models import (
    AcceptanceRecord,
    Area,
    Batch,
    Compound,
    District,
    Programme,
    Project,
    Street,
    WorkType,
)
from renovation.access import can_set_up_in_district, require
from renovation.api.exceptions import django_validation_errors
from renovation.api.schema import ERRORS
from renovation.api.views import (
    ETAG_HEADER,
    IF_MATCH,
    ScopedReadOnlyViewSet,
    etag,
    list_and_detail_schema,
    requested_version,
)

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


def body(request: Request, serializer_class, *, partial: bool = False) -> dict:
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


def own_district(request: Request, district_id: int | None) -> District:
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


def _programme_children(request: Request, programme: Programme, data: dict) -> None:
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
    def create(self, request: Request) -> Response:
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
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
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


def _project_arguments(request: Request, data: dict, programme: Programme | None) -> dict:
    user = request.user
    arguments = {
        k: data[k]
        for k in setup_services.PROJECT_FIELDS
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
    def create(self, request: Request) -> Response:
        data = body(request, inputs.ProjectInput)
        arguments = _project_arguments(request, data, None)
        project = setup_services.project_create(by=request.user, **arguments)
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
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        project = self.get_object()
        data = body(request, inputs.ProjectInput, partial=True)
        arguments = _project_arguments(request, data, project.programme)
        arguments.setdefault("programme", project.programme)
        project = setup_services.project_update(
            project=project,
            by=request.user,
            version=requested_version(request, data.get("version")),
            reason=data.get("reason", ""),
            **arguments,
        )
        project = self.get_queryset().get(pk=project.pk)
        return respond(self.get_serializer(project).data, project.version)


# --- Work items ----------------------------------------------------------------------------

WORK_ITEM_EXAMPLE = {
    "project": 1,
    "work_type": "rain-sewage",
    "description": "雨污分流主管",
    "planned_quantity": "1200.00",
    "budget": "960000.00",
    "planned_start": "2025-04-01",
    "planned_end": "2025-08-31",
    "reason": "",
}


def _work_type(project: Project, code: str | None) -> WorkType | None:
    if code is None:
        return None
    return choice(
        WorkType.objects.usable_in(project.compound.street.district_id),
        code,
        "work_type",
        _("Choose a work type of the catalogue or of your district."),
        lookup="code",
    )


class WorkItemSetupMixin:
    @extend_schema(
        tags=["progress"],
        summary="Add a work item to a project",
        description=(
            "District officials. Free before construction; from construction on, give a "
            "`reason` (kept in the history). `work_type` is a code of the national catalogue or "
            "of your district's own types."
        ),
        request=inputs.WorkItemInput,
        responses={201: api.WorkItemSerializer, 404: ERRORS["404"]},
        parameters=[ETAG_HEADER],
        examples=[OpenApiExample("Work item", value=WORK_ITEM_EXAMPLE, request_only=True)],
    )
    def create(self, request: Request) -> Response:
        data = body(request, inputs.WorkItemInput)
        project = in_scope(
            Project.objects.visible_to(request.user).select_related("compound__street"),
            data["project"],
        )
        item = work_setup_services.work_item_add(
            project=project,
            by=request.user,
            work_type=_work_type(project, data["work_type"]),
            **{
                k: data[k]
                for k in work_setup_services.ITEM_FIELDS
                if k in data and k != "work_type"
            },
            reason=data.get("reason", ""),
        )
        item = self.get_queryset().get(pk=item.pk)
        return respond(
            self.get_serializer(item).data,
            item.version,
            status.HTTP_201_CREATED,
            reverse("api:work-item-detail", args=[item.pk]),
        )

    @extend_schema(
        tags=["progress"],
        summary="Change a work item",
        description=(
            "Send only what changes, with the `version` you read (or If-Match). From "
            "construction on, a `reason` is required."
        ),
        request=inputs.WorkItemInput,
        responses={200: api.WorkItemSerializer},
        parameters=[IF_MATCH, ETAG_HEADER],
        examples=[
            OpenApiExample(
                "Change the quantity",
                value={"planned_quantity": "1350.00", "version": 1, "reason": "设计变更"},
                request_only=True,
            )
        ],
    )
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        item = self.get_object()
        data = body(request, inputs.WorkItemInput, partial=True)
        changes = {k: data[k] for k in work_setup_services.ITEM_FIELDS if k in data}
        if "work_type" in changes:
            project = Project.objects.select_related("compound__street").get(pk=item.project_id)
            changes["work_type"] = _work_type(project, changes["work_type"])
        item = work_setup_services.work_item_change(
            item=item,
            by=request.user,
            version=requested_version(request, data.get("version")),
            reason=data.get("reason", ""),
            **changes,
        )
        item = self.get_queryset().get(pk=item.pk)
        return respond(self.get_serializer(item).data, item.version)

    @extend_schema(
        tags=["progress"],
        summary="Remove a work item",
        description=(
            "Free before construction; from construction on, give a `reason` (in the body or "
            "as `?reason=`), kept in the history. 204 when removed."
        ),
        request=inputs.WorkItemDeleteInput,
        responses={204: None},
        parameters=[IF_MATCH],
    )
    def destroy(self, request: Request, pk: str | None = None) -> Response:
        item = self.get_object()
        data = body(request, inputs.WorkItemDeleteInput) if request.data else {}
        work_setup_services.work_item_remove(
            item=item,
            by=request.user,
            version=requested_version(request, data.get("version")),
            reason=data.get("reason") or request.query_params.get("reason", ""),
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- District work types -------------------------------------------------------------------


class WorkTypeSetupMixin:
    @extend_schema(
        tags=["progress"],
        summary="Add a work type of your district's own",
        description=(
            "District officials. The type is seen in your district only, beside the national "
            "catalogue; its name may not repeat a national type's or another of your district's. "
            "The code is given by the platform."
        ),
        request=inputs.WorkTypeInput,
        responses={201: api.WorkTypeSerializer, 404: ERRORS["404"]},
        examples=[
            OpenApiExample(
                "Pocket park",
                value={
                    "name_zh": "口袋公园",
                    "name_en": "Pocket parks",
                    "unit": "place",
                    "category": "enhancement",
                },
                request_only=True,
            )
        ],
    )
    def create(self, request: Request) -> Response:
        data = body(request, inputs.WorkTypeInput)
        district = own_district(request, data.get("district"))
        work_type = work_setup_services.work_type_create(
            district=district,
            by=request.user,
            name_zh=data["name_zh"],
            name_en=data.get("name_en", ""),
            unit=data["unit"],
            category=data["category"],
        )
        return Response(
            self.get_serializer(work_type).data,
            status=status.HTTP_201_CREATED,
            headers={"Location": reverse("api:work-type-detail", args=[work_type.code])},
        )

    @extend_schema(
        tags=["progress"],
        summary="Change one of your district's work types",
        description="District officials; the national catalogue is not changed here (403).",
        request=inputs.WorkTypeInput,
        responses={200: api.WorkTypeSerializer},
        examples=[
            OpenApiExample("Retire", value={"is_active": False}, request_only=True),
        ],
    )
    def partial_update(self, request: Request, code: str | None = None) -> Response:
        work_type = self.get_object()
        data = body(request, inputs.WorkTypeInput, partial=True)
        data.pop("district", None)
        work_type = work_setup_services.work_type_update(
            work_type=work_type, by=request.user, **data
        )
        return Response(self.get_serializer(work_type).data)


# --- Acceptance records --------------------------------------------------------------------

ACCEPTANCE_EXAMPLE = {
    "project": 1,
    "accepted_on": "2025-11-28",
    "residents_present": 6,
    "participants": "建设单位、设计单位、施工单位、监理单位、街道办事处、社区居委会、居民代表",
    "passed": True,
    "notes": "",
}


@list_and_detail_schema("programmes", "acceptance records", "acceptance record", versioned=True)
class AcceptanceRecordViewSet(ScopedReadOnlyViewSet):
    """Completion acceptances (竣工验收): the gate into 'accepted' needs one that passed with
    resident representatives present."""

    serializer_class = inputs.AcceptanceRecordSerializer
    search_fields = ["participants", "notes", "project__compound__name"]
    ordering_fields = ["accepted_on", "id"]
    filterset_fields = ["project", "passed"]
    lookup_value_regex = r"[0-9]+"
    versioned = True

    def get_queryset(self) -> QuerySet:
        return selectors.acceptance_record_list(user=self.request.user)

    def _save(self, request: Request, project: Project, data: dict, version) -> AcceptanceRecord:
        return work_setup_services.acceptance_record_save(
            project=project,
            by=request.user,
            accepted_on=data["accepted_on"],
            residents_present=data["residents_present"],
            participants=data.get("participants", ""),
            passed=data.get("passed", True),
            notes=data.get("notes", ""),
            version=version,
        )

    @extend_schema(
        tags=["programmes"],
        summary="Record a project's completion acceptance",
        description=(
            "District officials, once construction has started; one record per project (a "
            "second is a 400: correct the first with PATCH). Not in the future, not before "
            "construction started."
        ),
        request=inputs.AcceptanceRecordInput,
        responses={201: inputs.AcceptanceRecordSerializer, 404: ERRORS["404"]},
        parameters=[ETAG_HEADER],
        examples=[OpenApiExample("Acceptance", value=ACCEPTANCE_EXAMPLE, request_only=True)],
    )
    def create(self, request: Request) -> Response:
        data = body(request, inputs.AcceptanceRecordInput)
        project = in_scope(
            Project.objects.visible_to(request.user).select_related("compound__street"),
            data["project"],
        )
        require(
            can_set_up_in_district(request.user, project.compound.street.district_id),
            _("Only the district's officials set up its programmes and projects."),
        )
        if AcceptanceRecord.objects.filter(project=project).exists():
            raise serializers.ValidationError(
                {"project": [_("The project's acceptance is already recorded: correct it.")]}
            )
        record = self._save(request, project, data, None)
        return respond(
            self.get_serializer(record).data,
            record.version,
            status.HTTP_201_CREATED,
            reverse("api:acceptance-record-detail", args=[record.pk]),
        )

    @extend_schema(
        tags=["programmes"],
        summary="Correct a completion acceptance",
        description=(
            "Send the whole record's fields that change, with the `version` you read (or "
            "If-Match). Once the project is accepted, a corrected date is its completion date."
        ),
        request=inputs.AcceptanceRecordInput,
        responses={200: inputs.AcceptanceRecordSerializer},
        parameters=[IF_MATCH, ETAG_HEADER],
        examples=[
            OpenApiExample(
                "Correct the date",
                value={"accepted_on": "2025-11-27", "version": 1},
                request_only=True,
            )
        ],
    )
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        record = self.get_object()
        data = body(request, inputs.AcceptanceRecordInput, partial=True)
        current = {
            "accepted_on": record.accepted_on,
            "residents_present": record.residents_present,
            "participants": record.participants,
            "passed": record.passed,
            "notes": record.notes,
        }
        current.update({k: v for k, v in data.items() if k in current})
        project = Project.objects.select_related("compound__street").get(pk=record.project_id)
        record = self._save(
            request, project, current, requested_version(request, data.get("version"))
        )
        return respond(self.get_serializer(record).data, record.version)

"""Set-up writes of the API for work items (POST, PATCH, DELETE), district work types (POST,
PATCH) and acceptance records (list, POST, PATCH), through the same services as the pages."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from programmes import selectors, work_setup_services
from programmes.models import AcceptanceRecord, Project, WorkType
from renovation.access import can_set_up_in_district, require
from renovation.api.schema import ERRORS
from renovation.api.views import (
    ETAG_HEADER,
    IF_MATCH,
    ScopedReadOnlyViewSet,
    list_and_detail_schema,
    requested_version,
)
from renovation.http import AuthedRequest

from . import serializers as api
from . import setup_serializers as inputs
from .setup_views import body, choice, in_scope, own_district, respond

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
    def create(self, request: AuthedRequest) -> Response:
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
            confirm_warnings=data.get("confirm_warnings", False),
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
    def partial_update(self, request: AuthedRequest, pk: str | None = None) -> Response:
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
            confirm_warnings=data.get("confirm_warnings", False),
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
    def destroy(self, request: AuthedRequest, pk: str | None = None) -> Response:
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
    def create(self, request: AuthedRequest) -> Response:
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
    def partial_update(self, request: AuthedRequest, code: str | None = None) -> Response:
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

    def _save(
        self, request: AuthedRequest, project: Project, data: dict, version
    ) -> AcceptanceRecord:
        return work_setup_services.acceptance_record_save(
            project=project,
            by=request.user,
            accepted_on=data["accepted_on"],
            residents_present=data["residents_present"],
            participants=data.get("participants", ""),
            passed=data.get("passed", True),
            notes=data.get("notes", ""),
            confirm_warnings=data.get("confirm_warnings", False),
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
    def create(self, request: AuthedRequest) -> Response:
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
    def partial_update(self, request: AuthedRequest, pk: str | None = None) -> Response:
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

"""REST endpoints of the funding app (the funding-mix statistic is in `statistics.py`).

Reads come from scoped selectors, so an id outside the user's scope is a 404 for any method.
Writes check the role as the pages do and call the same services (commitment_create,
commitment_approve, allocation_set, receipt_record, expenditure_record); their
`ValidationError`, `PermissionDenied` and `ConflictError` become 400, 403 and 409 in the common
error shape. A commitment's `version` (its ETag) changes with every write that touches its
money: approval, allocation, receipt and expenditure.
"""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from funding import filters, selectors, services
from funding.models import Commitment, ContributionRule
from programmes.models import Batch, Programme, Project, WorkItem
from renovation import access
from renovation.access import can_approve_in_district, require
from renovation.api.schema import ERRORS
from renovation.api.views import (
    ETAG_HEADER,
    IF_MATCH,
    ScopedReadOnlyViewSet,
    etag,
    list_and_detail_schema,
    requested_version,
    validated,
)
from renovation.http import AuthedRequest

from . import serializers as api
from .correction_views import (
    CommitmentCorrections,
    ExpenditureCorrections,
    NoDeleteMixin,
    ReceiptCorrections,
)

TAG = "funding"


def _in_scope(queryset: QuerySet, pk: int):
    """The record named in the body, from a scoped queryset: 404 like a record in the path."""
    try:
        return queryset.get(pk=pk)
    except ObjectDoesNotExist:
        raise Http404 from None


def _choice(queryset: QuerySet, pk: int | None, field: str, message: str):
    """A related choice named in the body (batch, rule, work item): refused as a field error,
    as the page's form refuses a choice it does not offer."""
    if pk is None:
        return None
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise serializers.ValidationError({field: [message]})
    return found


@list_and_detail_schema(TAG, "funding sources", "funding source")
class FundingSourceViewSet(ScopedReadOnlyViewSet):
    """The district's register of funders: kind (the four contributions), sub-type and funder.
    Sources are created with the first commitment that names them."""

    serializer_class = api.FundingSourceSerializer
    filterset_class = filters.FundingSourceFilter
    search_fields = ["funder"]
    ordering_fields = ["district", "kind", "sub_type", "funder", "id"]
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self) -> QuerySet:
        return selectors.funding_source_list(user=self.request.user)


COMMITMENT_EXAMPLE = {
    "project": 12,
    "kind": "government",
    "sub_type": "central_subsidy",
    "funder": "中央财政",
    "amount": "3200000.00",
    "year": 2024,
    "reference": "川财建〔2024〕18号",
    "note": "",
}


@list_and_detail_schema(TAG, "funding commitments", "funding commitment", versioned=True)
class CommitmentViewSet(CommitmentCorrections, ScopedReadOnlyViewSet):
    """Money planned from a source for a project, or for a whole programme (then allocated to
    projects), with what was allocated, received (到位) and spent. A street officer sees its
    street's project-level money; programme-level money is seen by district-level users."""

    serializer_class = api.CommitmentSerializer
    filterset_class = filters.CommitmentFilter
    search_fields = ["source__funder", "reference", "note", "project__compound__name"]
    ordering_fields = ["year", "amount", "status", "approved_at", "created_at", "id"]
    lookup_value_regex = r"[0-9]+"
    versioned = True

    def get_queryset(self) -> QuerySet:
        return selectors.commitment_list(user=self.request.user)

    def _respond(self, commitment: Commitment, code: int = status.HTTP_200_OK) -> Response:
        commitment = self.get_queryset().get(pk=commitment.pk)
        response = Response(self.get_serializer(commitment).data, status=code)
        response["ETag"] = etag(commitment.version)
        if code == status.HTTP_201_CREATED:
            response["Location"] = reverse("api:commitment-detail", args=[commitment.pk])
        return response

    @extend_schema(
        tags=[TAG],
        summary="Plan money for a project or a programme",
        description=(
            "Give `project` (project-level money: the street office in charge or the "
            "district's officials) or `programme` (programme-level money such as a bond "
            "issue: the district's officials, with `year` and optionally `batch`). The "
            "sub-type must belong to the kind (a special bond is government money); the "
            "funder's source is created on first use. A project or programme outside your "
            "scope is a 404. The commitment starts as planned and awaits approval."
        ),
        request=api.CommitmentInput,
        responses={201: api.CommitmentSerializer, 404: ERRORS["404"]},
        parameters=[ETAG_HEADER],
        examples=[OpenApiExample("Central subsidy", value=COMMITMENT_EXAMPLE, request_only=True)],
    )
    def create(self, request: AuthedRequest) -> Response:
        user = request.user
        data = validated(api.CommitmentInput, request)
        common = {
            "by": user,
            "kind": data["kind"],
            "sub_type": data["sub_type"],
            "funder": data["funder"],
            "amount": data["amount"],
            "year": data["year"],
            "reference": data["reference"],
            "note": data["note"],
            "mode": data["mode"],
            "works": data["works"],
            "combines": data["combines"],
        }
        if data["project"] is not None:
            project = _in_scope(
                Project.objects.visible_to(user).select_related(
                    "compound__street", "programme", "batch"
                ),
                data["project"],
            )
            require(
                access.can_write_project_money(user, project),
                _("Only the street office in charge or the district plans this project's money."),
            )
            rule = _choice(
                ContributionRule.objects.filter(programme=project.programme_id),
                data["rule"],
                "rule",
                _("Choose a resident contribution rule of the project's programme."),
            )
            commitment = services.commitment_create(project=project, rule=rule, **common)
        else:
            programme = _in_scope(
                Programme.objects.visible_to(user).select_related("district"), data["programme"]
            )
            require(
                access.can_manage_programme_money(user, programme),
                _("Programme-level money is planned by the district's officials."),
            )
            if data["rule"] is not None:
                raise serializers.ValidationError(
                    {
                        "rule": [
                            _(
                                "Resident contributions are collected per project: choose the "
                                "project."
                            )
                        ]
                    }
                )
            batch = _choice(
                Batch.objects.filter(programme=programme),
                data["batch"],
                "batch",
                _("Choose a batch of this programme."),
            )
            commitment = services.commitment_create(programme=programme, batch=batch, **common)
        return self._respond(commitment, status.HTTP_201_CREATED)

    @extend_schema(
        tags=[TAG],
        summary="Approve planned money",
        description=(
            "The district's officials approve (or record the pledge of) a planned commitment. "
            "Send the `version` you read (or `If-Match`): a stale one gives 409."
        ),
        request=api.VersionInput,
        responses={200: api.CommitmentSerializer},
        parameters=[IF_MATCH, ETAG_HEADER],
        examples=[OpenApiExample("Approve", value={"version": 1}, request_only=True)],
    )
    @action(detail=True, methods=["post"])
    def approve(self, request: AuthedRequest, pk: str | None = None) -> Response:
        commitment = self.get_object()
        require(
            can_approve_in_district(request.user, commitment.programme.district_id),
            _("Funding commitments are approved by the district's officials."),
        )
        data = validated(api.VersionInput, request)
        services.commitment_approve(
            commitment=commitment,
            by=request.user,
            version=requested_version(request, data["version"]),
        )
        return self._respond(commitment)

    @extend_schema(
        tags=[TAG],
        summary="Allocate programme-level money to a project (or change the allocation)",
        description=(
            "The district's officials earmark part of a programme-level commitment for one "
            "project of the programme. The total allocated never exceeds the commitment, and "
            "an allocation never falls below what was already received for the project. 201 "
            "for a new allocation, 200 for a change. The ETag is the commitment's new version."
        ),
        request=api.AllocationInput,
        responses={201: api.AllocationSerializer, 200: api.AllocationSerializer},
        parameters=[IF_MATCH, ETAG_HEADER],
        examples=[
            OpenApiExample(
                "Allocate",
                value={"project": 12, "amount": "1500000.00", "version": 2},
                request_only=True,
            )
        ],
    )
    @action(detail=True, methods=["post"])
    def allocations(self, request: AuthedRequest, pk: str | None = None) -> Response:
        commitment = self.get_object()
        require(
            access.can_manage_programme_money(request.user, commitment.programme),
            _("Programme-level money is allocated by the district's officials."),
        )
        data = validated(api.AllocationInput, request)
        project = _choice(
            Project.objects.visible_to(request.user).filter(programme=commitment.programme_id),
            data["project"],
            "project",
            _("Choose a project of this programme."),
        )
        allocation = services.allocation_set(
            commitment=commitment,
            project=project,
            amount=data["amount"],
            by=request.user,
            version=requested_version(request, data["version"]),
        )
        allocation = selectors.allocation_list(user=request.user).get(pk=allocation.pk)
        created = allocation.version == 1
        response = Response(
            api.AllocationSerializer(allocation).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )
        response["ETag"] = etag(allocation.commitment.version)
        if created:
            response["Location"] = reverse("api:allocation-detail", args=[allocation.pk])
        return response

    def _line(self, request: AuthedRequest, pk: str | None, project_id: int | None):
        """The line (commitment and project) as the record pages find it: a street officer
        reaches programme-level money only through an allocation to a project of its street."""
        try:
            return selectors.funding_line(
                user=request.user, commitment_id=int(pk or 0), project_id=project_id
            )
        except (ObjectDoesNotExist, ValueError):
            raise Http404 from None

    @extend_schema(
        tags=[TAG],
        summary="Record money received (到位) on a line",
        description=(
            "On an approved commitment, for its project, for an allocated project of "
            "programme-level money (`project`), or for the programme's unassigned pool "
            "(programme-level, no `project`: district only). More than the line's commitment "
            "or allocation needs `over_reason`. The ETag is the commitment's new version."
        ),
        request=api.ReceiptInput,
        responses={201: api.ReceiptSerializer},
        parameters=[IF_MATCH, ETAG_HEADER],
        examples=[
            OpenApiExample(
                "Subsidy arrived",
                value={
                    "project": None,
                    "amount": "1600000.00",
                    "received_on": "2024-06-28",
                    "over_reason": "",
                    "note": "第一笔",
                    "version": 2,
                },
                request_only=True,
            )
        ],
    )
    @action(detail=True, methods=["post"])
    def receipts(self, request: AuthedRequest, pk: str | None = None) -> Response:
        data = validated(api.ReceiptInput, request)
        commitment, project = self._line(request, pk, data["project"])
        require(
            access.can_write_line(request.user, commitment, project),
            _("You may not record money for this line."),
        )
        receipt = services.receipt_record(
            commitment=commitment,
            project=project,
            by=request.user,
            amount=data["amount"],
            received_on=data["received_on"],
            over_reason=data["over_reason"],
            note=data["note"],
            version=requested_version(request, data["version"]),
        )
        receipt = selectors.receipt_list(user=request.user).get(pk=receipt.pk)
        response = Response(api.ReceiptSerializer(receipt).data, status=status.HTTP_201_CREATED)
        response["ETag"] = etag(receipt.commitment.version)
        response["Location"] = reverse("api:receipt-detail", args=[receipt.pk])
        return response

    @extend_schema(
        tags=[TAG],
        summary="Record spending on a line",
        description=(
            "Never more than has been received on the line and not yet spent. `work_item` is "
            "a work item of the line's project. The ETag is the commitment's new version."
        ),
        request=api.ExpenditureInput,
        responses={201: api.ExpenditureSerializer},
        parameters=[IF_MATCH, ETAG_HEADER],
        examples=[
            OpenApiExample(
                "Pay the contractor",
                value={
                    "project": None,
                    "amount": "800000.00",
                    "spent_on": "2024-07-15",
                    "work_item": None,
                    "payee": "四川某建设有限公司",
                    "note": "进度款",
                    "version": 3,
                },
                request_only=True,
            )
        ],
    )
    @action(detail=True, methods=["post"])
    def expenditures(self, request: AuthedRequest, pk: str | None = None) -> Response:
        data = validated(api.ExpenditureInput, request)
        commitment, project = self._line(request, pk, data["project"])
        require(
            access.can_write_line(request.user, commitment, project),
            _("You may not record spending for this line."),
        )
        work_item = _choice(
            WorkItem.objects.filter(project__in=Project.objects.visible_to(request.user)),
            data["work_item"],
            "work_item",
            _("The work item belongs to another project."),
        )
        expenditure = services.expenditure_record(
            commitment=commitment,
            project=project,
            by=request.user,
            amount=data["amount"],
            spent_on=data["spent_on"],
            work_item=work_item,
            payee=data["payee"],
            note=data["note"],
            version=requested_version(request, data["version"]),
        )
        expenditure = selectors.expenditure_list(user=request.user).get(pk=expenditure.pk)
        response = Response(
            api.ExpenditureSerializer(expenditure).data, status=status.HTTP_201_CREATED
        )
        response["ETag"] = etag(expenditure.commitment.version)
        response["Location"] = reverse("api:expenditure-detail", args=[expenditure.pk])
        return response


@list_and_detail_schema(TAG, "allocations", "allocation", versioned=True)
class AllocationViewSet(NoDeleteMixin, ScopedReadOnlyViewSet):
    """Parts of programme-level commitments earmarked for projects; set one with
    POST /commitments/{id}/allocations/."""

    serializer_class = api.AllocationSerializer
    filterset_class = filters.AllocationFilter
    search_fields = ["commitment__source__funder", "project__compound__name"]
    ordering_fields = ["amount", "commitment", "project", "id"]
    lookup_value_regex = r"[0-9]+"
    versioned = True

    def get_queryset(self) -> QuerySet:
        return selectors.allocation_list(user=self.request.user)


@list_and_detail_schema(TAG, "receipts", "receipt")
class ReceiptViewSet(ReceiptCorrections, ScopedReadOnlyViewSet):
    """Money that has arrived (到位); record one with POST /commitments/{id}/receipts/."""

    serializer_class = api.ReceiptSerializer
    filterset_class = filters.ReceiptFilter
    search_fields = ["note", "over_reason", "commitment__source__funder"]
    ordering_fields = ["received_on", "amount", "created_at", "id"]
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self) -> QuerySet:
        return selectors.receipt_list(user=self.request.user)


@list_and_detail_schema(TAG, "expenditures", "expenditure")
class ExpenditureViewSet(ExpenditureCorrections, ScopedReadOnlyViewSet):
    """Money spent; record spending with POST /commitments/{id}/expenditures/."""

    serializer_class = api.ExpenditureSerializer
    filterset_class = filters.ExpenditureFilter
    search_fields = ["note", "payee", "commitment__source__funder"]
    ordering_fields = ["spent_on", "amount", "created_at", "id"]
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self) -> QuerySet:
        return selectors.expenditure_list(user=self.request.user)

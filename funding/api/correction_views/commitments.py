"""API actions of /commitments/{id}/: reverse (冲销), split a combined line into its
sub-types, value a contribution in kind, attribute spending paid from the pool."""

from __future__ import annotations

from django.urls import reverse as url_for
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from funding import attribution, corrections, in_kind, lines, services
from funding.lines import SplitPart
from funding.models import Commitment
from programmes.models import Project
from renovation.access import require
from renovation.api.views import (
    ETAG_HEADER,
    IF_MATCH,
    ScopedReadOnlyViewSet,
    etag,
    requested_version,
    validated,
)

from .. import correction_serializers as api
from .. import serializers as base
from ._common import REVERSE_EXAMPLE, TAG, NoDeleteMixin


class CommitmentCorrections(NoDeleteMixin):
    """Actions of /commitments/{id}/: reverse, split, value."""

    def _commitment(self, request: Request) -> Commitment:
        view: ScopedReadOnlyViewSet = self  # type: ignore[assignment]
        return view.get_object()

    def _represent(self, request: Request, commitment: Commitment, code: int) -> Response:
        view: ScopedReadOnlyViewSet = self  # type: ignore[assignment]
        fresh = view.get_queryset().get(pk=commitment.pk)
        response = Response(view.get_serializer(fresh).data, status=code)
        response["ETag"] = etag(fresh.version)
        if code == status.HTTP_201_CREATED:
            response["Location"] = url_for("api:commitment-detail", args=[fresh.pk])
        return response

    @extend_schema(
        tags=[TAG],
        summary="Reverse a commitment (冲销)",
        description=(
            "Books the counter-entry of a wrong commitment (the opposite amount, with the "
            "reason) and reverses what is still booked on it (expenditures, receipts) with the "
            "same reason; its allocations are set to zero. Nothing is deleted. Planned money: "
            "whoever may plan it; approved money: the district's officials. 201 with the "
            "counter-entry; send the commitment's `version` (or `If-Match`)."
        ),
        request=api.ReverseInput,
        responses={201: base.CommitmentSerializer},
        parameters=[IF_MATCH, ETAG_HEADER],
        examples=[REVERSE_EXAMPLE],
    )
    @action(detail=True, methods=["post"])
    def reverse(self, request: Request, pk: str | None = None) -> Response:
        commitment = self._commitment(request)
        require(
            corrections.can_reverse_commitment(request.user, commitment),
            _("Approved money is corrected by the district's officials."),
        )
        data = validated(api.ReverseInput, request)
        counter = corrections.commitment_reverse(
            commitment=commitment,
            by=request.user,
            reason=data["reason"],
            version=requested_version(request, data["version"]),
        )
        return self._represent(request, counter, status.HTTP_201_CREATED)

    @extend_schema(
        tags=[TAG],
        summary="Split a combined line into its sub-types",
        description=(
            "For a line published as combining sub-types (sub-type `combined`), once the split "
            "is known: the parts' amounts must add up to the line. The line is reversed with "
            "what is booked on it and each part becomes a commitment of one sub-type; money "
            "already allocated, received and spent is booked again on the parts with the same "
            "dates, following the parts in order unless `receipts` or `expenditures` attribute "
            "a record to a part. District officials only. 201 with the parts."
        ),
        request=api.SplitInput,
        responses={201: base.CommitmentSerializer(many=True)},
        parameters=[IF_MATCH],
        examples=[
            OpenApiExample(
                "中央和省级补助",
                value={
                    "parts": [
                        {"sub_type": "central_subsidy", "amount": "20000000.00", "funder": ""},
                        {"sub_type": "provincial_subsidy", "amount": "12000000.00"},
                    ],
                    "reason": "豫财建〔2024〕31号明确中央2000万元、省级1200万元",
                    "receipts": [{"id": 17, "part": 1}],
                    "expenditures": [],
                    "version": 5,
                },
                request_only=True,
            )
        ],
    )
    @action(detail=True, methods=["post"])
    def split(self, request: Request, pk: str | None = None) -> Response:
        commitment = self._commitment(request)
        require(
            lines.can_split(request.user, commitment),
            _("Published lines are split by the district's officials."),
        )
        data = validated(api.SplitInput, request)
        parts = lines.commitment_split(
            commitment=commitment,
            by=request.user,
            parts=[SplitPart(p["sub_type"], p["amount"], p["funder"]) for p in data["parts"]],
            reason=data["reason"],
            version=requested_version(request, data["version"]),
            receipts={a["id"]: a["part"] for a in data["receipts"]},
            expenditures={a["id"]: a["part"] for a in data["expenditures"]},
        )
        view: ScopedReadOnlyViewSet = self  # type: ignore[assignment]
        fresh = view.get_queryset().filter(pk__in=[p.pk for p in parts]).order_by("id")
        return Response(view.get_serializer(fresh, many=True).data, status=201)

    @extend_schema(
        tags=[TAG],
        summary="Set the estimated value of a contribution in kind",
        description=(
            "For a commitment in kind, built or done free of charge: the estimated value (0: not "
            "assessed) with how it was assessed. Never below what is allocated or recorded as "
            "delivered. Money is never revalued: reverse it and plan it again."
        ),
        request=api.ValueInput,
        responses={200: base.CommitmentSerializer},
        parameters=[IF_MATCH, ETAG_HEADER],
        examples=[
            OpenApiExample(
                "Assessed",
                value={"amount": "860000.00", "reason": "按燃气公司结算单", "version": 2},
                request_only=True,
            )
        ],
    )
    @action(detail=True, methods=["post"])
    def value(self, request: Request, pk: str | None = None) -> Response:
        commitment = self._commitment(request)
        require(
            in_kind.can_assess(request.user, commitment),
            _("The value of approved contributions is set by the district's officials."),
        )
        data = validated(api.ValueInput, request)
        assessed = in_kind.commitment_value_assess(
            commitment=commitment,
            by=request.user,
            amount=data["amount"],
            reason=data["reason"],
            version=requested_version(request, data["version"]),
        )
        return self._represent(request, assessed, status.HTTP_200_OK)

    @extend_schema(
        tags=[TAG],
        summary="Attribute spending paid from the pool to a project",
        description=(
            "Programme-level money: spending booked on the programme's pool is reversed and "
            "booked again on the project's line with its dates and payees, oldest first, up to "
            "what the pool spent and what the project's line received. (Money received into "
            "the pool is attributed by allocating it: POST /commitments/{id}/allocations/.) "
            "District officials only; the ETag is the commitment's new version."
        ),
        request=api.SpendingAttributionInput,
        responses={200: base.CommitmentSerializer},
        parameters=[IF_MATCH, ETAG_HEADER],
        examples=[
            OpenApiExample(
                "Design fees per compound",
                value={"project": 12, "amount": "38000.00", "version": 6},
                request_only=True,
            )
        ],
    )
    @action(detail=True, methods=["post"], url_path="attribute-spending")
    def attribute_spending(self, request: Request, pk: str | None = None) -> Response:
        commitment = self._commitment(request)
        require(
            services.can_manage_programme_money(request.user, commitment.programme),
            _("Programme-level money is allocated by the district's officials."),
        )
        data = validated(api.SpendingAttributionInput, request)
        project = (
            Project.objects.visible_to(request.user)
            .filter(programme=commitment.programme_id, pk=data["project"])
            .first()
        )
        if project is None:
            raise serializers.ValidationError(
                {"project": [_("Choose a project of this programme.")]}
            )
        attribution.pool_spending_attribute(
            commitment=commitment,
            project=project,
            amount=data["amount"],
            by=request.user,
            version=requested_version(request, data["version"]),
        )
        return self._represent(request, commitment, status.HTTP_200_OK)

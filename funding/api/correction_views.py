"""API actions for corrections without deletes (冲销), lines as published, contributions in kind
and vouchers, mixed into the funding viewsets (funding/api/views.py), and the vouchers'
own endpoints.

Records come from the viewsets' scoped querysets (outside the caller's scope: 404 for any
method); the role is checked as the service checks it (403); the services' `ValidationError`,
`PermissionDenied` and `ConflictError` become 400, 403 and 409. Nothing is ever deleted or
edited in place: DELETE, PUT and PATCH answer 405 with a message that names the reversal.
"""

from __future__ import annotations

import os

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse as url_for
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import MethodNotAllowed
from rest_framework.request import Request
from rest_framework.response import Response

from funding import attribution, corrections, in_kind, lines, records, services, vouchers
from funding.lines import SplitPart
from funding.models import Commitment, Expenditure, Receipt
from programmes.models import Project
from renovation.access import require
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

from . import correction_serializers as api
from . import serializers as base

TAG = "funding"
OCTET_STREAM = "application/octet-stream"


class NoDeleteMixin:
    """Money records are corrected by counter-entries: a DELETE, PUT or PATCH is a 405 whose
    message says how (404 first for a record outside the caller's scope)."""

    def http_method_not_allowed(self, request: Request, *args, **kwargs) -> Response:
        view: ScopedReadOnlyViewSet = self  # type: ignore[assignment]
        if (view.lookup_url_kwarg or view.lookup_field) in kwargs:
            view.get_object()
        raise MethodNotAllowed(
            request.method or "",
            detail=_(
                "Money records are never deleted or changed: reverse a wrong entry (冲销) with "
                "POST …/reverse/ and the reason. The entry and its reversal stay in the history "
                "and every total counts them net."
            ),
        )


def _created(data: dict, name: str, pk: int, version: int) -> Response:
    response = Response(data, status=status.HTTP_201_CREATED)
    response["Location"] = url_for(f"api:{name}-detail", args=[pk])
    response["ETag"] = etag(version)
    return response


REVERSE_EXAMPLE = OpenApiExample(
    "Entered twice", value={"reason": "重复录入", "version": 4}, request_only=True
)


# --- Commitments ---------------------------------------------------------------------------


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


# --- Receipts and expenditures -------------------------------------------------------------


class _RecordCorrections(NoDeleteMixin):
    """Actions of /receipts/{id}/ and /expenditures/{id}/: reverse and vouchers."""

    record_name = "receipt"

    def _record(self) -> Receipt | Expenditure:
        view: ScopedReadOnlyViewSet = self  # type: ignore[assignment]
        return view.get_object()

    def _reverse(self, request: Request, service) -> Response:
        record = self._record()
        require(
            corrections.can_reverse_record(request.user, record),
            _("You may not correct money on this line."),
        )
        data = validated(api.ReverseInput, request)
        counter = service(
            by=request.user,
            reason=data["reason"],
            version=requested_version(request, data["version"]),
            **{self.record_name: record},
        )
        view: ScopedReadOnlyViewSet = self  # type: ignore[assignment]
        fresh = view.get_queryset().get(pk=counter.pk)
        return _created(
            view.get_serializer(fresh).data,
            self.record_name,
            fresh.pk,
            fresh.commitment.version,
        )

    def _vouchers(self, request: Request) -> Response:
        record = self._record()
        if request.method == "POST":
            require(
                vouchers.can_attach(request.user, record),
                _("You may not attach vouchers on this line."),
            )
            data = validated(api.VoucherInput, request)
            voucher = vouchers.voucher_attach(
                record=record, by=request.user, file=data["file"], title=data["title"]
            )
            fresh = records.voucher_list(user=request.user).get(pk=voucher.pk)
            response = Response(api.VoucherSerializer(fresh).data, status=201)
            response["Location"] = url_for("api:voucher-detail", args=[fresh.pk])
            return response
        found = records.record_vouchers(user=request.user, record=record).order_by("id")
        return Response(api.VoucherSerializer(found, many=True).data)


VOUCHER_UPLOAD = {
    "request": {"multipart/form-data": api.VoucherInput},
    "responses": {201: api.VoucherSerializer},
    "examples": [
        OpenApiExample(
            "Not a PDF",
            value={
                "status": 400,
                "code": "invalid",
                "detail": "The input is not valid; see the field errors.",
                "errors": {"file": ["The file's content does not match its type (.pdf)."]},
            },
            response_only=True,
            status_codes=["400"],
        )
    ],
}
VOUCHER_UPLOAD_TEXT = (
    "`multipart/form-data`: `file` and `title`. Whoever may book on the line (API-client keys "
    "are read-only). A PDF, an OFD electronic invoice or a scan or photo (.pdf, .ofd, .jpg, "
    ".jpeg, .png) of at most 10 MB, checked by content; a photo loses its metadata. Vouchers "
    "are never replaced or deleted."
)


class ReceiptCorrections(_RecordCorrections):
    record_name = "receipt"

    @extend_schema(
        tags=[TAG],
        summary="Reverse a receipt (冲销)",
        description=(
            "Books the counter-entry of a wrong receipt: the opposite amount on the same line "
            "and date, with the reason. Refused while the money is spent (reverse the "
            "spending first). Send the commitment's `version` (`commitment_version`). 201 with "
            "the counter-entry; the ETag is the commitment's new version."
        ),
        request=api.ReverseInput,
        responses={201: base.ReceiptSerializer},
        parameters=[IF_MATCH, ETAG_HEADER],
        examples=[REVERSE_EXAMPLE],
    )
    @action(detail=True, methods=["post"])
    def reverse(self, request: Request, pk: str | None = None) -> Response:
        return self._reverse(request, corrections.receipt_reverse)

    @extend_schema(
        tags=[TAG],
        summary="A receipt's vouchers",
        responses={200: api.VoucherSerializer(many=True)},
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="vouchers",
        parser_classes=UPLOAD_PARSERS,
        filter_backends=[],  # a record's vouchers: neither filtered nor paged
        pagination_class=None,
    )
    def vouchers(self, request: Request, pk: str | None = None) -> Response:
        return self._vouchers(request)

    @extend_schema(
        tags=[TAG],
        summary="Attach a voucher to a receipt",
        description=VOUCHER_UPLOAD_TEXT,
        **VOUCHER_UPLOAD,
    )
    @vouchers.mapping.post
    def attach_voucher(self, request: Request, pk: str | None = None) -> Response:
        return self._vouchers(request)


class ExpenditureCorrections(_RecordCorrections):
    record_name = "expenditure"

    @extend_schema(
        tags=[TAG],
        summary="Reverse an expenditure (冲销)",
        description=(
            "Books the counter-entry of wrong spending: the opposite amount on the same line "
            "and date, with the reason. Send the commitment's `version` "
            "(`commitment_version`). 201 with the counter-entry."
        ),
        request=api.ReverseInput,
        responses={201: base.ExpenditureSerializer},
        parameters=[IF_MATCH, ETAG_HEADER],
        examples=[REVERSE_EXAMPLE],
    )
    @action(detail=True, methods=["post"])
    def reverse(self, request: Request, pk: str | None = None) -> Response:
        return self._reverse(request, corrections.expenditure_reverse)

    @extend_schema(
        tags=[TAG],
        summary="An expenditure's vouchers",
        responses={200: api.VoucherSerializer(many=True)},
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="vouchers",
        parser_classes=UPLOAD_PARSERS,
        filter_backends=[],  # a record's vouchers: neither filtered nor paged
        pagination_class=None,
    )
    def vouchers(self, request: Request, pk: str | None = None) -> Response:
        return self._vouchers(request)

    @extend_schema(
        tags=[TAG],
        summary="Attach a voucher to an expenditure",
        description=VOUCHER_UPLOAD_TEXT,
        **VOUCHER_UPLOAD,
    )
    @vouchers.mapping.post
    def attach_voucher(self, request: Request, pk: str | None = None) -> Response:
        return self._vouchers(request)


# --- Vouchers ------------------------------------------------------------------------------


VOUCHER_TYPES = dict.fromkeys([*vouchers.VOUCHER_TYPES.values(), OCTET_STREAM])


@list_and_detail_schema(TAG, "vouchers", "voucher")
class VoucherViewSet(NoDeleteMixin, ScopedReadOnlyViewSet):
    """Vouchers (凭证) of the receipts and expenditures the caller may see; attach one with
    POST /receipts/{id}/vouchers/ or /expenditures/{id}/vouchers/."""

    serializer_class = api.VoucherSerializer
    search_fields = ["title"]
    ordering_fields = ["created_at", "size", "id"]
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self) -> QuerySet:
        return records.voucher_list(user=self.request.user)

    def get_renderers(self):
        # GET /vouchers/{id}/file/ streams the file; errors stay JSON.
        if self.action == "file":
            return [renderer() for renderer in DOWNLOAD_RENDERERS]
        return super().get_renderers()

    @extend_schema(
        tags=[TAG],
        summary="Download a voucher",
        description="The file as stored, as an attachment; 404 outside your scope.",
        responses={
            (200, media_type): OpenApiResponse(OpenApiTypes.BINARY, description="Voucher.")
            for media_type in VOUCHER_TYPES
        },
    )
    @action(detail=True, methods=["get"])
    def file(self, request: Request, pk: str | None = None):
        try:
            voucher = self.get_object()
        except ObjectDoesNotExist:
            raise Http404 from None
        handle = open_stored(voucher.file)
        name = voucher.file.name
        content_type = vouchers.VOUCHER_TYPES.get(os.path.splitext(name)[1].lower(), OCTET_STREAM)
        return stored_file_response(handle, name, content_type, as_attachment=True)

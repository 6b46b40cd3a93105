"""API actions of /receipts/{id}/ and /expenditures/{id}/: reverse (冲销) and their vouchers
(list and attach)."""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse as url_for
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from funding import corrections, records, vouchers
from funding.models import Expenditure, Receipt
from renovation.access import require
from renovation.api.views import (
    ETAG_HEADER,
    IF_MATCH,
    UPLOAD_PARSERS,
    ScopedReadOnlyViewSet,
    requested_version,
    validated,
)

from .. import correction_serializers as api
from .. import serializers as base
from ._common import REVERSE_EXAMPLE, TAG, NoDeleteMixin, _created


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


def _record_actions(*, noun: str, serializer: type, service: Callable, reverse_description: str):
    """The actions of one kind of record (`noun`: "a receipt", "an expenditure"): reverse, its
    vouchers and attach a voucher. Receipts and expenditures differ only in their service, their
    serializer and the wording of their schema."""

    @extend_schema(
        tags=[TAG],
        summary=f"Reverse {noun} (冲销)",
        description=reverse_description,
        request=api.ReverseInput,
        responses={201: serializer},
        parameters=[IF_MATCH, ETAG_HEADER],
        examples=[REVERSE_EXAMPLE],
    )
    @action(detail=True, methods=["post"])
    def reverse(self: _RecordCorrections, request: Request, pk: str | None = None) -> Response:
        return self._reverse(request, service)

    @extend_schema(
        tags=[TAG],
        summary=f"{noun.capitalize()}'s vouchers",
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
    def vouchers(self: _RecordCorrections, request: Request, pk: str | None = None) -> Response:
        return self._vouchers(request)

    @extend_schema(
        tags=[TAG],
        summary=f"Attach a voucher to {noun}",
        description=VOUCHER_UPLOAD_TEXT,
        **VOUCHER_UPLOAD,
    )
    @vouchers.mapping.post
    def attach_voucher(
        self: _RecordCorrections, request: Request, pk: str | None = None
    ) -> Response:
        return self._vouchers(request)

    return reverse, vouchers, attach_voucher


class ReceiptCorrections(_RecordCorrections):
    record_name = "receipt"

    reverse, vouchers, attach_voucher = _record_actions(
        noun="a receipt",
        serializer=base.ReceiptSerializer,
        service=corrections.receipt_reverse,
        reverse_description=(
            "Books the counter-entry of a wrong receipt: the opposite amount on the same line "
            "and date, with the reason. Refused while the money is spent (reverse the "
            "spending first). Send the commitment's `version` (`commitment_version`). 201 with "
            "the counter-entry; the ETag is the commitment's new version."
        ),
    )


class ExpenditureCorrections(_RecordCorrections):
    record_name = "expenditure"

    reverse, vouchers, attach_voucher = _record_actions(
        noun="an expenditure",
        serializer=base.ExpenditureSerializer,
        service=corrections.expenditure_reverse,
        reverse_description=(
            "Books the counter-entry of wrong spending: the opposite amount on the same line "
            "and date, with the reason. Send the commitment's `version` "
            "(`commitment_version`). 201 with the counter-entry."
        ),
    )

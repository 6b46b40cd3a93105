"""The vouchers' own endpoints: list, detail and download (attached through the receipts'
and expenditures' actions)."""

from __future__ import annotations

import os

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.decorators import action
from rest_framework.request import Request

from funding import records, vouchers
from renovation.api.views import (
    DOWNLOAD_RENDERERS,
    ScopedReadOnlyViewSet,
    list_and_detail_schema,
    open_stored,
    stored_file_response,
)

from .. import correction_serializers as api
from ._common import TAG, NoDeleteMixin

OCTET_STREAM = "application/octet-stream"
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

"""`POST /api/v1/programmes/{id}/import/`: the programme import (项目清单) through the API, the
same service as the set-up page (programmes.programme_import)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from programmes import selectors
from programmes.programme_import import ProgrammeImportResult, programme_import
from renovation.access import can_set_up_in_district, require
from renovation.api.exceptions import error_body
from renovation.api.schema import ERRORS
from renovation.http import AuthedRequest


class ImportInput(serializers.Serializer):
    file = serializers.FileField(help_text="The 项目清单, .xlsx or .csv")
    commit = serializers.BooleanField(
        default=False, help_text="false: check only, nothing written; true: import if clean"
    )
    confirm_warnings = serializers.BooleanField(default=False)


def result_body(result: ProgrammeImportResult) -> dict:
    return {
        "committed": result.committed,
        "rows": result.rows,
        "projects_new": result.projects_new,
        "projects_updated": result.projects_updated,
        "compounds_new": result.compounds_new,
        "warnings": [str(w) for w in result.warnings],
        "errors": [
            {
                "sheet": e.sheet,
                "row": e.row,
                "column": e.column,
                "header": e.header,
                "message": e.message,
                "text": str(e),
            }
            for e in result.errors
        ],
    }


ImportOutput = inline_serializer(
    "ProgrammeImportResult",
    {
        "committed": serializers.BooleanField(),
        "rows": serializers.IntegerField(),
        "projects_new": serializers.IntegerField(),
        "projects_updated": serializers.IntegerField(),
        "compounds_new": serializers.IntegerField(),
        "warnings": serializers.ListField(child=serializers.CharField()),
        "errors": serializers.ListField(child=serializers.DictField()),
    },
)


class ProgrammeImportApi(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        tags=["programmes"],
        summary="Import a programme's project list (项目清单)",
        description=(
            "Multipart upload of the 项目清单 (template: the programme set-up page). With "
            "`commit` false the file is only checked; with `commit` true it is imported when "
            "every row is clean, all or nothing. Each error names its sheet, row and column. "
            "A row finds its project by the compound (registry code, else street office and "
            "name): importing again updates. Answers 200 when checked or imported, 400 with "
            "the row errors (nothing written), 404 for a programme out of scope."
        ),
        request={"multipart/form-data": ImportInput},
        responses={200: ImportOutput, 400: ImportOutput, 404: ERRORS["404"]},
        examples=[
            OpenApiExample(
                "Check only",
                value={"file": "项目清单.xlsx", "commit": False},
                request_only=True,
                media_type="multipart/form-data",
            ),
            OpenApiExample(
                "Import",
                value={"file": "项目清单.xlsx", "commit": True, "confirm_warnings": True},
                request_only=True,
                media_type="multipart/form-data",
            ),
        ],
    )
    def post(self, request: AuthedRequest, pk: int) -> Response:
        programme = get_object_or_404(selectors.programme_list(user=request.user), pk=pk)
        require(
            can_set_up_in_district(request.user, programme.district_id),
            _("Only the district's officials set up its programmes and projects."),
        )
        data = ImportInput(data=request.data)
        if not data.is_valid():
            return Response(
                error_body(400, "invalid", _("The file was not sent."), data.errors), status=400
            )
        result = programme_import(
            user=request.user,
            programme=programme,
            upload=data.validated_data["file"],
            **{k: data.validated_data[k] for k in ("commit", "confirm_warnings")},
        )
        body = result_body(result)
        if result.errors:
            # The project's one error shape, with the row errors under `file` and the result.
            errors = {"file": [str(e) for e in result.errors]}
            detail = _("The file has errors; nothing was imported.")
            return Response(
                {**error_body(400, "invalid", detail, errors), "result": body},
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response(body)

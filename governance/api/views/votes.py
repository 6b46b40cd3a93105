"""Endpoints of owners' votes: create, tally and import ballots (Civil Code art. 278)."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from governance import filters, selectors, services
from renovation.api.exceptions import django_validation_errors
from renovation.api.views import (
    ETAG_HEADER,
    IF_MATCH,
    UPLOAD_PARSERS,
    ScopedReadOnlyViewSet,
    etag,
    list_and_detail_schema,
    requested_version,
    validated,
)

from .. import serializers as api
from .. import uploads
from ._common import (
    NOT_FOUND,
    TAG,
    _building_choice,
    _compound,
    _created,
    _may_file,
    _project_choice,
)


@list_and_detail_schema(TAG, "owners' votes", "owners' vote", versioned=True)
class OwnerVoteViewSet(ScopedReadOnlyViewSet):
    """Owners' votes under Civil Code art. 278 with their tally and outcome (the rule set in
    force on the vote date). Per-owner ballots are personal data and are not exposed."""

    serializer_class = api.VoteSerializer
    filterset_class = filters.OwnerVoteFilter
    search_fields = ["title", "compound__name"]
    ordering_fields = ["held_on", "tallied_at", "eligible_owners", "id"]
    lookup_value_regex = r"[0-9]+"
    versioned = True

    def get_queryset(self) -> QuerySet:
        return selectors.vote_list(user=self.request.user)

    def get_serializer_class(self):
        return api.VoteSerializer if self.action == "list" else api.VoteDetailSerializer

    @extend_schema(
        tags=[TAG],
        summary="Record an owners' vote (before its tally)",
        description=(
            "The street office of the compound's street only. Enter the tally afterwards "
            "with POST /votes/{id}/tally/."
        ),
        request=api.VoteInput,
        responses={201: api.VoteDetailSerializer, **NOT_FOUND},
        parameters=[ETAG_HEADER],
        examples=[
            OpenApiExample(
                "Renovation vote",
                value={
                    "compound": 7,
                    "project": None,
                    "matter": "renovate",
                    "title": "关于实施老旧小区改造的表决",
                    "held_on": "2024-05-10",
                    "scope_kind": "compound",
                    "building": None,
                    "unit": "",
                    "eligible_owners": 320,
                    "eligible_area": "25600.00",
                },
                request_only=True,
            )
        ],
    )
    def create(self, request: Request) -> Response:
        data = validated(api.VoteInput, request)
        compound = _compound(request, data.pop("compound"))
        _may_file(request, compound)
        data["project"] = _project_choice(request, data["project"])
        data["building"] = _building_choice(request, data["building"])
        vote = services.owner_vote_create(compound=compound, by=request.user, **data)
        vote = self.get_queryset().get(pk=vote.pk)
        return _created(self.get_serializer(vote).data, "vote", vote.pk, vote.version)

    @extend_schema(
        tags=[TAG],
        summary="Enter a vote's tally as totals",
        description=(
            "The street office of the compound's street only. The tally is judged by the "
            "rule set in force on the vote date (Civil Code art. 278: two thirds of the area "
            "and of the owners take part; three quarters or more than half of those taking "
            "part agree, by area and by heads, depending on the matter). Entering totals "
            "replaces imported ballots."
        ),
        request=api.TallyInput,
        responses={200: api.VoteDetailSerializer},
        parameters=[IF_MATCH, ETAG_HEADER],
        examples=[
            OpenApiExample(
                "Tally",
                value={
                    "participating_owners": 260,
                    "participating_area": "21000.00",
                    "agree_owners": 240,
                    "agree_area": "19500.00",
                    "oppose_owners": 12,
                    "oppose_area": "900.00",
                    "version": 1,
                },
                request_only=True,
            )
        ],
    )
    @action(detail=True, methods=["post"])
    def tally(self, request: Request, pk: str | None = None) -> Response:
        vote = self.get_object()
        _may_file(request, vote.compound)
        data = validated(api.TallyInput, request)
        data["version"] = requested_version(request, data["version"])
        services.owner_vote_tally(vote=vote, by=request.user, **data)
        vote = self.get_queryset().get(pk=vote.pk)
        response = Response(self.get_serializer(vote).data)
        response["ETag"] = etag(vote.version)
        return response

    @extend_schema(
        tags=[TAG],
        summary="Import the per-owner ballots of a vote from a sheet (CSV or XLSX)",
        description=(
            "`multipart/form-data` only. The street office of the compound's street only "
            "(API-client keys are read-only). With `dry_run` true (the default) the sheet is "
            "only checked: 200 with `valid`, the errors by row and column, and the tally and "
            "outcome it would give; nothing is saved. With `dry_run` false the ballots replace "
            "the vote's earlier ballots or totals and the tally is recomputed (200, `saved` "
            "true, new ETag) — only if every row is valid: one bad row and nothing is saved "
            "(400, the rows' messages under `errors.file`). Send the vote's `version` (or "
            "If-Match) to be told (409) if it changed since you read it. Individual ballots "
            "are personal data and are never returned."
        ),
        request={"multipart/form-data": api.BallotImportInput},
        responses={200: api.BallotImportSerializer},
        parameters=[IF_MATCH, ETAG_HEADER],
        examples=[
            OpenApiExample(
                "Dry run with a bad row",
                value={
                    "dry_run": True,
                    "valid": False,
                    "saved": False,
                    "ballots": 2,
                    "errors": [
                        {
                            "row": 4,
                            "column": "area",
                            "message": "Row 4: the area “-3” is not a positive number of m² "
                            "with two decimals at most.",
                        }
                    ],
                    "tally": None,
                    "outcome": None,
                    "vote": {"id": 3, "version": 1, "tally_method": "", "passed": None},
                },
                response_only=True,
                status_codes=["200"],
            ),
            OpenApiExample(
                "Save refused",
                value={
                    "status": 400,
                    "code": "invalid",
                    "detail": "The input is not valid; see the field errors.",
                    "errors": {
                        "file": [
                            "Row 4: the area “-3” is not a positive number of m² with two "
                            "decimals at most."
                        ]
                    },
                },
                response_only=True,
                status_codes=["400"],
            ),
        ],
    )
    @action(detail=True, methods=["post"], parser_classes=UPLOAD_PARSERS)
    def ballots(self, request: Request, pk: str | None = None) -> Response:
        vote = self.get_object()
        _may_file(request, vote.compound)
        data = validated(api.BallotImportInput, request)
        try:
            sheet = services.owner_vote_import_ballots(
                vote=vote,
                by=request.user,
                upload=data["file"],
                dry_run=data["dry_run"],
                version=requested_version(request, data["version"]),
            )
        except DjangoValidationError as error:
            # The service names the upload `sheet`, as the page's form does; here it is `file`.
            messages = django_validation_errors(error)
            if "sheet" in messages:
                messages["file"] = messages.pop("sheet")
            raise serializers.ValidationError(messages) from None
        vote = self.get_queryset().get(pk=vote.pk)
        valid = not sheet.errors
        outcome = sheet.outcome if valid else None
        result = {
            "dry_run": data["dry_run"],
            "valid": valid,
            "saved": valid and not data["dry_run"],
            "ballots": len(sheet.rows),
            "errors": uploads.ballot_errors(sheet),
            "tally": _sheet_tally(sheet) if valid else None,
            "outcome": (
                {
                    "quorum_reached": outcome.quorum_reached,
                    "passed": outcome.passed,
                    "reasons": outcome.reasons,
                }
                if outcome is not None
                else None
            ),
            "vote": vote,
        }
        response = Response(
            api.BallotImportSerializer(result, context=self.get_serializer_context()).data
        )
        response["ETag"] = etag(vote.version)
        return response


def _sheet_tally(sheet) -> dict:
    return {
        "participating_owners": sheet.participating_owners,
        "participating_area": sheet.area_choosing(None),
        "agree_owners": sheet.owners_choosing("agree"),
        "agree_area": sheet.area_choosing("agree"),
        "oppose_owners": sheet.owners_choosing("oppose"),
        "oppose_area": sheet.area_choosing("oppose"),
        "abstain_owners": sheet.owners_choosing("abstain"),
        "abstain_area": sheet.area_choosing("abstain"),
    }

"""REST endpoints of resident governance (the indicators are in `statistics.py`).

Reads come from scoped selectors, so an id outside the user's scope is a 404 for any method,
including an id named in the body of a write (the compound or project the record is for).
Writes check the role as the pages do and call the same services; their `ValidationError`,
`PermissionDenied` and `ConflictError` become 400, 403 and 409 in the common error shape.
Personal data is masked by role exactly as on the pages (see `serializers.py`).
"""

from __future__ import annotations

import os

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from governance import filters, selectors, services
from governance.masking import can_see_personal_data
from governance.models import (
    CommitteeMember,
    OpinionSurvey,
    ResidentCommittee,
    SatisfactionSurvey,
)
from programmes.models import Building, Compound, Project
from renovation.access import can_approve_in_district, can_file_street_records, require
from renovation.api.exceptions import django_validation_errors
from renovation.api.schema import ERRORS
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

from . import serializers as api
from . import uploads

TAG = "governance"


def _compound(request: Request, pk: int) -> Compound:
    try:
        return selectors.compound_in_scope(user=request.user, pk=pk)
    except ObjectDoesNotExist:
        raise Http404 from None


def _project(request: Request, pk: int) -> Project:
    try:
        return selectors.project_in_scope(user=request.user, pk=pk)
    except ObjectDoesNotExist:
        raise Http404 from None


def _may_file(request: Request, compound: Compound) -> None:
    require(
        can_file_street_records(request.user, compound.street_id),
        _("Only the street office in charge records governance for this compound."),
    )


def _choice(queryset: QuerySet, pk: int | None, field: str, message: str):
    """A related choice named in the body (project, building): refused as a field error, as
    the page's form refuses a choice it does not offer; the service checks it belongs."""
    if pk is None:
        return None
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise serializers.ValidationError({field: [message]})
    return found


def _project_choice(request: Request, pk: int | None) -> Project | None:
    return _choice(
        Project.objects.visible_to(request.user),
        pk,
        "project",
        _("Choose a project of this compound."),
    )


def _building_choice(request: Request, pk: int | None) -> Building | None:
    return _choice(
        Building.objects.filter(compound__in=Compound.objects.visible_to(request.user)),
        pk,
        "building",
        _("Choose a building of this compound."),
    )


def _created(data: dict, name: str, pk: int, version: int | None = None) -> Response:
    response = Response(data, status=status.HTTP_201_CREATED)
    response["Location"] = reverse(f"api:{name}-detail", args=[pk])
    if version is not None:
        response["ETag"] = etag(version)
    return response


NOT_FOUND = {404: ERRORS["404"]}

# The file types `Meeting.minutes` accepts, served with their own type.
MINUTES_TYPES = {
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
}
OCTET_STREAM = "application/octet-stream"


# --- Committees ----------------------------------------------------------------------------


@list_and_detail_schema(TAG, "resident committees", "resident committee", versioned=True)
class CommitteeViewSet(ScopedReadOnlyViewSet):
    """Residents' organisations (self-renovation, owners' and property management committees,
    party branches, volunteers, grid workers) with their members. Member names and phones are
    shown to the street office of the committee's street and the district's officials and
    masked for everyone else, as on the compound page."""

    serializer_class = api.CommitteeSerializer
    filterset_class = filters.CommitteeFilter
    search_fields = ["name", "notes"]
    ordering_fields = ["formed_on", "term_ends_on", "name", "kind", "headcount", "id"]
    lookup_value_regex = r"[0-9]+"
    versioned = True

    def get_queryset(self) -> QuerySet:
        return selectors.committee_list(user=self.request.user).prefetch_related(
            Prefetch("members", queryset=CommitteeMember.objects.order_by("role", "id"))
        )

    def _respond(self, committee: ResidentCommittee, code: int = 200) -> Response:
        committee = self.get_queryset().get(pk=committee.pk)
        data = self.get_serializer(committee).data
        if code == status.HTTP_201_CREATED:
            return _created(data, "committee", committee.pk, committee.version)
        response = Response(data, status=code)
        response["ETag"] = etag(committee.version)
        return response

    @extend_schema(
        tags=[TAG],
        summary="Record a resident committee of a compound",
        description="The street office of the compound's street only.",
        request=api.CommitteeCreateInput,
        responses={201: api.CommitteeSerializer, **NOT_FOUND},
        parameters=[ETAG_HEADER],
        examples=[
            OpenApiExample(
                "Self-renovation committee",
                value={
                    "compound": 7,
                    "kind": "self_renovation",
                    "name": "水井坊小区自治改造委员会",
                    "formed_on": "2024-03-01",
                    "term_ends_on": None,
                    "headcount": 9,
                    "notes": "",
                },
                request_only=True,
            )
        ],
    )
    def create(self, request: Request) -> Response:
        data = validated(api.CommitteeCreateInput, request)
        compound = _compound(request, data.pop("compound"))
        _may_file(request, compound)
        committee = services.committee_create(compound=compound, by=request.user, **data)
        return self._respond(committee, status.HTTP_201_CREATED)

    @extend_schema(
        tags=[TAG],
        summary="Change a committee",
        description=(
            "The street office of the committee's street only. The total (`headcount`) never "
            "falls below the members listed by name."
        ),
        request=api.CommitteeUpdateInput,
        responses={200: api.CommitteeSerializer},
        parameters=[IF_MATCH, ETAG_HEADER],
    )
    def update(self, request: Request, pk: str | None = None) -> Response:
        committee = self.get_object()
        require(
            can_file_street_records(request.user, committee.street_id),
            _("Only the street office in charge records governance for this compound."),
        )
        data = validated(api.CommitteeUpdateInput, request)
        data["version"] = requested_version(request, data["version"])
        services.committee_update(committee=committee, by=request.user, **data)
        return self._respond(committee)

    @extend_schema(
        tags=[TAG],
        summary="Add a named member to a committee",
        description=(
            "The street office of the committee's street only. The response shows the name "
            "and phone in full (the writer may see them); the ETag is the committee's new "
            "version."
        ),
        request=api.MemberInput,
        responses={201: api.MemberSerializer},
        parameters=[ETAG_HEADER],
        examples=[
            OpenApiExample(
                "Chair",
                value={
                    "name": "张三",
                    "role": "chair",
                    "building": "3栋",
                    "unit": "2单元",
                    "is_party_member": True,
                    "phone": "13812345678",
                },
                request_only=True,
            )
        ],
    )
    @action(detail=True, methods=["post"])
    def members(self, request: Request, pk: str | None = None) -> Response:
        committee = self.get_object()
        require(
            can_file_street_records(request.user, committee.street_id),
            _("Only the street office in charge records governance for this compound."),
        )
        data = validated(api.MemberInput, request)
        member = services.committee_member_add(committee=committee, by=request.user, **data)
        personal = can_see_personal_data(
            request.user, street_id=committee.street_id, district_id=committee.street.district_id
        )
        response = Response(
            api.MemberSerializer(api.member_data(member, personal=personal)).data,
            status=status.HTTP_201_CREATED,
        )
        version = ResidentCommittee.objects.values_list("version", flat=True).get(pk=committee.pk)
        response["ETag"] = etag(version)
        return response

    @extend_schema(
        tags=[TAG],
        summary="Remove a member from a committee",
        description="The street office of the committee's street only.",
        request=None,
        responses={204: OpenApiResponse(description="Removed.")},
    )
    @action(
        detail=True,
        methods=["delete"],
        url_path=r"members/(?P<member_id>[0-9]+)",
        url_name="member",
    )
    def remove_member(
        self, request: Request, pk: str | None = None, member_id: str | None = None
    ) -> Response:
        committee = self.get_object()
        member = committee.members.filter(pk=int(member_id or 0)).first()
        if member is None:
            raise Http404
        require(
            can_file_street_records(request.user, committee.street_id),
            _("Only the street office in charge records governance for this compound."),
        )
        services.committee_member_remove(member=member, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Meetings and surveys ------------------------------------------------------------------


@list_and_detail_schema(TAG, "consultation meetings", "consultation meeting")
class MeetingViewSet(ScopedReadOnlyViewSet):
    """Consultations with residents: courtyard (坝坝会) and bench (板凳会) meetings,
    representatives' meetings, hearings and joint design reviews."""

    serializer_class = api.MeetingSerializer
    filterset_class = filters.MeetingFilter
    search_fields = ["topics", "resolutions", "compound__name"]
    ordering_fields = ["held_on", "attendance", "created_at", "id"]
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self) -> QuerySet:
        return selectors.meeting_list(user=self.request.user)

    def get_renderers(self):
        # GET /meetings/{id}/minutes/ streams the file; its POST answers JSON like the rest.
        if self.action == "minutes":
            return [renderer() for renderer in DOWNLOAD_RENDERERS]
        return super().get_renderers()

    @extend_schema(
        tags=[TAG],
        summary="Record a consultation meeting",
        description=(
            "The street office of the compound's street only. Attach the minutes afterwards "
            "with POST /meetings/{id}/minutes/ (multipart)."
        ),
        request=api.MeetingInput,
        responses={201: api.MeetingSerializer, **NOT_FOUND},
        examples=[
            OpenApiExample(
                "Courtyard meeting",
                value={
                    "compound": 7,
                    "project": None,
                    "kind": "courtyard",
                    "held_on": "2024-04-12",
                    "attendance": 86,
                    "topics": "加装电梯与停车位方案",
                    "resolutions": "同意进入方案设计",
                },
                request_only=True,
            )
        ],
    )
    def create(self, request: Request) -> Response:
        data = validated(api.MeetingInput, request)
        compound = _compound(request, data.pop("compound"))
        _may_file(request, compound)
        data["project"] = _project_choice(request, data["project"])
        meeting = services.meeting_record(compound=compound, by=request.user, **data)
        meeting = self.get_queryset().get(pk=meeting.pk)
        return _created(self.get_serializer(meeting).data, "meeting", meeting.pk)

    @extend_schema(
        tags=[TAG],
        summary="Download a meeting's minutes",
        description=(
            "The file as uploaded (PDF, Word or photo), as an attachment; 404 outside your "
            "scope or when the meeting has no minutes."
        ),
        responses={
            **{
                (200, media_type): OpenApiResponse(OpenApiTypes.BINARY, description="Minutes.")
                for media_type in dict.fromkeys([*MINUTES_TYPES.values(), OCTET_STREAM])
            },
        },
    )
    @action(detail=True, methods=["get"], url_name="minutes", parser_classes=UPLOAD_PARSERS)
    def minutes(self, request: Request, pk: str | None = None):
        meeting = self.get_object()
        handle = open_stored(meeting.minutes)
        name = meeting.minutes.name
        content_type = MINUTES_TYPES.get(os.path.splitext(name)[1].lower(), OCTET_STREAM)
        return stored_file_response(handle, name, content_type, as_attachment=True)

    @extend_schema(
        tags=[TAG],
        summary="Upload (or replace) a meeting's minutes",
        description=(
            "`multipart/form-data` only, one `minutes` file. The street office of the "
            "meeting's compound only (API-client keys are read-only). Checked as on the page: "
            "a PDF, Word document or photo (.pdf, .doc, .docx, .jpg, .jpeg, .png) of at most "
            "10 MB; an empty or other file is a 400 and nothing changes."
        ),
        request={"multipart/form-data": api.MinutesInput},
        responses={200: api.MeetingSerializer},
        examples=[
            OpenApiExample(
                "Wrong file type",
                value={
                    "status": 400,
                    "code": "invalid",
                    "detail": "The input is not valid; see the field errors.",
                    "errors": {
                        "minutes": [
                            "File extension “exe” is not allowed. Allowed extensions are: pdf, "
                            "doc, docx, jpg, jpeg, png."
                        ]
                    },
                },
                response_only=True,
                status_codes=["400"],
            )
        ],
    )
    @minutes.mapping.post
    def upload_minutes(self, request: Request, pk: str | None = None) -> Response:
        meeting = self.get_object()
        _may_file(request, meeting.compound)
        data = validated(api.MinutesInput, request)
        services.meeting_minutes_attach(meeting=meeting, by=request.user, minutes=data["minutes"])
        meeting = self.get_queryset().get(pk=meeting.pk)
        return Response(self.get_serializer(meeting).data)


@list_and_detail_schema(TAG, "opinion surveys", "opinion survey")
class OpinionSurveyViewSet(ScopedReadOnlyViewSet):
    """Opinion surveys (意愿征集): forms issued and returned, and how residents answered. The
    support rate against the programme's threshold gates leaving consultation."""

    serializer_class = api.OpinionSurveySerializer
    filterset_class = filters.OpinionSurveyFilter
    search_fields = ["scope_label", "project__compound__name"]
    ordering_fields = ["held_on", "forms_issued", "forms_returned", "support", "id"]
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self) -> QuerySet:
        return OpinionSurvey.objects.visible_to(self.request.user).select_related(
            "project__compound__street", "project__programme"
        )

    @extend_schema(
        tags=[TAG],
        summary="Record an opinion survey of a project",
        description=(
            "The street office of the project's street only. A survey covers the whole "
            "compound, one building or one building unit (`scope_kind`, `building`, `unit`). "
            "In favour, against and abstained never add up to more than the forms returned."
        ),
        request=api.OpinionSurveyInput,
        responses={201: api.OpinionSurveySerializer, **NOT_FOUND},
        examples=[
            OpenApiExample(
                "Whole compound",
                value={
                    "project": 12,
                    "held_on": "2024-04-30",
                    "scope_kind": "compound",
                    "building": None,
                    "unit": "",
                    "scope_label": "",
                    "forms_issued": 320,
                    "forms_returned": 301,
                    "support": 290,
                    "oppose": 6,
                    "abstain": 5,
                    "suggestions": 41,
                },
                request_only=True,
            )
        ],
    )
    def create(self, request: Request) -> Response:
        data = validated(api.OpinionSurveyInput, request)
        project = _project(request, data.pop("project"))
        _may_file(request, project.compound)
        data["building"] = _building_choice(request, data["building"])
        survey = services.opinion_survey_record(project=project, by=request.user, **data)
        survey = self.get_queryset().get(pk=survey.pk)
        return _created(self.get_serializer(survey).data, "survey", survey.pk)


@list_and_detail_schema(TAG, "satisfaction evaluations", "satisfaction evaluation")
class SatisfactionSurveyViewSet(ScopedReadOnlyViewSet):
    """The residents' joint evaluation after acceptance (效果共评)."""

    serializer_class = api.SatisfactionSurveySerializer
    filterset_class = filters.SatisfactionSurveyFilter
    search_fields = ["notes", "project__compound__name"]
    ordering_fields = ["held_on", "respondents", "satisfied", "id"]
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self) -> QuerySet:
        return SatisfactionSurvey.objects.visible_to(self.request.user).select_related(
            "project__compound__street"
        )

    @extend_schema(
        tags=[TAG],
        summary="Record the residents' satisfaction evaluation of a project",
        description=(
            "The street office of the project's street only, after the completion "
            "acceptance (not before its date)."
        ),
        request=api.SatisfactionSurveyInput,
        responses={201: api.SatisfactionSurveySerializer, **NOT_FOUND},
        examples=[
            OpenApiExample(
                "Evaluation",
                value={
                    "project": 12,
                    "held_on": "2024-11-20",
                    "respondents": 210,
                    "satisfied": 196,
                    "dissatisfied": 4,
                    "notes": "",
                },
                request_only=True,
            )
        ],
    )
    def create(self, request: Request) -> Response:
        data = validated(api.SatisfactionSurveyInput, request)
        project = _project(request, data.pop("project"))
        _may_file(request, project.compound)
        survey = services.satisfaction_record(project=project, by=request.user, **data)
        survey = self.get_queryset().get(pk=survey.pk)
        return _created(self.get_serializer(survey).data, "satisfaction-survey", survey.pk)


# --- Owners' votes -------------------------------------------------------------------------


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


# --- Suggestions ---------------------------------------------------------------------------


@list_and_detail_schema(TAG, "suggestions and complaints", "suggestion", versioned=True)
class SuggestionViewSet(ScopedReadOnlyViewSet):
    """Residents' suggestions, complaints and objections (诉求): received, assigned, answered,
    closed. The contact is shown as on the pages: in full to the street office and the
    district's officials, masked for everyone else. `q` searches the text, never contacts."""

    serializer_class = api.SuggestionSerializer
    filterset_class = filters.SuggestionFilter
    search_fields = ["text", "answer", "compound__name"]
    ordering_fields = ["received_at", "answered_at", "closed_at", "status", "id"]
    lookup_value_regex = r"[0-9]+"
    versioned = True

    def get_queryset(self) -> QuerySet:
        return selectors.suggestion_list(user=self.request.user)

    def _respond(self, pk: int) -> Response:
        suggestion = self.get_queryset().get(pk=pk)
        response = Response(self.get_serializer(suggestion).data)
        response["ETag"] = etag(suggestion.version)
        return response

    def _handle(self, request: Request):
        suggestion = self.get_object()
        street = suggestion.compound.street
        require(
            can_file_street_records(request.user, street.pk)
            or can_approve_in_district(request.user, street.district_id),
            _("Only the street office in charge or the district may do this."),
        )
        return suggestion

    @extend_schema(
        tags=[TAG],
        summary="Record a suggestion or complaint received",
        description=(
            "The street office of the compound's street only (residents use the public "
            "disclosure page). 5 to 2000 characters."
        ),
        request=api.SuggestionInput,
        responses={201: api.SuggestionSerializer, **NOT_FOUND},
        parameters=[ETAG_HEADER],
        examples=[
            OpenApiExample(
                "Complaint at a meeting",
                value={
                    "compound": 7,
                    "project": None,
                    "kind": "complaint",
                    "channel": "meeting",
                    "text": "施工噪音影响午休，希望调整作业时间",
                    "contact": "",
                    "received_at": None,
                },
                request_only=True,
            )
        ],
    )
    def create(self, request: Request) -> Response:
        data = validated(api.SuggestionInput, request)
        compound = _compound(request, data.pop("compound"))
        _may_file(request, compound)
        data["project"] = _project_choice(request, data["project"])
        suggestion = services.suggestion_record(compound=compound, by=request.user, **data)
        suggestion = self.get_queryset().get(pk=suggestion.pk)
        return _created(
            self.get_serializer(suggestion).data, "suggestion", suggestion.pk, suggestion.version
        )

    @extend_schema(
        tags=[TAG],
        summary="Assign a suggestion to whoever handles it",
        description="The street office in charge or the district's officials.",
        request=api.SuggestionAssignInput,
        responses={200: api.SuggestionSerializer},
        parameters=[IF_MATCH, ETAG_HEADER],
    )
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: str | None = None) -> Response:
        suggestion = self._handle(request)
        data = validated(api.SuggestionAssignInput, request)
        services.suggestion_assign(
            suggestion=suggestion,
            by=request.user,
            version=requested_version(request, data["version"]),
            assigned_to=data["assigned_to"],
        )
        return self._respond(suggestion.pk)

    @extend_schema(
        tags=[TAG],
        summary="Record the answer given to the resident",
        description="The street office in charge or the district's officials.",
        request=api.SuggestionAnswerInput,
        responses={200: api.SuggestionSerializer},
        parameters=[IF_MATCH, ETAG_HEADER],
        examples=[
            OpenApiExample(
                "Answer",
                value={"answer": "已协调施工单位12:00-14:00停止高噪音作业", "version": 2},
                request_only=True,
            )
        ],
    )
    @action(detail=True, methods=["post"])
    def answer(self, request: Request, pk: str | None = None) -> Response:
        suggestion = self._handle(request)
        data = validated(api.SuggestionAnswerInput, request)
        services.suggestion_answer(
            suggestion=suggestion,
            by=request.user,
            version=requested_version(request, data["version"]),
            answer=data["answer"],
        )
        return self._respond(suggestion.pk)

    @extend_schema(
        tags=[TAG],
        summary="Close an answered suggestion",
        description="The street office in charge or the district's officials.",
        request=api.SuggestionCloseInput,
        responses={200: api.SuggestionSerializer},
        parameters=[IF_MATCH, ETAG_HEADER],
    )
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        suggestion = self._handle(request)
        data = validated(api.SuggestionCloseInput, request)
        services.suggestion_close(
            suggestion=suggestion,
            by=request.user,
            version=requested_version(request, data["version"]),
        )
        return self._respond(suggestion.pk)

"""Endpoints of resident committees and their members."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from governance import filters, selectors, services
from governance.masking import can_see_personal_data
from governance.models import CommitteeMember, ResidentCommittee
from renovation.access import can_file_street_records, require
from renovation.api.views import (
    ETAG_HEADER,
    IF_MATCH,
    ScopedReadOnlyViewSet,
    etag,
    list_and_detail_schema,
    requested_version,
    validated,
)

from .. import serializers as api
from ._common import NOT_FOUND, TAG, _compound, _created, _may_file


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

"""Long-term management arrangements (长效管理): read in your scope, recorded by the street
office in charge through the same service as the compound's governance page. One home for
them, reached from the project page."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from governance import services
from governance.models import LongTermManagement, OwnerVote
from programmes.api.setup_views import choice, in_scope
from programmes.models import Compound, Project
from renovation.api.schema import ERRORS
from renovation.api.views import ScopedReadOnlyViewSet, list_and_detail_schema, validated
from renovation.http import AuthedRequest


class LongTermManagementSerializer(serializers.ModelSerializer):
    class Meta:
        model = LongTermManagement
        fields = [
            "id",
            "compound",
            "project",
            "mode",
            "provider",
            "fee_per_m2",
            "starts_on",
            "decided_by",
            "notes",
        ]


class LongTermManagementInput(serializers.Serializer):
    compound = serializers.IntegerField()
    project = serializers.IntegerField(required=False, allow_null=True, default=None)
    mode = serializers.ChoiceField(choices=LongTermManagement.Mode.choices)
    provider = serializers.CharField(required=False, allow_blank=True, max_length=160, default="")
    fee_per_m2 = serializers.DecimalField(max_digits=6, decimal_places=2, min_value=0)
    starts_on = serializers.DateField()
    decided_by = serializers.IntegerField(required=False, allow_null=True, default=None)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=4000, default="")


@list_and_detail_schema("governance", "long-term management arrangements", "arrangement")
class LongTermManagementViewSet(ScopedReadOnlyViewSet):
    serializer_class = LongTermManagementSerializer
    filterset_fields = ["compound", "project", "mode"]
    search_fields = ["provider", "notes"]
    ordering_fields = ["starts_on", "id"]
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self) -> QuerySet:
        return LongTermManagement.objects.visible_to(self.request.user)

    @extend_schema(
        tags=["governance"],
        summary="Record a compound's long-term management arrangement",
        description=(
            "The street office in charge, as on the compound's governance page; a compound "
            "outside your scope is a 404."
        ),
        request=LongTermManagementInput,
        responses={201: LongTermManagementSerializer, 404: ERRORS["404"]},
        examples=[
            OpenApiExample(
                "Property company",
                value={
                    "compound": 1,
                    "project": None,
                    "mode": "property_company",
                    "provider": "某物业服务有限公司",
                    "fee_per_m2": "0.80",
                    "starts_on": "2025-12-01",
                    "decided_by": None,
                    "notes": "",
                },
                request_only=True,
            )
        ],
    )
    def create(self, request: AuthedRequest) -> Response:
        data = validated(LongTermManagementInput, request)
        user = request.user
        compound = in_scope(
            Compound.objects.visible_to(user).select_related("street"), data["compound"]
        )
        project = choice(
            Project.objects.filter(compound=compound),
            data["project"],
            "project",
            _("The project belongs to another compound."),
        )
        vote = choice(
            OwnerVote.objects.filter(compound=compound),
            data["decided_by"],
            "decided_by",
            _("The vote belongs to another compound."),
        )
        arrangement = services.long_term_management_record(
            compound=compound,
            by=user,
            mode=data["mode"],
            fee_per_m2=data["fee_per_m2"],
            starts_on=data["starts_on"],
            provider=data["provider"],
            project=project,
            decided_by=vote,
            notes=data["notes"],
        )
        return Response(
            self.get_serializer(arrangement).data,
            status=status.HTTP_201_CREATED,
            headers={"Location": reverse("api:long-term-management-detail", args=[arrangement.pk])},
        )

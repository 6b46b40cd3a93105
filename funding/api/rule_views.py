"""Resident contribution rules of the programmes you may read; district officials add or
change them (by name) through the same service as the programme set-up page."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from funding.models import ContributionRule
from funding.rule_services import RESIDENT_SUB_TYPES, contribution_rule_set
from programmes.api.setup_views import in_scope
from programmes.models import Programme
from renovation.api.schema import ERRORS
from renovation.api.views import ScopedReadOnlyViewSet, list_and_detail_schema, validated


class ContributionRuleSerializer(serializers.ModelSerializer):
    class Meta:
        model = ContributionRule
        fields = ["id", "programme", "name", "sub_type", "basis", "rate", "year"]


class ContributionRuleInput(serializers.Serializer):
    programme = serializers.IntegerField()
    name = serializers.CharField(max_length=128)
    sub_type = serializers.ChoiceField(choices=RESIDENT_SUB_TYPES)
    basis = serializers.ChoiceField(choices=ContributionRule.Basis.choices)
    rate = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0)
    year = serializers.IntegerField(required=False, allow_null=True, default=None)


@list_and_detail_schema("funding", "resident contribution rules", "resident contribution rule")
class ContributionRuleViewSet(ScopedReadOnlyViewSet):
    serializer_class = ContributionRuleSerializer
    filterset_fields = ["programme", "sub_type", "basis", "year"]
    search_fields = ["name"]
    ordering_fields = ["name", "id"]
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self) -> QuerySet:
        return ContributionRule.objects.filter(
            programme__in=Programme.objects.visible_to(self.request.user)
        )

    @extend_schema(
        tags=["funding"],
        summary="Add (or change, by name) a programme's resident contribution rule",
        description=(
            "District officials of the programme's district; another district's programme is "
            "a 404. A rule of the same name is changed (200); a new one is created (201)."
        ),
        request=ContributionRuleInput,
        responses={
            201: ContributionRuleSerializer,
            200: ContributionRuleSerializer,
            404: ERRORS["404"],
        },
        examples=[
            OpenApiExample(
                "Maintenance fund",
                value={
                    "programme": 1,
                    "name": "维修资金",
                    "sub_type": "maintenance_fund",
                    "basis": "per_m2",
                    "rate": "5.00",
                    "year": None,
                },
                request_only=True,
            )
        ],
    )
    def create(self, request: Request) -> Response:
        data = validated(ContributionRuleInput, request)
        programme = in_scope(Programme.objects.visible_to(request.user), data.pop("programme"))
        existed = ContributionRule.objects.filter(programme=programme, name=data["name"].strip())
        created = not existed.exists()
        rule = contribution_rule_set(programme=programme, by=request.user, **data)
        return Response(
            self.get_serializer(rule).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
            headers={"Location": reverse("api:contribution-rule-detail", args=[rule.pk])},
        )

"""Endpoints of opinion surveys (意愿征集) and satisfaction evaluations (效果共评)."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from governance import filters, services
from governance.models import OpinionSurvey, SatisfactionSurvey
from renovation.api.views import ScopedReadOnlyViewSet, list_and_detail_schema, validated

from .. import serializers as api
from ._common import NOT_FOUND, TAG, _building_choice, _created, _may_file, _project


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

"""Serializers of opinion surveys (意愿征集) and satisfaction evaluations (效果共评)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from governance.models import OpinionSurvey, SatisfactionSurvey, ScopeKind
from renovation.api.fields import PlainDecimalField

from ._common import MAX_ID, _count, _id, _ProjectFields


class OpinionSurveySerializer(_ProjectFields, serializers.ModelSerializer):
    support_rate = PlainDecimalField(
        max_digits=5,
        decimal_places=1,
        read_only=True,
        help_text=_("Percent of returned forms in favour."),
    )
    support_threshold = PlainDecimalField(
        source="project.programme.support_threshold",
        max_digits=5,
        decimal_places=2,
        read_only=True,
        help_text=_("The programme's threshold for leaving consultation."),
    )

    class Meta:
        model = OpinionSurvey
        fields = [
            "id",
            "project",
            "compound",
            "compound_name",
            "street",
            "district",
            "held_on",
            "scope_kind",
            "building",
            "unit",
            "scope_label",
            "forms_issued",
            "forms_returned",
            "support",
            "oppose",
            "abstain",
            "suggestions",
            "support_rate",
            "support_threshold",
            "created_at",
        ]


class OpinionSurveyInput(serializers.Serializer):
    project = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    held_on = serializers.DateField()
    scope_kind = serializers.ChoiceField(choices=ScopeKind.choices, default=ScopeKind.COMPOUND)
    building = _id()
    unit = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    scope_label = serializers.CharField(
        max_length=128, required=False, allow_blank=True, default=""
    )
    forms_issued = _count()
    forms_returned = _count()
    support = _count()
    oppose = _count(required=False, default=0)
    abstain = _count(required=False, default=0)
    suggestions = _count(required=False, default=0)


class SatisfactionSurveySerializer(_ProjectFields, serializers.ModelSerializer):
    satisfied_rate = PlainDecimalField(
        max_digits=5, decimal_places=1, read_only=True, allow_null=True
    )

    class Meta:
        model = SatisfactionSurvey
        fields = [
            "id",
            "project",
            "compound",
            "compound_name",
            "street",
            "district",
            "held_on",
            "respondents",
            "satisfied",
            "dissatisfied",
            "satisfied_rate",
            "notes",
            "created_at",
        ]


class SatisfactionSurveyInput(serializers.Serializer):
    project = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    held_on = serializers.DateField()
    respondents = _count()
    satisfied = _count()
    dissatisfied = _count(required=False, default=0)
    notes = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")

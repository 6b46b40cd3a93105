"""API representations of the statistics endpoints (reporting/api/statistics.py)."""

from __future__ import annotations

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from programmes.models import Stage
from renovation.api.fields import PlainDecimalField

# --- Statistics ----------------------------------------------------------------------------


class YearFiguresSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    target_compounds = serializers.IntegerField(allow_null=True)
    target_households = serializers.IntegerField(allow_null=True)
    started = serializers.IntegerField(help_text=_("Projects that entered construction (新开工)."))
    started_households = serializers.IntegerField()
    completed = serializers.IntegerField(help_text=_("Projects accepted (完工)."))
    completed_households = serializers.IntegerField()
    start_rate = PlainDecimalField(max_digits=7, decimal_places=1, allow_null=True)
    start_rate_households = PlainDecimalField(max_digits=7, decimal_places=1, allow_null=True)
    completion_rate = PlainDecimalField(max_digits=7, decimal_places=1, allow_null=True)
    completion_rate_households = PlainDecimalField(max_digits=7, decimal_places=1, allow_null=True)


class StageFiguresSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=Stage.choices)
    label = serializers.CharField()
    projects = serializers.IntegerField()
    households = serializers.IntegerField()
    average_progress = PlainDecimalField(max_digits=5, decimal_places=1, allow_null=True)


class EffectSerializer(serializers.Serializer):
    work_type = serializers.CharField(source="work_type__code")
    name = serializers.SerializerMethodField()
    unit = serializers.CharField(source="work_type__unit")
    category = serializers.CharField(source="work_type__category")
    projects = serializers.IntegerField()
    planned_quantity = PlainDecimalField(max_digits=20, decimal_places=2)
    completed_quantity = PlainDecimalField(max_digits=20, decimal_places=2)
    budget = PlainDecimalField(max_digits=20, decimal_places=2)

    @extend_schema_field(OpenApiTypes.STR)
    def get_name(self, row: dict) -> str:
        english = (get_language() or "").startswith("en")
        return row["work_type__name_en"] if english else row["work_type__name_zh"]


class StatisticsScopeSerializer(serializers.Serializer):
    district = serializers.IntegerField(allow_null=True)
    street = serializers.IntegerField(allow_null=True)
    programme = serializers.IntegerField(allow_null=True)
    year = serializers.IntegerField(allow_null=True)
    category = serializers.CharField(allow_null=True, required=False)


class ProgressStatisticsSerializer(serializers.Serializer):
    scope = StatisticsScopeSerializer()
    results = YearFiguresSerializer(many=True)


class StageStatisticsSerializer(serializers.Serializer):
    scope = StatisticsScopeSerializer()
    results = StageFiguresSerializer(many=True)


class EffectsStatisticsSerializer(serializers.Serializer):
    scope = StatisticsScopeSerializer()
    results = EffectSerializer(many=True)

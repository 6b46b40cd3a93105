"""Inputs of the set-up endpoints (programmes, projects, work items, acceptance records and
district work types). They only translate the request; the rules are the set-up services'."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from programmes.models import AcceptanceRecord, Category, WorkType

from .serializers import MAX_VERSION

MONEY = {"max_digits": 14, "decimal_places": 2}


def version_field() -> serializers.IntegerField:
    return serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=0,
        max_value=MAX_VERSION,
        help_text=_(
            "The version you read (or send If-Match); a stale version gives 409 and changes "
            "nothing."
        ),
    )


def reason_field() -> serializers.CharField:
    return serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=2000,
        help_text=_("Why the change is made; kept in the history."),
    )


class YearTargetInput(serializers.Serializer):
    year = serializers.IntegerField(min_value=1990, max_value=2100)
    compounds = serializers.IntegerField(min_value=0, max_value=1_000_000)
    households = serializers.IntegerField(min_value=0, max_value=100_000_000, default=0)
    buildings = serializers.IntegerField(min_value=0, max_value=10_000_000, default=0)


class LocalTargetInput(serializers.Serializer):
    year = serializers.IntegerField(min_value=1990, max_value=2100)
    street = serializers.IntegerField(required=False, allow_null=True, default=None)
    area = serializers.IntegerField(required=False, allow_null=True, default=None)
    compounds = serializers.IntegerField(min_value=0, max_value=1_000_000)
    households = serializers.IntegerField(min_value=0, max_value=100_000_000, default=0)


class BatchInput(serializers.Serializer):
    name = serializers.CharField(max_length=64)
    year = serializers.IntegerField(min_value=1990, max_value=2100)
    sequence = serializers.IntegerField(min_value=1, max_value=99, default=1)


class ProgrammeInput(serializers.Serializer):
    """Targets, street/area targets and batches are set (or changed) by year, by street or area
    and year, and by name; the ones not named are kept."""

    district = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text=_("Defaults to your own district."),
    )
    name = serializers.CharField(max_length=128)
    start_year = serializers.IntegerField(min_value=1990, max_value=2100)
    end_year = serializers.IntegerField(min_value=1990, max_value=2100)
    description = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    support_threshold = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        required=False,
        help_text=_("Support rate (%) of returned survey forms needed to leave consultation."),
    )
    min_survey_return_rate = serializers.DecimalField(
        max_digits=5,
        decimal_places=4,
        required=False,
        help_text=_("Share of households whose forms must be returned, 0 to 1 (default 0.6667)."),
    )
    report_overdue_days = serializers.IntegerField(required=False, min_value=1, max_value=60)
    targets = YearTargetInput(many=True, required=False)
    local_targets = LocalTargetInput(many=True, required=False)
    batches = BatchInput(many=True, required=False)
    version = version_field()
    reason = reason_field()


class ProjectInput(serializers.Serializer):
    programme = serializers.IntegerField()
    compound = serializers.IntegerField()
    batch = serializers.IntegerField(required=False, allow_null=True)
    year = serializers.IntegerField(min_value=1990, max_value=2100)
    name = serializers.CharField(required=False, allow_blank=True, max_length=160)
    categories = serializers.ListField(
        child=serializers.ChoiceField(Category.choices),
        min_length=1,
        max_length=3,
        help_text=_(
            "One or more of basic, improvement, enhancement; the main category is the first "
            "of them in this order."
        ),
    )
    budget = serializers.DecimalField(required=False, min_value=0, **MONEY)
    contractor = serializers.CharField(required=False, allow_blank=True, max_length=160)
    supervisor = serializers.CharField(required=False, allow_blank=True, max_length=160)
    designer = serializers.CharField(required=False, allow_blank=True, max_length=160)
    planned_start = serializers.DateField(required=False, allow_null=True)
    planned_end = serializers.DateField(required=False, allow_null=True)
    version = version_field()
    reason = reason_field()


class WorkItemInput(serializers.Serializer):
    project = serializers.IntegerField()
    work_type = serializers.CharField(
        max_length=48, help_text=_("The work type's code (national or your district's).")
    )
    description = serializers.CharField(required=False, allow_blank=True, max_length=255)
    planned_quantity = serializers.DecimalField(**MONEY)
    budget = serializers.DecimalField(required=False, min_value=0, **MONEY)
    planned_start = serializers.DateField(required=False, allow_null=True)
    planned_end = serializers.DateField(required=False, allow_null=True)
    confirm_warnings = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_("True to save despite the plausibility warnings of a first attempt."),
    )
    version = version_field()
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=2000,
        help_text=_("Required once construction has started; kept in the history."),
    )


class WorkItemDeleteInput(serializers.Serializer):
    version = version_field()
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class AcceptanceRecordInput(serializers.Serializer):
    project = serializers.IntegerField()
    accepted_on = serializers.DateField()
    residents_present = serializers.IntegerField(min_value=0, max_value=10000)
    participants = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    passed = serializers.BooleanField(required=False, default=True)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    confirm_warnings = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_("True to save despite the plausibility warnings of a first attempt."),
    )
    version = version_field()


class AcceptanceRecordSerializer(serializers.ModelSerializer):
    class Meta:
        model = AcceptanceRecord
        fields = [
            "id",
            "project",
            "accepted_on",
            "residents_present",
            "participants",
            "passed",
            "notes",
            "version",
        ]


class WorkTypeInput(serializers.Serializer):
    district = serializers.IntegerField(
        required=False, allow_null=True, help_text=_("Defaults to your own district.")
    )
    name_zh = serializers.CharField(max_length=64)
    name_en = serializers.CharField(required=False, allow_blank=True, max_length=96)
    unit = serializers.ChoiceField(WorkType.Unit.choices)
    category = serializers.ChoiceField(Category.choices)
    is_active = serializers.BooleanField(required=False)

"""Serializers of the governance indicators (statistics API)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from governance.models import ResidentCommittee
from renovation.api.fields import PlainDecimalField

from ._common import kind_field


class CommitteeKindFiguresSerializer(serializers.Serializer):
    kind = kind_field(ResidentCommittee.Kind.choices)
    label = serializers.CharField()
    committees = serializers.IntegerField()
    members = serializers.IntegerField()


class IndicatorsSerializer(serializers.Serializer):
    committees = serializers.IntegerField()
    committee_members = serializers.IntegerField()
    meetings = serializers.IntegerField()
    meeting_attendance = serializers.IntegerField()
    surveyed_projects = serializers.IntegerField()
    forms_issued = serializers.IntegerField()
    forms_returned = serializers.IntegerField()
    support = serializers.IntegerField()
    support_rate = PlainDecimalField(max_digits=9, decimal_places=1, allow_null=True)
    votes = serializers.IntegerField()
    votes_tallied = serializers.IntegerField()
    votes_passed = serializers.IntegerField()
    votes_without_quorum = serializers.IntegerField()
    fund_households_expected = serializers.IntegerField()
    fund_households_paid = serializers.IntegerField()
    fund_household_rate = PlainDecimalField(max_digits=9, decimal_places=1, allow_null=True)
    fund_amount_expected = PlainDecimalField(max_digits=20, decimal_places=2)
    fund_amount_collected = PlainDecimalField(max_digits=20, decimal_places=2)
    fund_amount_rate = PlainDecimalField(max_digits=9, decimal_places=1, allow_null=True)
    suggestions = serializers.IntegerField()
    suggestions_answered = serializers.IntegerField()
    suggestions_within_day = serializers.IntegerField()
    suggestions_open = serializers.IntegerField()
    answered_rate = PlainDecimalField(max_digits=9, decimal_places=1, allow_null=True)
    within_day_rate = PlainDecimalField(max_digits=9, decimal_places=1, allow_null=True)
    respondents = serializers.IntegerField()
    satisfied = serializers.IntegerField()
    satisfaction_rate = PlainDecimalField(max_digits=9, decimal_places=1, allow_null=True)
    managed_compounds = serializers.IntegerField()


class StreetIndicatorsSerializer(IndicatorsSerializer):
    street = serializers.IntegerField()
    street_name = serializers.CharField()
    district = serializers.IntegerField()


class GovernanceScopeSerializer(serializers.Serializer):
    district = serializers.IntegerField(allow_null=True)
    street = serializers.IntegerField(allow_null=True)
    compound = serializers.IntegerField(allow_null=True)


class GovernanceIndicatorsSerializer(serializers.Serializer):
    scope = GovernanceScopeSerializer()
    total = IndicatorsSerializer()
    committees_by_kind = CommitteeKindFiguresSerializer(many=True)
    results = StreetIndicatorsSerializer(
        many=True, help_text=_("The same figures per street office (one row for a compound).")
    )

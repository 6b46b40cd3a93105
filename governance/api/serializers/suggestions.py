"""Serializers of residents' suggestions and complaints and their handling."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from governance.models import Suggestion
from governance.selectors import suggestion_contact
from programmes.api.serializers import UsernameField
from renovation.api.fields import PlainDecimalField, PlausibleDateTimeField

from ._common import MAX_ID, _CompoundFields, _id, _personal, _version, kind_field


class SuggestionSerializer(_CompoundFields, serializers.ModelSerializer):
    kind = kind_field(Suggestion.Kind.choices, read_only=True)
    contact = serializers.SerializerMethodField(
        help_text=_(
            "The resident's contact as the pages show it: in full to the street office and "
            "the district's officials, masked for everyone else."
        )
    )
    answered_by = UsernameField()
    hours_to_answer = PlainDecimalField(
        max_digits=12, decimal_places=1, read_only=True, allow_null=True
    )

    class Meta:
        model = Suggestion
        fields = [
            "id",
            "compound",
            "compound_name",
            "street",
            "district",
            "project",
            "disclosure",
            "kind",
            "channel",
            "text",
            "contact",
            "received_at",
            "status",
            "assigned_to",
            "assigned_at",
            "answer",
            "answered_at",
            "answered_by",
            "hours_to_answer",
            "closed_at",
            "version",
        ]

    @extend_schema_field(OpenApiTypes.STR)
    def get_contact(self, suggestion: Suggestion) -> str:
        compound = suggestion.compound
        personal = _personal(self.context, compound.street_id, compound.street.district_id)
        return suggestion_contact(suggestion, personal=personal)


SUGGESTION_CHANNELS = [
    (value, label)
    for value, label in Suggestion.Channel.choices
    if value != Suggestion.Channel.PUBLIC  # only the public page records those
]


class SuggestionInput(serializers.Serializer):
    compound = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    project = _id()
    kind = kind_field(Suggestion.Kind.choices)
    channel = serializers.ChoiceField(choices=SUGGESTION_CHANNELS)
    text = serializers.CharField(max_length=4000)
    contact = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    received_at = PlausibleDateTimeField(required=False, allow_null=True, default=None)


class SuggestionAssignInput(serializers.Serializer):
    assigned_to = serializers.CharField(max_length=128)
    version = _version()


class SuggestionAnswerInput(serializers.Serializer):
    answer = serializers.CharField(max_length=4000)
    version = _version()


class SuggestionCloseInput(serializers.Serializer):
    version = _version()

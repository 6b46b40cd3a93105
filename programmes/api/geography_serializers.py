"""Inputs (and the community output) of the geography set-up endpoints. Inputs only type the
request; the rules are in programmes.geography_services. Related records are named by id and
looked up in the caller's scope by the views (an id outside it is a 404)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from programmes.models import Community, Compound

from .serializers import MAX_VERSION

# Ids as every database stores them: anything else is a 400, never a lookup error.
ID = {"min_value": 1, "max_value": 2**63 - 1}


class CommunitySerializer(serializers.ModelSerializer):
    street_name = serializers.CharField(source="street.name", read_only=True)
    district = serializers.IntegerField(source="street.district_id", read_only=True)

    class Meta:
        model = Community
        fields = ["id", "name", "street", "street_name", "district"]


class ConfirmWarningsInput(serializers.Serializer):
    confirm_warnings = serializers.BooleanField(
        default=False,
        help_text=_(
            "true: save even though the figures raised plausibility warnings (a 400 with code "
            "`warnings` lists them)."
        ),
    )


class VersionInput(serializers.Serializer):
    version = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=MAX_VERSION,
        help_text=_("The version you read (or send If-Match); a stale one is a 409."),
    )


class StreetCreateInput(serializers.Serializer):
    name = serializers.CharField(max_length=64)
    district = serializers.IntegerField(
        required=False,
        allow_null=True,
        **ID,
        help_text=_("Your own district when left out (platform administrators must name one)."),
    )


class StreetUpdateInput(serializers.Serializer):
    name = serializers.CharField(max_length=64)


class CommunityCreateInput(serializers.Serializer):
    street = serializers.IntegerField(**ID)
    name = serializers.CharField(max_length=64)


class CommunityUpdateInput(serializers.Serializer):
    street = serializers.IntegerField(required=False, **ID)
    name = serializers.CharField(max_length=64, required=False)


class AreaInput(serializers.Serializer):
    name = serializers.CharField(max_length=64)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    district = serializers.IntegerField(
        required=False,
        allow_null=True,
        **ID,
        help_text=_("Your own district when left out (platform administrators must name one)."),
    )
    compounds = serializers.ListField(
        child=serializers.IntegerField(**ID),
        required=False,
        max_length=10000,
        help_text=_("The compounds of the area (片区); on PATCH, replaces the list when given."),
    )


class CompoundInput(VersionInput, ConfirmWarningsInput):
    """All fields optional on PATCH; `name` and `street` required on POST."""

    code = serializers.CharField(max_length=32, required=False, allow_blank=True, allow_null=True)
    name = serializers.CharField(max_length=128)
    address = serializers.CharField(max_length=255, required=False, allow_blank=True)
    street = serializers.IntegerField(**ID)
    community = serializers.IntegerField(required=False, allow_null=True, **ID)
    area = serializers.IntegerField(required=False, allow_null=True, **ID)
    year_built = serializers.IntegerField(
        required=False, allow_null=True, min_value=1900, max_value=2100
    )
    building_count = serializers.IntegerField(required=False, min_value=0, max_value=100000)
    households = serializers.IntegerField(required=False, min_value=0, max_value=10_000_000)
    residents = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=0,
        max_value=100_000_000,
        help_text=_("null when not known (never 0 for unknown)."),
    )
    floor_area = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, min_value=Decimal("0")
    )
    latitude = serializers.DecimalField(
        max_digits=9,
        decimal_places=6,
        required=False,
        allow_null=True,
        min_value=Decimal("-90"),
        max_value=Decimal("90"),
    )
    longitude = serializers.DecimalField(
        max_digits=9,
        decimal_places=6,
        required=False,
        allow_null=True,
        min_value=Decimal("-180"),
        max_value=Decimal("180"),
    )
    survey_status = serializers.ChoiceField(choices=Compound.SurveyStatus.choices, required=False)
    flag_incomplete_functions = serializers.BooleanField(required=False)
    flag_ageing_facilities = serializers.BooleanField(required=False)
    flag_poor_quality = serializers.BooleanField(required=False)
    flag_poor_management = serializers.BooleanField(required=False)
    flag_safety_hazard = serializers.BooleanField(required=False)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=4000)


class BuildingInput(VersionInput, ConfirmWarningsInput):
    compound = serializers.IntegerField(
        **ID, help_text=_("On POST only: the compound it belongs to.")
    )
    name = serializers.CharField(max_length=64)
    floors = serializers.IntegerField(required=False, min_value=0, max_value=200)
    units = serializers.IntegerField(required=False, min_value=1, max_value=1000)
    households = serializers.IntegerField(required=False, min_value=0, max_value=100000)
    has_elevator = serializers.BooleanField(required=False)
    year_built = serializers.IntegerField(
        required=False, allow_null=True, min_value=1900, max_value=2100
    )


class MergeInput(VersionInput):
    duplicate = serializers.IntegerField(
        **ID, help_text=_("The duplicate compound, deleted after.")
    )
    duplicate_version = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=MAX_VERSION
    )
    reason = serializers.CharField(max_length=2000)


class CompoundMergeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kept = serializers.IntegerField(source="kept_id")
    duplicate_id = serializers.IntegerField()
    duplicate_name = serializers.CharField()
    duplicate_code = serializers.CharField()
    moved = serializers.DictField()
    reason = serializers.CharField()
    by = serializers.CharField(source="by.username")
    at = serializers.DateTimeField()

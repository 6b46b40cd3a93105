"""Serializers of geography and the registry: districts, streets, areas, compounds, buildings."""

from __future__ import annotations

from rest_framework import serializers

from programmes.models import Area, Building, Compound, District, Project, Street


class DistrictSerializer(serializers.ModelSerializer):
    city_name = serializers.CharField(source="city.name", read_only=True)

    class Meta:
        model = District
        fields = ["id", "code", "name", "city", "city_name"]


class StreetSerializer(serializers.ModelSerializer):
    district_name = serializers.CharField(source="district.name", read_only=True)

    class Meta:
        model = Street
        fields = ["id", "name", "district", "district_name"]


class AreaSerializer(serializers.ModelSerializer):
    class Meta:
        model = Area
        fields = ["id", "name", "district", "description"]


class CurrentProjectSerializer(serializers.ModelSerializer):
    programme_name = serializers.CharField(source="programme.name", read_only=True)

    class Meta:
        model = Project
        fields = ["id", "programme", "programme_name", "year", "category", "stage", "progress"]


class CompoundSerializer(serializers.ModelSerializer):
    street_name = serializers.CharField(source="street.name", read_only=True)
    district = serializers.IntegerField(source="street.district_id", read_only=True)
    community_name = serializers.CharField(
        source="community.name", read_only=True, allow_null=True, default=None
    )
    area_name = serializers.CharField(
        source="area.name", read_only=True, allow_null=True, default=None
    )
    current_project = CurrentProjectSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Compound
        fields = [
            "id",
            "code",
            "name",
            "address",
            "district",
            "street",
            "street_name",
            "community",
            "community_name",
            "area",
            "area_name",
            "year_built",
            "building_count",
            "households",
            "residents",
            "floor_area",
            "latitude",
            "longitude",
            "survey_status",
            *Compound.PROBLEM_FLAGS,
            "current_project",
            "version",
        ]


class BuildingSerializer(serializers.ModelSerializer):
    compound_name = serializers.CharField(source="compound.name", read_only=True)

    class Meta:
        model = Building
        fields = [
            "id",
            "compound",
            "compound_name",
            "name",
            "floors",
            "units",
            "households",
            "has_elevator",
            "year_built",
            "version",
        ]

"""Serializers of site problems."""

from __future__ import annotations

from rest_framework import serializers

from programmes.models import SiteProblem

from ._common import MAX_VERSION, UsernameField


class SiteProblemSerializer(serializers.ModelSerializer):
    compound = serializers.IntegerField(source="project.compound_id", read_only=True)
    compound_name = serializers.CharField(source="project.compound.name", read_only=True)
    created_by = UsernameField()
    closed_by = UsernameField()
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = SiteProblem
        fields = [
            "id",
            "project",
            "compound",
            "compound_name",
            "title",
            "description",
            "severity",
            "status",
            "resolution",
            "created_by",
            "created_at",
            "closed_by",
            "closed_at",
            "is_overdue",
            "version",
        ]


class SiteProblemInput(serializers.Serializer):
    title = serializers.CharField(max_length=160, allow_blank=True)
    description = serializers.CharField(
        max_length=4000, required=False, allow_blank=True, default=""
    )
    severity = serializers.ChoiceField(
        choices=SiteProblem.Severity.choices, default=SiteProblem.Severity.MEDIUM
    )


class SiteProblemCloseInput(serializers.Serializer):
    resolution = serializers.CharField(max_length=4000, allow_blank=True)
    version = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=MAX_VERSION
    )

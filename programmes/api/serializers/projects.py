"""Serializers of programmes with their targets and batches, projects and stage transitions."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from programmes.models import (
    Batch,
    Category,
    LocalTarget,
    Programme,
    Project,
    Stage,
    StageTransition,
    YearTarget,
)
from programmes.services import project_allowed_targets

from ._common import MAX_VERSION, UsernameField


class YearTargetSerializer(serializers.ModelSerializer):
    class Meta:
        model = YearTarget
        fields = ["year", "compounds", "households", "buildings"]


class LocalTargetSerializer(serializers.ModelSerializer):
    class Meta:
        model = LocalTarget
        fields = ["year", "street", "area", "compounds", "households"]


class BatchSerializer(serializers.ModelSerializer):
    class Meta:
        model = Batch
        fields = ["id", "name", "year", "sequence"]


class ProgrammeSerializer(serializers.ModelSerializer):
    district_name = serializers.CharField(source="district.name", read_only=True)
    targets = YearTargetSerializer(many=True, read_only=True)
    local_targets = LocalTargetSerializer(many=True, read_only=True)
    batches = BatchSerializer(many=True, read_only=True)

    class Meta:
        model = Programme
        fields = [
            "id",
            "name",
            "district",
            "district_name",
            "start_year",
            "end_year",
            "description",
            "support_threshold",
            "min_survey_return_rate",
            "report_overdue_days",
            "targets",
            "local_targets",
            "batches",
            "version",
        ]


class ProjectSerializer(serializers.ModelSerializer):
    programme_name = serializers.CharField(source="programme.name", read_only=True)
    compound_name = serializers.CharField(source="compound.name", read_only=True)
    street = serializers.IntegerField(source="compound.street_id", read_only=True)
    district = serializers.IntegerField(source="compound.street.district_id", read_only=True)
    allowed_stages = serializers.SerializerMethodField(
        help_text=_("Stages the project may move to (one forward, one back); gates still apply.")
    )
    categories = serializers.ListField(
        source="category_list",
        child=serializers.ChoiceField(Category.choices),
        read_only=True,
        help_text=_("Every category of the project's works; `category` is the main one."),
    )

    class Meta:
        model = Project
        fields = [
            "id",
            "name",
            "programme",
            "programme_name",
            "compound",
            "compound_name",
            "street",
            "district",
            "batch",
            "year",
            "category",
            "categories",
            "budget",
            "contractor",
            "supervisor",
            "designer",
            "planned_start",
            "planned_end",
            "started_on",
            "completed_on",
            "stage",
            "stage_changed_at",
            "progress",
            "last_report_on",
            "allowed_stages",
            "version",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(Stage.choices)))
    def get_allowed_stages(self, project: Project) -> list[str]:
        return project_allowed_targets(project)


class StageTransitionSerializer(serializers.ModelSerializer):
    by = UsernameField()
    project_version = serializers.IntegerField(source="project.version", read_only=True)

    class Meta:
        model = StageTransition
        fields = [
            "id",
            "project",
            "from_stage",
            "to_stage",
            "reason",
            "gate_evidence",
            "by",
            "at",
            "effective_on",
            "gate_waived",
            "waiver_reason",
            "project_version",
        ]


class StageTransitionInput(serializers.Serializer):
    to_stage = serializers.ChoiceField(choices=Stage.choices)
    reason = serializers.CharField(max_length=2000, allow_blank=True)
    effective_date = serializers.DateField(
        required=False,
        allow_null=True,
        help_text=_(
            "The day the change took effect (default today; for 'accepted', the acceptance "
            "date). Not in the future, not before 2000-01-01 nor before the previous change's "
            "effective date."
        ),
    )
    version = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=0,
        max_value=MAX_VERSION,
        help_text=_(
            "The project version you read (or send If-Match); a stale version gives 409 and "
            "changes nothing."
        ),
    )

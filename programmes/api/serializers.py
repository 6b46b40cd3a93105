"""API representations (output) and inputs of the programmes app. Inputs only translate the
request; the rules are the services'."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from programmes.models import (
    Area,
    Batch,
    Building,
    Category,
    Compound,
    District,
    LocalTarget,
    Programme,
    ProgressPhoto,
    ProgressReport,
    ProgressReportLine,
    Project,
    SiteProblem,
    Stage,
    StageTransition,
    Street,
    WorkItem,
    WorkType,
    YearTarget,
)
from programmes.services import project_allowed_targets
from renovation.api.fields import PlainDecimalField

# Versions are PositiveIntegerField: keep inputs inside what every database stores.
MAX_VERSION = 2**31 - 1


class UsernameField(serializers.CharField):
    """A user reference as the username (read only)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_representation(self, value) -> str:
        return value.username


# --- Geography and registry ----------------------------------------------------------------


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


# --- Programmes and projects ---------------------------------------------------------------


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


# --- Work and progress ---------------------------------------------------------------------


class WorkTypeSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = WorkType
        fields = [
            "id",
            "code",
            "name",
            "name_zh",
            "name_en",
            "unit",
            "category",
            "sort_order",
            "district",
            "is_active",
        ]


class WorkItemSerializer(serializers.ModelSerializer):
    work_type = serializers.SlugRelatedField(slug_field="code", read_only=True)
    work_type_name = serializers.CharField(source="work_type.name", read_only=True)
    unit = serializers.CharField(source="work_type.unit", read_only=True)
    category = serializers.CharField(source="work_type.category", read_only=True)
    completion_percent = PlainDecimalField(max_digits=5, decimal_places=1, read_only=True)

    class Meta:
        model = WorkItem
        fields = [
            "id",
            "project",
            "work_type",
            "work_type_name",
            "unit",
            "category",
            "description",
            "planned_quantity",
            "budget",
            "planned_start",
            "planned_end",
            "completed_quantity",
            "completion_percent",
            "version",
        ]


class ProgressReportLineSerializer(serializers.ModelSerializer):
    work_type = serializers.CharField(source="work_item.work_type.code", read_only=True)

    class Meta:
        model = ProgressReportLine
        fields = ["work_item", "work_type", "quantity_to_date", "reason"]


class ProgressPhotoSerializer(serializers.ModelSerializer):
    file = serializers.SerializerMethodField(
        help_text=_("Download the photo with your key (GET; only for users in scope).")
    )
    created_by = UsernameField()

    class Meta:
        model = ProgressPhoto
        fields = ["id", "report", "caption", "file", "created_by", "created_at"]

    @extend_schema_field(serializers.URLField())
    def get_file(self, photo: ProgressPhoto) -> str:
        url = reverse("api:progress-photo-file", args=[photo.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class ProgressReportSerializer(serializers.ModelSerializer):
    lines = ProgressReportLineSerializer(many=True, read_only=True)
    photos = serializers.SerializerMethodField(
        help_text=_("Links to the photos on the pages (browser session); see `photo_files`.")
    )
    photo_files = ProgressPhotoSerializer(
        source="photos",
        many=True,
        read_only=True,
        help_text=_("The photos with who added them and when, and API download links."),
    )
    created_by = UsernameField()
    returned_by = UsernameField()

    class Meta:
        model = ProgressReport
        fields = [
            "id",
            "project",
            "report_date",
            "note",
            "status",
            "return_comment",
            "returned_by",
            "returned_at",
            "created_by",
            "created_at",
            "updated_at",
            "lines",
            "photos",
            "photo_files",
            "version",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.URLField()))
    def get_photos(self, report: ProgressReport) -> list[str]:
        request = self.context.get("request")
        urls = [reverse("programmes:photo", args=[photo.pk]) for photo in report.photos.all()]
        return [request.build_absolute_uri(url) for url in urls] if request else urls


class ProgressPhotoInput(serializers.Serializer):
    photo = serializers.ListField(
        child=serializers.FileField(),
        min_length=1,
        help_text=_(
            "One or more photos (JPEG, PNG, GIF, WebP…): repeat the `photo` part for several. "
            "Each must be a real image within the size limit; one bad photo and none is saved."
        ),
    )
    caption = serializers.CharField(
        max_length=255,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("A caption for the photos of this upload."),
    )
    version = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=0,
        max_value=MAX_VERSION,
        help_text=_(
            "The report version you read (or send If-Match); a stale version gives 409 and "
            "saves nothing. Adding photos raises the report's version."
        ),
    )


class ProgressReportLineInput(serializers.Serializer):
    work_item = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    quantity_to_date = PlainDecimalField(max_digits=14, decimal_places=2)
    reason = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")


class ProgressReportInput(serializers.Serializer):
    report_date = serializers.DateField()
    note = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    lines = ProgressReportLineInput(many=True, allow_empty=False, max_length=500)
    version = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=0,
        max_value=MAX_VERSION,
        help_text=_(
            "Null to file a new report for the date; the version of the existing report to "
            "correct it. A stale version gives 409 and changes nothing."
        ),
    )

    def validate_lines(self, lines: list[dict]) -> list[dict]:
        ids = [line["work_item"] for line in lines]
        if len(ids) != len(set(ids)):
            raise serializers.ValidationError(_("Each work item may appear only once."))
        return lines


class ReportReturnInput(serializers.Serializer):
    comment = serializers.CharField(max_length=2000, allow_blank=True)
    version = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=MAX_VERSION
    )


# --- Site problems -------------------------------------------------------------------------


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

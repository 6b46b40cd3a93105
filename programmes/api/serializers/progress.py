"""Serializers of work types, work items, progress reports with their lines and photos."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from programmes.models import ProgressPhoto, ProgressReport, ProgressReportLine, WorkItem, WorkType
from renovation.api.fields import PlainDecimalField

from ._common import MAX_VERSION, UsernameField


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

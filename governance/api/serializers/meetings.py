"""Serializers of consultation meetings and their minutes."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from governance.models import Meeting

from ._common import MAX_ID, _CompoundFields, _count, _id, kind_field


class MeetingSerializer(_CompoundFields, serializers.ModelSerializer):
    kind = kind_field(Meeting.Kind.choices, read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    minutes_url = serializers.SerializerMethodField(
        help_text=_("The minutes (for users in scope), or null.")
    )
    minutes_file = serializers.SerializerMethodField(
        help_text=_("Download the minutes with your key (GET), or null when there are none.")
    )

    class Meta:
        model = Meeting
        fields = [
            "id",
            "compound",
            "compound_name",
            "street",
            "district",
            "project",
            "kind",
            "kind_label",
            "held_on",
            "attendance",
            "topics",
            "resolutions",
            "minutes_url",
            "minutes_file",
            "created_at",
        ]

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_minutes_url(self, meeting: Meeting) -> str | None:
        if not meeting.minutes:
            return None
        url = reverse("governance:meeting-minutes", args=[meeting.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_minutes_file(self, meeting: Meeting) -> str | None:
        if not meeting.minutes:
            return None
        url = reverse("api:meeting-minutes", args=[meeting.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class MinutesInput(serializers.Serializer):
    minutes = serializers.FileField(
        help_text=_(
            "The minutes: a PDF, Word document (.doc, .docx) or photo (.jpg, .jpeg, .png) of at "
            "most 10 MB. Replaces earlier minutes."
        )
    )


class MeetingInput(serializers.Serializer):
    compound = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    project = _id()
    kind = kind_field(Meeting.Kind.choices)
    held_on = serializers.DateField()
    attendance = _count()
    topics = serializers.CharField(max_length=4000)
    resolutions = serializers.CharField(
        max_length=4000, required=False, allow_blank=True, default=""
    )

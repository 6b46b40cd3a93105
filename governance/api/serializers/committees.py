"""Serializers of resident committees and their members."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from governance.masking import mask_name, mask_phone
from governance.models import CommitteeMember, ResidentCommittee

from ._common import MAX_ID, _count, _personal, _version, kind_field


class MemberSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField(help_text=_("Masked (surname only) unless you may see it."))
    role = serializers.ChoiceField(choices=CommitteeMember.Role.choices)
    role_label = serializers.CharField()
    building = serializers.CharField()
    unit = serializers.CharField()
    is_party_member = serializers.BooleanField()
    phone = serializers.CharField(help_text=_("Masked unless you may see it."))
    masked = serializers.BooleanField()


def member_data(member: CommitteeMember, *, personal: bool) -> dict:
    return {
        "pk": member.pk,
        "name": member.name if personal else mask_name(member.name),
        "role": member.role,
        "role_label": member.get_role_display(),
        "building": member.building,
        "unit": member.unit,
        "is_party_member": member.is_party_member,
        "phone": member.phone if personal else mask_phone(member.phone),
        "masked": not personal,
    }


class CommitteeSerializer(serializers.ModelSerializer):
    kind = kind_field(ResidentCommittee.Kind.choices, read_only=True)
    district = serializers.IntegerField(source="street.district_id", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    listed = serializers.SerializerMethodField(help_text=_("Members listed by name."))
    members = serializers.SerializerMethodField()

    class Meta:
        model = ResidentCommittee
        fields = [
            "id",
            "street",
            "district",
            "compound",
            "area",
            "kind",
            "kind_label",
            "name",
            "formed_on",
            "term_ends_on",
            "headcount",
            "listed",
            "notes",
            "members",
            "version",
        ]

    @extend_schema_field(OpenApiTypes.INT)
    def get_listed(self, committee: ResidentCommittee) -> int:
        return len(committee.members.all())

    @extend_schema_field(MemberSerializer(many=True))
    def get_members(self, committee: ResidentCommittee) -> list[dict]:
        personal = _personal(self.context, committee.street_id, committee.street.district_id)
        return MemberSerializer(
            [member_data(m, personal=personal) for m in committee.members.all()], many=True
        ).data


class CommitteeInput(serializers.Serializer):
    kind = kind_field(ResidentCommittee.Kind.choices)
    name = serializers.CharField(max_length=128)
    formed_on = serializers.DateField()
    term_ends_on = serializers.DateField(required=False, allow_null=True, default=None)
    headcount = _count(required=False, default=0)
    notes = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


class CommitteeCreateInput(CommitteeInput):
    compound = serializers.IntegerField(min_value=1, max_value=MAX_ID)


class CommitteeUpdateInput(CommitteeInput):
    version = _version()


class MemberInput(serializers.Serializer):
    name = serializers.CharField(max_length=64)
    role = serializers.ChoiceField(choices=CommitteeMember.Role.choices)
    building = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    unit = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    is_party_member = serializers.BooleanField(required=False, default=False)
    phone = serializers.CharField(max_length=24, required=False, allow_blank=True, default="")

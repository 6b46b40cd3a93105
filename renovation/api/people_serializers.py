"""Serializers of `/api/v1/users/` and `/api/v1/api-keys/`. Ids in a body are looked up among
what the caller manages only: another district's street or account is "does not exist" (400),
exactly like an id that does not exist."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from renovation import access, people_selectors
from renovation.api_keys import ApiKey
from renovation.models import User


@extend_schema_field(OpenApiTypes.INT)
class ScopedField(serializers.PrimaryKeyRelatedField):
    """A primary key among what the request's user manages (the queryset is built per request)."""

    def __init__(self, selector, **kwargs):
        self.selector = selector
        super().__init__(**kwargs)

    def get_queryset(self):
        return self.selector(manager=self.context["request"].user)


def _managed_users(*, manager: User):
    return User.objects.filter(access.managed_users_q(manager), is_active=True)


class UserSerializer(serializers.ModelSerializer):
    role_label = serializers.CharField(source="get_role_display", read_only=True)
    active_keys = serializers.IntegerField(read_only=True, default=0)
    # Blank when unknown: not validated as an address on the way out.
    email = serializers.CharField(read_only=True)

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "first_name",
            "last_name",
            "email",
            "phone",
            "role",
            "role_label",
            "district",
            "street",
            "is_active",
            "last_login",
            "date_joined",
            "active_keys",
            "version",
        ]
        read_only_fields = fields


class UserWriteFields(serializers.Serializer):
    role = serializers.ChoiceField(choices=User.Role.choices)
    district = ScopedField(people_selectors.assignable_districts, required=False, allow_null=True)
    street = ScopedField(people_selectors.assignable_streets, required=False, allow_null=True)
    first_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True)
    reason = serializers.CharField(max_length=100, required=False, allow_blank=True)


class UserCreateInput(UserWriteFields):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(
        write_only=True,
        help_text=_("At least 12 characters, not a common or all-numeric password."),
    )


class UserUpdateInput(UserWriteFields):
    """Every field optional: what is not sent keeps its value."""

    role = serializers.ChoiceField(choices=User.Role.choices, required=False)
    version = serializers.IntegerField(
        required=False,
        help_text=_("The version you read (or send If-Match); a stale version gives 409."),
    )


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=200, allow_blank=True)
    version = serializers.IntegerField(required=False)


class ReactivateInput(serializers.Serializer):
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True)
    version = serializers.IntegerField(required=False)


class PasswordInput(serializers.Serializer):
    password = serializers.CharField(
        write_only=True, help_text=_("At least 12 characters, not a common password.")
    )
    reason = serializers.CharField(max_length=100, required=False, allow_blank=True)


class ApiKeySerializer(serializers.ModelSerializer):
    owner_username = serializers.CharField(source="owner.username", read_only=True)
    permission_label = serializers.CharField(source="get_permission_display", read_only=True)
    status = serializers.SerializerMethodField()
    created_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    revoked_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = ApiKey
        fields = [
            "id",
            "name",
            "owner",
            "owner_username",
            "permission",
            "permission_label",
            "prefix",
            "expires_on",
            "last_used_at",
            "created_at",
            "created_by",
            "revoked_at",
            "revoked_by",
            "revoke_reason",
            "status",
        ]
        read_only_fields = fields

    def get_status(self, key: ApiKey) -> str:
        if key.is_revoked:
            return "revoked"
        return "expired" if key.is_expired else "active"


class IssuedApiKeySerializer(ApiKeySerializer):
    key = serializers.CharField(
        read_only=True,
        help_text=_("The key itself: shown this once only. Keep it safe."),
    )

    class Meta(ApiKeySerializer.Meta):
        fields = [*ApiKeySerializer.Meta.fields, "key"]
        read_only_fields = fields


class ApiKeyCreateInput(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    owner = ScopedField(
        _managed_users,
        required=False,
        allow_null=True,
        help_text=_("An account you manage (an API client); empty: yourself, your district."),
    )
    permission = serializers.ChoiceField(
        choices=ApiKey.Permission.choices, default=ApiKey.Permission.READ
    )
    expires_on = serializers.DateField(
        required=False, help_text=_("Default: one year from today; at most three years.")
    )


class RevokeInput(serializers.Serializer):
    reason = serializers.CharField(max_length=200, allow_blank=True)

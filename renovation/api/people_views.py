"""`/api/v1/users/` and `/api/v1/api-keys/`: district officials manage the people and keys of
their district, through the same services as the people pages (renovation/people_services.py).

Other roles are refused (403) on every path; an account or key of another district is a 404."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.filters import SearchFilter
from rest_framework.request import Request
from rest_framework.response import Response

from renovation import access, people_selectors, people_services
from renovation.access import require
from renovation.http import AuthedRequest

from . import people_serializers as api
from .views import ETAG_HEADER, IF_MATCH, LINK_HEADER, etag, requested_version, stable, validated


class ManagerOnly:
    def initial(self, request: Request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        require(
            access.can_manage_people(request.user),
            _("Only district officials manage people and API keys."),
        )


def _with_etag(data: dict, version: int, code: int = status.HTTP_200_OK) -> Response:
    response = Response(data, status=code)
    response["ETag"] = etag(version)
    return response


@extend_schema_view(
    list=extend_schema(
        tags=["people"],
        summary="List the accounts of your district",
        parameters=[LINK_HEADER],
    ),
    retrieve=extend_schema(tags=["people"], summary="One account", parameters=[ETAG_HEADER]),
)
class UserViewSet(
    ManagerOnly, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = api.UserSerializer
    filter_backends = [DjangoFilterBackend, SearchFilter]
    filterset_fields = ["role", "is_active"]
    search_fields = ["username", "first_name", "last_name", "phone"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet:
        return people_selectors.managed_user_list(manager=self.request.user)

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        if self.action != "list":
            return queryset
        return stable(super().filter_queryset(queryset))

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        user = self.get_object()
        return _with_etag(self.get_serializer(user).data, user.version)

    def _data(self, user) -> dict:
        return api.UserSerializer(user, context=self.get_serializer_context()).data

    @extend_schema(
        tags=["people"],
        summary="Create an account in your district",
        description=(
            "A street officer (with `street`), a district official (`district`) or an API "
            "client (`district` or `street`), always inside your own district. The password "
            "follows the password policy (12 characters or more)."
        ),
        request=api.UserCreateInput,
        responses={201: api.UserSerializer},
        examples=[
            OpenApiExample(
                "A street officer",
                value={
                    "username": "caotang-li",
                    "password": "Qingyang-2026-site",  # nosec B105 - a documented example
                    "role": "street_officer",
                    "street": 3,
                    "first_name": "李",
                    "last_name": "明",
                    "phone": "028-86000000",
                },
                request_only=True,
            )
        ],
    )
    def create(self, request: AuthedRequest) -> Response:
        data = validated_with_context(api.UserCreateInput, request)
        user = people_services.user_create(by=request.user, **data)
        return _with_etag(self._data(user), user.version, status.HTTP_201_CREATED)

    @extend_schema(
        tags=["people"],
        summary="Change an account's details, role or scope",
        description=(
            "Send only what changes. A new role or scope revokes the account's API keys. Send "
            "`version` (or `If-Match`): a stale one gives 409 and changes nothing."
        ),
        request=api.UserUpdateInput,
        responses={200: api.UserSerializer},
        parameters=[IF_MATCH, ETAG_HEADER],
        examples=[
            OpenApiExample(
                "Move to another street office",
                value={"street": 4, "reason": "调整分工", "version": 1},
                request_only=True,
            )
        ],
    )
    def partial_update(self, request: AuthedRequest, pk: str | None = None) -> Response:
        user = self.get_object()
        data = validated_with_context(api.UserUpdateInput, request)
        version = requested_version(request, data.pop("version", None))
        fields = {
            "role": user.role,
            "district": user.district,
            "street": user.street,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "phone": user.phone,
        }
        if "street" in data and "district" not in data and data["street"] is not None:
            fields["district"] = None
        if "district" in data and "street" not in data:
            fields["street"] = None
        fields.update(data)
        user = people_services.user_update(by=request.user, user=user, version=version, **fields)
        return _with_etag(self._data(user), user.version)

    @extend_schema(
        tags=["people"],
        summary="Deactivate an account",
        description="The person can no longer sign in and the account's API keys are revoked.",
        request=api.ReasonInput,
        responses={200: api.UserSerializer},
        parameters=[IF_MATCH],
        examples=[
            OpenApiExample(
                "Left the street office", value={"reason": "调离岗位"}, request_only=True
            )
        ],
    )
    @action(detail=True, methods=["post"])
    def deactivate(self, request: AuthedRequest, pk: str | None = None) -> Response:
        return self._set_active(request, api.ReasonInput, active=False)

    @extend_schema(
        tags=["people"],
        summary="Reactivate an account",
        request=api.ReactivateInput,
        responses={200: api.UserSerializer},
        parameters=[IF_MATCH],
        examples=[OpenApiExample("Back at work", value={"reason": "返岗"}, request_only=True)],
    )
    @action(detail=True, methods=["post"])
    def reactivate(self, request: AuthedRequest, pk: str | None = None) -> Response:
        return self._set_active(request, api.ReactivateInput, active=True)

    def _set_active(self, request: AuthedRequest, serializer, *, active: bool) -> Response:
        user = self.get_object()
        data = validated(serializer, request)
        user = people_services.user_set_active(
            by=request.user,
            user=user,
            active=active,
            reason=data.get("reason", ""),
            version=requested_version(request, data.get("version")),
        )
        return _with_etag(self._data(user), user.version)

    @extend_schema(
        tags=["people"],
        summary="Set a new password for an account",
        request=api.PasswordInput,
        responses={200: api.UserSerializer},
        examples=[
            OpenApiExample(
                "Forgotten password",
                value={"password": "Caotang-reset-2026", "reason": "本人遗忘密码"},  # nosec B105
                request_only=True,
            )
        ],
    )
    @action(detail=True, methods=["post"])
    def password(self, request: AuthedRequest, pk: str | None = None) -> Response:
        user = self.get_object()
        data = validated(api.PasswordInput, request)
        user = people_services.user_password_reset(by=request.user, user=user, **data)
        return _with_etag(self._data(user), user.version)


def validated_with_context(serializer_class, request: AuthedRequest) -> dict:
    serializer = serializer_class(data=request.data, context={"request": request})
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


@extend_schema_view(
    list=extend_schema(
        tags=["people"],
        summary="List the API keys issued in your district",
        parameters=[LINK_HEADER],
    ),
    retrieve=extend_schema(tags=["people"], summary="One API key"),
)
class ApiKeyViewSet(
    ManagerOnly, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = api.ApiKeySerializer
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self) -> QuerySet:
        return stable(people_selectors.managed_key_list(manager=self.request.user))

    @extend_schema(
        tags=["people"],
        summary="Issue a named API key",
        description=(
            "Only `name` is required: the key is then yours (your district's scope), reads, "
            "and expires in a year. `owner` gives it to an account you manage (e.g. an API "
            "client); `permission` `write_progress` lets a street office's key file progress "
            "and site problems. The answer (201) holds the key itself in `key`: it is shown "
            "this once and never again (only its digest is stored)."
        ),
        request=api.ApiKeyCreateInput,
        responses={201: api.IssuedApiKeySerializer},
        examples=[
            OpenApiExample(
                "A key for the city dashboard",
                value={"name": "市级大屏", "permission": "read"},
                request_only=True,
            ),
            OpenApiExample("Just a name", value={"name": "统计对接"}, request_only=True),
        ],
    )
    def create(self, request: AuthedRequest) -> Response:
        data = validated_with_context(api.ApiKeyCreateInput, request)
        key, secret = people_services.api_key_issue(by=request.user, **data)
        key.key = secret
        return Response(api.IssuedApiKeySerializer(key).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        tags=["people"],
        summary="Revoke an API key",
        description="The next request made with the key is refused (401).",
        request=api.RevokeInput,
        responses={200: api.ApiKeySerializer},
        examples=[
            OpenApiExample("No longer used", value={"reason": "系统停用"}, request_only=True)
        ],
    )
    @action(detail=True, methods=["post"])
    def revoke(self, request: AuthedRequest, pk: str | None = None) -> Response:
        key = self.get_object()
        data = validated(api.RevokeInput, request)
        key = people_services.api_key_revoke(by=request.user, key=key, reason=data["reason"])
        return Response(api.ApiKeySerializer(key).data)

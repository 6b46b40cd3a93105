"""Who may call what. Reads are scoped in querysets (`visible_to`), so they need no object
permission here; writes are checked by the services (and by the views first, as the pages do).
This layer adds one rule of its own: API-client keys and auditors only read."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated
from rest_framework.request import Request

from renovation.access import is_auditor, is_read_only_role, key_allows_write
from renovation.api.throttling import AnonymousRateThrottle
from renovation.api_keys import ApiKey


class IsAuthenticatedAfterAnonymousThrottle(IsAuthenticated):
    """DRF checks permissions before throttles, so with IsAuthenticated alone an anonymous
    caller always meets 401 first and the anonymous rate never applies: a script could try
    keys without limit. Here an anonymous request is counted against the anonymous rate
    first (429 past it), then refused with 401."""

    def has_permission(self, request: Request, view) -> bool:
        if super().has_permission(request, view):
            return True
        throttle = AnonymousRateThrottle()
        if not throttle.allow_request(request, view):
            raise exceptions.Throttled(throttle.wait())
        return False


class ApiClientReadOnly(BasePermission):
    """An API client (city dashboards, provincial reporting, researchers) pushes nothing, and
    neither does an auditor (whose services would refuse anyway: refused here first)."""

    message = _("API-client keys are read-only.")

    def has_permission(self, request: Request, view) -> bool:
        if request.method in SAFE_METHODS:
            return True
        user = request.user
        if not (user and user.is_authenticated) or not is_read_only_role(user):
            return True
        if is_auditor(user):
            self.message = _("Auditors read; they change nothing.")
        return False


class ApiKeyPermission(BasePermission):
    """A named key narrows what its holder may do: a read key reads; a progress key also files
    progress reports, their photos and site problems (renovation.access.key_allows_write)."""

    message = _("This API key only reads.")

    def has_permission(self, request: Request, view) -> bool:
        key = request.auth
        if request.method in SAFE_METHODS or not isinstance(key, ApiKey):
            return True
        match = getattr(request, "resolver_match", None)
        if key_allows_write(key.permission, match.url_name if match else None):
            return True
        if key.permission == ApiKey.Permission.WRITE_PROGRESS:
            self.message = _("This API key reads, and files progress and site problems only.")
        return False

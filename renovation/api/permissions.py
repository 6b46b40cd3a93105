"""Who may call what. Reads are scoped in querysets (`visible_to`), so they need no object
permission here; writes are checked by the services (and by the views first, as the pages do).
This layer adds one rule of its own: API-client keys and auditors only read."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from renovation.models import User


class ApiClientReadOnly(BasePermission):
    """An API client (city dashboards, provincial reporting, researchers) pushes nothing, and
    neither does an auditor (whose services would refuse anyway: refused here first)."""

    message = _("API-client keys are read-only.")

    def has_permission(self, request: Request, view) -> bool:
        if request.method in SAFE_METHODS:
            return True
        user = request.user
        if not (user and user.is_authenticated):
            return True
        if user.role == User.Role.AUDITOR and not user.is_superuser:
            self.message = _("Auditors read; they change nothing.")
            return False
        return user.role != User.Role.API_CLIENT

"""The admin site is for platform administrators only.

Admin querysets are not scoped to a street or district, so a scoped role with `is_staff` must not
reach it: officials work through the pages, which read through `visible_to(user)`.

Domain records are read-only here. Writes go through the services (behind the pages and the
API, which a superuser may use everywhere): they validate, keep the history with who and why,
and mark the statistics stale, and an admin form would do none of that. Only the accounts and
the reference data above a district's programme (provinces, cities, districts, the national
work-type catalogue and the vote rule sets) are edited here, and none of them is deleted.
"""

from __future__ import annotations

from typing import Any

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _

# Models (app_label.model_name) that the administrator edits here.
EDITABLE = frozenset(
    {
        "renovation.user",
        "programmes.province",
        "programmes.city",
        "programmes.district",
        "programmes.worktype",
        "governance.voteruleset",
        "governance.voterule",
    }
)
DOMAIN_APPS = frozenset({"programmes", "funding", "governance", "reporting"})


def _refuse(*args: Any, **kwargs: Any) -> bool:
    return False


class ReadOnlyAdmin:
    """Mixed into the admin of every domain model outside EDITABLE: view and history only."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_inline_instances(self, request, obj=None):
        inlines = super().get_inline_instances(request, obj)  # type: ignore[misc]
        for inline in inlines:
            inline.has_add_permission = _refuse
            inline.has_change_permission = _refuse
            inline.has_delete_permission = _refuse
        return inlines


class NoDeleteAdmin:
    """Reference data is kept: records point at it and its history would be cut."""

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class PlatformAdminSite(admin.AdminSite):
    site_header = _("Old Compound Renovation · administration")
    site_title = _("Renovation administration")
    index_title = _("Registry, programmes and accounts")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Imported here: this module is loaded before the apps (AdminConfig.default_site).
        from renovation.login_forms import AdminLoginForm

        self.login_form = AdminLoginForm

    def has_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser

    def register(self, model_or_iterable, admin_class=None, **options) -> None:
        models = (
            model_or_iterable
            if isinstance(model_or_iterable, list | tuple)
            else [model_or_iterable]
        )
        for model in models:
            label = model._meta.label_lower
            base = admin_class or admin.ModelAdmin
            if model._meta.app_label in DOMAIN_APPS:
                guard = NoDeleteAdmin if label in EDITABLE else ReadOnlyAdmin
                base = type(base.__name__, (guard, base), {})
            super().register(model, base, **options)

    def admin_view(self, view, cacheable=False):
        # Django's and django-simple-history's admin templates still carry a few style
        # attributes and <style> blocks (change list without actions, history pagination).
        # Admin pages alone accept inline styles; scripts stay 'self' only, as everywhere.
        return csp_update({"style-src": [UNSAFE_INLINE]})(super().admin_view(view, cacheable))


class PlatformAdminConfig(AdminConfig):
    default_site = "renovation.admin_site.PlatformAdminSite"

"""The admin site is for platform administrators only.

Admin querysets are not scoped to a street or district, so a scoped role with `is_staff` must not
reach it: officials work through the pages, which read through `visible_to(user)`."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class PlatformAdminSite(admin.AdminSite):
    site_header = _("Old Compound Renovation · administration")
    site_title = _("Renovation administration")
    index_title = _("Registry, programmes and accounts")

    def has_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser


class PlatformAdminConfig(AdminConfig):
    default_site = "renovation.admin_site.PlatformAdminSite"

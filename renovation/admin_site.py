"""The admin site is for platform administrators only.

Admin querysets are not scoped to a street or district, so a scoped role with `is_staff` must not
reach it: officials work through the pages, which read through `visible_to(user)`."""

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


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

    def admin_view(self, view, cacheable=False):
        # Django's and django-simple-history's admin templates still carry a few style
        # attributes and <style> blocks (change list without actions, history pagination).
        # Admin pages alone accept inline styles; scripts stay 'self' only, as everywhere.
        return csp_update({"style-src": [UNSAFE_INLINE]})(super().admin_view(view, cacheable))


class PlatformAdminConfig(AdminConfig):
    default_site = "renovation.admin_site.PlatformAdminSite"

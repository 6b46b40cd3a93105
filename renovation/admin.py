from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "get_full_name", "role", "city", "district", "street", "is_active")
    list_filter = ("role", "is_active", "is_staff", "district")
    list_select_related = ("city", "district", "street")
    search_fields = ("username", "first_name", "last_name", "email")
    autocomplete_fields = ("city", "district", "street")
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Role and scope"), {"fields": ("role", "city", "district", "street", "phone")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("Role and scope"), {"fields": ("role", "city", "district", "street")}),
    )

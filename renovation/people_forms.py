"""Forms of the people pages: they translate input; renovation/people_services.py decides."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from renovation import access, people_selectors
from renovation.api_keys import ApiKey
from renovation.models import User

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ScopeFields(forms.Form):
    """Role and scope, with the choices `manager` may give."""

    role = forms.ChoiceField(label=_("Role"))
    district = forms.ModelChoiceField(
        label=_("District"), queryset=None, required=False, empty_label=_("(none)")
    )
    street = forms.ModelChoiceField(
        label=_("Street office"),
        queryset=None,
        required=False,
        empty_label=_("(none)"),
        help_text=_("Street officers: their street office. District officials: leave empty."),
    )
    first_name = forms.CharField(label=_("Given name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Family name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    reason = forms.CharField(
        label=_("Reason (kept in the audit trail)"), max_length=100, required=False
    )

    def __init__(self, *args, manager: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        roles = dict(User.Role.choices)
        self.fields["role"].choices = [
            (role, roles[role]) for role in access.assignable_roles(manager)
        ]
        self.fields["district"].queryset = people_selectors.assignable_districts(manager=manager)
        self.fields["street"].queryset = people_selectors.assignable_streets(manager=manager)


class UserCreateForm(ScopeFields):
    username = forms.CharField(label=_("Username"), max_length=150)
    password = forms.CharField(
        label=_("Initial password"),
        widget=forms.PasswordInput(render_value=False),
        help_text=_("At least 12 characters; tell it to the person, who then changes it."),
    )
    field_order = ["username", "password", "role", "district", "street"]


class UserEditForm(ScopeFields):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)


class ActiveForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    reason = forms.CharField(label=_("Reason (kept in the audit trail)"), max_length=200)


class ReactivateForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    reason = forms.CharField(
        label=_("Reason (kept in the audit trail)"), max_length=200, required=False
    )


class PasswordResetForm(forms.Form):
    password = forms.CharField(
        label=_("New password"),
        widget=forms.PasswordInput(render_value=False),
        help_text=_("At least 12 characters, not a common or all-numeric password."),
    )
    reason = forms.CharField(
        label=_("Reason (kept in the audit trail)"), max_length=100, required=False
    )


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What will use the key, e.g. 市级大屏 or 街道巡查手机."),
    )
    owner = forms.ModelChoiceField(
        label=_("Holder"),
        queryset=None,
        required=False,
        empty_label=_("Myself (my district's scope)"),
        help_text=_("The key reads and writes no more than its holder may."),
    )
    permission = forms.ChoiceField(
        label=_("Permission"), choices=ApiKey.Permission.choices, initial=ApiKey.Permission.READ
    )
    expires_on = forms.DateField(
        label=_("Expires on"),
        widget=DATE,
        required=False,
        help_text=_("Empty: one year from today. At most three years."),
    )

    def __init__(self, *args, manager: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = (
            User.objects.filter(access.managed_users_q(manager), is_active=True)
            .select_related("district", "street")
            .order_by("role", "username")
        )


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason (kept in the audit trail)"), max_length=200)

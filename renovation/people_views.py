"""The people pages ("人员与密钥"): a district official's accounts and API keys. Every write
calls renovation/people_services.py, as `/api/v1/users/` and `/api/v1/api-keys/` do; an
account or key outside the official's district is a 404."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from renovation import access, people_forms, people_selectors, people_services
from renovation.api_keys import ApiKey
from renovation.errors import ConflictError
from renovation.http import AuthedHttpRequest
from renovation.models import User

CONFLICT = 409


def _manager(request: AuthedHttpRequest) -> User:
    access.require(
        access.can_manage_people(request.user),
        _("Only district officials manage people and API keys."),
    )
    return request.user


def _managed_user(request: AuthedHttpRequest, pk: int) -> User:
    user = people_selectors.managed_user_list(manager=_manager(request)).filter(pk=pk).first()
    if user is None:
        raise Http404
    return user


def _managed_key(request: AuthedHttpRequest, pk: int) -> ApiKey:
    key = people_selectors.managed_key_list(manager=_manager(request)).filter(pk=pk).first()
    if key is None:
        raise Http404
    return key


def _run(form, service: Callable[..., Any], **kwargs) -> tuple[Any, int]:
    """Call a service; its validation errors and conflicts go on the form."""
    try:
        return service(**kwargs), 200
    except ConflictError as error:
        form.add_error(None, error.message)
        return None, CONFLICT
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            form.add_error(None, error)
        return None, 200


@login_required
def index(request: AuthedHttpRequest) -> HttpResponse:
    """The accounts of the district and the keys issued in it."""
    manager = _manager(request)
    users = Paginator(
        people_selectors.managed_user_list(manager=manager), settings.RENOVATION_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    keys = Paginator(
        people_selectors.managed_key_list(manager=manager), settings.RENOVATION_PAGE_SIZE
    ).get_page(request.GET.get("keys"))
    return render(request, "renovation/people/index.html", {"users": users, "keys": keys})


@login_required
@require_http_methods(["GET", "POST"])
def user_create(request: AuthedHttpRequest) -> HttpResponse:
    manager = _manager(request)
    form = people_forms.UserCreateForm(request.POST or None, manager=manager)
    if request.method == "POST" and form.is_valid():
        user, _status = _run(form, people_services.user_create, by=manager, **form.cleaned_data)
        if user is not None:
            messages.success(request, _("Account %(name)s created.") % {"name": user.username})
            return redirect("people:index")
    return render(
        request,
        "renovation/people/form.html",
        {"form": form, "title": _("New account"), "submit": _("Create account")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def user_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    manager = _manager(request)
    account = _managed_user(request, pk)
    initial = {
        "version": account.version,
        "role": account.role,
        "district": account.district_id,
        "street": account.street_id,
        "first_name": account.first_name,
        "last_name": account.last_name,
        "email": account.email,
        "phone": account.phone,
    }
    form = people_forms.UserEditForm(request.POST or None, initial=initial, manager=manager)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        saved, status = _run(
            form,
            people_services.user_update,
            by=manager,
            user=account,
            version=data.pop("version"),
            **data,
        )
        if saved is not None:
            messages.success(request, _("Account %(name)s saved.") % {"name": saved.username})
            return redirect("people:index")
    return render(
        request,
        "renovation/people/user_edit.html",
        {
            "form": form,
            "account": account,
            "history": people_selectors.user_history(user=account),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def user_active(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Deactivate an active account, or reactivate a deactivated one."""
    manager = _manager(request)
    account = _managed_user(request, pk)
    form_class = people_forms.ActiveForm if account.is_active else people_forms.ReactivateForm
    form = form_class(request.POST or None, initial={"version": account.version})
    status = 200
    if request.method == "POST" and form.is_valid():
        saved, status = _run(
            form,
            people_services.user_set_active,
            by=manager,
            user=account,
            active=not account.is_active,
            reason=form.cleaned_data.get("reason") or "",
            version=form.cleaned_data.get("version"),
        )
        if saved is not None:
            text = (
                _("Account %(name)s reactivated.")
                if saved.is_active
                else _("Account %(name)s deactivated; its API keys are revoked.")
            )
            messages.success(request, text % {"name": saved.username})
            return redirect("people:index")
    title = _("Deactivate an account") if account.is_active else _("Reactivate an account")
    return render(
        request,
        "renovation/people/form.html",
        {
            "form": form,
            "title": title,
            "subject": account,
            "submit": _("Deactivate") if account.is_active else _("Reactivate"),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def user_password(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    manager = _manager(request)
    account = _managed_user(request, pk)
    form = people_forms.PasswordResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        saved, _status = _run(
            form,
            people_services.user_password_reset,
            by=manager,
            user=account,
            **form.cleaned_data,
        )
        if saved is not None:
            messages.success(
                request, _("New password set for %(name)s.") % {"name": saved.username}
            )
            return redirect("people:index")
    return render(
        request,
        "renovation/people/form.html",
        {
            "form": form,
            "title": _("Reset a password"),
            "subject": account,
            "submit": _("Set password"),
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def key_create(request: AuthedHttpRequest) -> HttpResponse:
    """Issue a key; the answer shows the key once (never cached, never shown again)."""
    manager = _manager(request)
    form = people_forms.ApiKeyForm(request.POST or None, manager=manager)
    if request.method == "POST" and form.is_valid():
        issued, _status = _run(form, people_services.api_key_issue, by=manager, **form.cleaned_data)
        if issued is not None:
            key, secret = issued
            return render(
                request, "renovation/people/key_issued.html", {"key": key, "secret": secret}
            )
    return render(
        request,
        "renovation/people/form.html",
        {"form": form, "title": _("Issue an API key"), "submit": _("Issue key")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def key_revoke(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    manager = _manager(request)
    key = _managed_key(request, pk)
    form = people_forms.RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        saved, _status = _run(
            form, people_services.api_key_revoke, by=manager, key=key, **form.cleaned_data
        )
        if saved is not None:
            messages.success(request, _("Key %(name)s revoked.") % {"name": saved.name})
            return redirect("people:index")
    return render(
        request,
        "renovation/people/form.html",
        {"form": form, "title": _("Revoke an API key"), "subject": key, "submit": _("Revoke")},
    )

"""What the governance pages share: scoped look-ups, the role check and the create-form pattern."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from programmes.models import Compound, Project
from programmes.views import run_service
from renovation.access import can_file_street_records, require

from .. import selectors


def _compound(request: HttpRequest, pk: int) -> Compound:
    try:
        return selectors.compound_in_scope(user=request.user, pk=pk)
    except Compound.DoesNotExist:
        raise Http404 from None


def _project(request: HttpRequest, pk: int) -> Project:
    try:
        return selectors.project_in_scope(user=request.user, pk=pk)
    except Project.DoesNotExist:
        raise Http404 from None


def _may_file(request: HttpRequest, compound: Compound) -> None:
    require(
        can_file_street_records(request.user, compound.street_id),
        _("Only the street office in charge records governance for this compound."),
    )


def _home(compound: Compound, anchor: str = "") -> str:
    url = reverse("governance:compound", args=[compound.pk])
    return f"{url}#{anchor}" if anchor else url


def _form_page(
    request: HttpRequest,
    *,
    compound: Compound,
    form,
    title: str,
    intro: str = "",
    status: int = 200,
    multipart: bool = False,
    extra: dict[str, Any] | None = None,
    template: str = "governance/form.html",
) -> HttpResponse:
    return render(
        request,
        template,
        {
            "compound": compound,
            "form": form,
            "title": title,
            "intro": intro,
            "multipart": multipart,
            **(extra or {}),
        },
        status=status,
    )


def _create(
    request: HttpRequest,
    *,
    compound: Compound,
    form_class,
    service: Callable[..., Any],
    arguments: Callable[[dict], dict],
    title: str,
    success: str,
    anchor: str,
    form_kwargs: dict | None = None,
    intro: str = "",
    multipart: bool = False,
) -> HttpResponse:
    """The create pattern shared by the record forms: validate, call the service, redirect."""
    _may_file(request, compound)
    form_kwargs = form_kwargs or {}
    status = 200
    if request.method == "POST":
        form = form_class(request.POST, request.FILES, **form_kwargs)
        if form.is_valid():
            saved, status = run_service(
                form, service, by=request.user, **arguments(form.cleaned_data)
            )
            if saved is not None:
                messages.success(request, success)
                return redirect(_home(compound, anchor))
    else:
        form = form_class(**form_kwargs)
    return _form_page(
        request,
        compound=compound,
        form=form,
        title=title,
        intro=intro,
        status=status,
        multipart=multipart,
    )

"""Set-up pages for district officials: their programmes (targets, street and area targets,
batches, gate settings; projects, works and work types: `project_setup_views`). Objects come
from scoped selectors (another district's id is a 404); writes call the set-up services, the
same as the API."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from renovation.access import can_set_up_in_district, require
from renovation.http import AuthedHttpRequest

from . import selectors, setup_services
from .models import (
    District,
    LocalTarget,
    Programme,
    YearTarget,
)
from .setup_forms import (
    BatchForm,
    LocalTargetForm,
    ProgrammeForm,
    YearTargetForm,
)
from .views import run_service

FORM_TEMPLATE = "programmes/setup/form.html"


def _may_set_up(request: AuthedHttpRequest, district_id: int | None) -> None:
    require(
        can_set_up_in_district(request.user, district_id),
        _("Only the district's officials set up its programmes and projects."),
    )


def _form_page(
    request: AuthedHttpRequest,
    form,
    *,
    service,
    arguments: dict[str, Any],
    success: str,
    redirect_to: str,
    title: str,
    back: str,
    intro: str = "",
) -> HttpResponse:
    """GET shows the form; a valid POST calls the service with the form's data merged into
    `arguments`; errors (and a stale version: 409) re-render it with nothing saved."""
    status = 200
    if request.method == "POST" and form.is_valid():
        _result, status = run_service(form, service, by=request.user, **arguments)
        # Unconfirmed plausibility warnings saved nothing: show them with the confirmation box.
        if status == 200 and not form.errors and not getattr(form, "plausibility_warnings", None):
            messages.success(request, success)
            return redirect(redirect_to)
    return render(
        request,
        FORM_TEMPLATE,
        {"form": form, "title": title, "back": back, "intro": intro},
        status=status,
    )


def _user_district_ids(request: AuthedHttpRequest) -> list[int]:
    return list(District.objects.visible_to(request.user).values_list("pk", flat=True))


# --- Programmes ----------------------------------------------------------------------------


@login_required
def programme_list(request: AuthedHttpRequest) -> HttpResponse:
    programmes = (
        selectors.programme_list(user=request.user)
        .annotate(project_count=Count("projects"))
        .order_by("district_id", "-start_year", "name")
    )
    return render(
        request,
        "programmes/setup/programme_list.html",
        {
            "programmes": programmes,
            "can_create": can_set_up_in_district(request.user, request.user.district_id),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def programme_create(request: AuthedHttpRequest) -> HttpResponse:
    district = request.user.district
    _may_set_up(request, district.pk if district else None)
    form = ProgrammeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in ProgrammeForm.FIELDS}
        programme, status = run_service(
            form, setup_services.programme_create, district=district, by=request.user, **data
        )
        if programme is not None:
            messages.success(request, _("Programme created. Now set its targets and batches."))
            return redirect("programmes:setup-programme", pk=programme.pk)
    return render(
        request,
        FORM_TEMPLATE,
        {
            "form": form,
            "title": _("New programme"),
            "back": reverse("programmes:setup-programme-list"),
        },
        status=status,
    )


def _programme(request: AuthedHttpRequest, pk: int) -> Programme:
    return get_object_or_404(Programme.objects.visible_to(request.user), pk=pk)


@login_required
def programme_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    programme = get_object_or_404(
        Programme.objects.visible_to(request.user)
        .select_related("district")
        .prefetch_related(
            Prefetch("targets", queryset=YearTarget.objects.order_by("year")),
            Prefetch(
                "local_targets",
                queryset=LocalTarget.objects.select_related("street", "area").order_by(
                    "year", "street__name", "area__name"
                ),
            ),
            "batches",
            "contribution_rules",
        ),
        pk=pk,
    )
    projects = (
        selectors.project_list(user=request.user)
        .filter(programme=programme)
        .select_related("batch")
        .order_by("year", "compound__name", "id")
    )
    return render(
        request,
        "programmes/setup/programme_detail.html",
        {
            "programme": programme,
            "projects": projects[:200],
            "project_count": projects.count(),
            "can_set_up": can_set_up_in_district(request.user, programme.district_id),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def programme_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk)
    _may_set_up(request, programme.district_id)
    initial = {name: getattr(programme, name) for name in ProgrammeForm.FIELDS}
    form = ProgrammeForm(request.POST or None, initial={**initial, "version": programme.version})
    detail = reverse("programmes:setup-programme", args=[programme.pk])
    return _form_page(
        request,
        form,
        service=setup_services.programme_update,
        arguments=(
            {
                "programme": programme,
                "version": form.cleaned_data.get("version"),
                "reason": form.cleaned_data.get("reason", ""),
                **{name: form.cleaned_data[name] for name in ProgrammeForm.FIELDS},
            }
            if form.is_bound and form.is_valid()
            else {}
        ),
        success=_("Programme saved."),
        redirect_to=detail,
        title=_("Edit programme"),
        back=detail,
    )


def _programme_part(request: AuthedHttpRequest, pk: int, form_class, service, title: str, **extra):
    programme = _programme(request, pk)
    _may_set_up(request, programme.district_id)
    kwargs = {"programme": programme} if form_class is LocalTargetForm else {}
    form = form_class(request.POST or None, **kwargs)
    detail = reverse("programmes:setup-programme", args=[programme.pk])
    arguments = {"programme": programme}
    if form.is_bound and form.is_valid():
        arguments.update(form.cleaned_data)
    return _form_page(
        request,
        form,
        service=service,
        arguments=arguments,
        success=_("Saved."),
        redirect_to=detail,
        title=title,
        back=detail,
        **extra,
    )


@login_required
@require_http_methods(["GET", "POST"])
def year_target_set(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _programme_part(
        request,
        pk,
        YearTargetForm,
        setup_services.year_target_set,
        _("Set a yearly target"),
        intro=_("A year that already has a target gets the new figures."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def local_target_set(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _programme_part(
        request,
        pk,
        LocalTargetForm,
        setup_services.local_target_set,
        _("Set a street or area target"),
        intro=_(
            "Choose a street office or an area. Their pages and dashboards then compare with "
            "their own target instead of the district's."
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def batch_set(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _programme_part(request, pk, BatchForm, setup_services.batch_set, _("Add a batch"))

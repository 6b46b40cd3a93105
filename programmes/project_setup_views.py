"""Set-up pages of projects, their work items and acceptance, and the district's own work
types (district officials of the district; objects from scoped selectors, writes through the
set-up services, the same as the API)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import F, QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from renovation.access import can_set_up_in_district
from renovation.http import AuthedHttpRequest

from . import project_setup_services, selectors, work_setup_services
from .models import AcceptanceRecord, Batch, Compound, Programme, Project, WorkItem, WorkType
from .setup_forms import AcceptanceForm, ProjectForm, WorkItemForm, WorkItemRemoveForm, WorkTypeForm
from .setup_views import FORM_TEMPLATE, _form_page, _may_set_up, _user_district_ids
from .views import run_service

# --- Projects ------------------------------------------------------------------------------


def _project_choices(request: AuthedHttpRequest, programme_id: int | None) -> dict[str, QuerySet]:
    user = request.user
    districts = [user.district_id] if not user.is_superuser else _user_district_ids(request)
    return {
        "programmes": Programme.objects.visible_to(user).filter(district__in=districts),
        "compounds": Compound.objects.visible_to(user)
        .filter(street__district__in=districts)
        .select_related("street")
        .order_by("street__name", "name"),
        "batches": Batch.objects.filter(programme=programme_id)
        if programme_id
        else Batch.objects.none(),
    }


@login_required
@require_http_methods(["GET", "POST"])
def project_create(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    _may_set_up(request, user.district_id if not user.is_superuser else None)
    initial: dict[str, Any] = {"categories": ["basic"]}
    back = reverse("programmes:setup-programme-list")
    compound_id = request.GET.get("compound")
    programme_id = request.POST.get("programme") or request.GET.get("programme")
    if compound_id:
        compound = get_object_or_404(Compound.objects.visible_to(user), pk=compound_id)
        initial["compound"] = compound.pk
        back = compound.get_absolute_url()
    if programme_id and str(programme_id).isdigit():
        programme = get_object_or_404(Programme.objects.visible_to(user), pk=programme_id)
        initial.update(programme=programme.pk, year=programme.start_year)
        if not compound_id:
            back = reverse("programmes:setup-programme", args=[programme.pk])
    else:
        programme_id = None
    form = ProjectForm(
        request.POST or None,
        initial=initial,
        **_project_choices(request, int(programme_id) if programme_id else None),
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        project, status = run_service(
            form, project_setup_services.project_create, by=user, **form.service_arguments()
        )
        if project is not None:
            messages.success(request, _("Project created. Now add its work items."))
            return redirect(project.get_absolute_url())
    return render(
        request,
        FORM_TEMPLATE,
        {"form": form, "title": _("New project"), "back": back},
        status=status,
    )


def _project(request: AuthedHttpRequest, pk: int) -> Project:
    return get_object_or_404(
        selectors.project_list(user=request.user).select_related("compound__street"), pk=pk
    )


@login_required
@require_http_methods(["GET", "POST"])
def project_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    _may_set_up(request, project.compound.street.district_id)
    names = ProjectForm.base_fields
    initial = {
        name: getattr(project, f"{name}_id" if name in ("programme", "compound", "batch") else name)
        for name in names
        if name not in ("categories", "version", "reason")
    }
    initial.update(categories=project.category_list, version=project.version)
    form = ProjectForm(
        request.POST or None,
        initial=initial,
        **_project_choices(request, project.programme_id),
    )
    arguments: dict[str, Any] = {"project": project}
    if form.is_bound and form.is_valid():
        arguments.update(
            version=form.cleaned_data.get("version"),
            reason=form.cleaned_data.get("reason", ""),
            **form.service_arguments(),
        )
    return _form_page(
        request,
        form,
        service=project_setup_services.project_update,
        arguments=arguments,
        success=_("Project saved."),
        redirect_to=project.get_absolute_url(),
        title=_("Edit project: %(name)s") % {"name": project},
        back=project.get_absolute_url(),
        intro=_("Name the contractor here before construction starts."),
    )


# --- Work items ----------------------------------------------------------------------------


def _work_types(project: Project) -> QuerySet[WorkType]:
    return WorkType.objects.usable_in(project.compound.street.district_id).filter(is_active=True)


@login_required
@require_http_methods(["GET", "POST"])
def work_item_add(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    _may_set_up(request, project.compound.street.district_id)
    form = WorkItemForm(request.POST or None, work_types=_work_types(project))
    arguments: dict[str, Any] = {"project": project}
    if form.is_bound and form.is_valid():
        arguments.update(reason=form.cleaned_data.get("reason", ""), **form.service_arguments())
    return _form_page(
        request,
        form,
        service=work_setup_services.work_item_add,
        arguments=arguments,
        success=_("Work item added."),
        redirect_to=project.get_absolute_url() + "#works",
        title=_("Add a work item"),
        back=project.get_absolute_url(),
    )


def _item(request: AuthedHttpRequest, pk: int) -> WorkItem:
    return get_object_or_404(
        WorkItem.objects.visible_to(request.user).select_related(
            "project__compound__street", "work_type"
        ),
        pk=pk,
    )


@login_required
@require_http_methods(["GET", "POST"])
def work_item_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    project = item.project
    _may_set_up(request, project.compound.street.district_id)
    initial = {
        "work_type": item.work_type_id,
        "description": item.description,
        "planned_quantity": item.planned_quantity,
        "budget": item.budget,
        "planned_start": item.planned_start,
        "planned_end": item.planned_end,
        "version": item.version,
    }
    form = WorkItemForm(request.POST or None, initial=initial, work_types=_work_types(project))
    arguments: dict[str, Any] = {"item": item}
    if form.is_bound and form.is_valid():
        arguments.update(
            version=form.cleaned_data.get("version"),
            reason=form.cleaned_data.get("reason", ""),
            **form.service_arguments(),
        )
    return _form_page(
        request,
        form,
        service=work_setup_services.work_item_change,
        arguments=arguments,
        success=_("Work item saved."),
        redirect_to=project.get_absolute_url() + "#works",
        title=_("Edit work item: %(name)s") % {"name": item.work_type},
        back=project.get_absolute_url(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def work_item_remove(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    project = item.project
    _may_set_up(request, project.compound.street.district_id)
    form = WorkItemRemoveForm(request.POST or None, initial={"version": item.version})
    arguments: dict[str, Any] = {"item": item}
    if form.is_bound and form.is_valid():
        arguments.update(
            version=form.cleaned_data.get("version"), reason=form.cleaned_data["reason"]
        )
    return _form_page(
        request,
        form,
        service=work_setup_services.work_item_remove,
        arguments=arguments,
        success=_("Work item removed."),
        redirect_to=project.get_absolute_url() + "#works",
        title=_("Remove work item: %(name)s") % {"name": item.work_type},
        back=project.get_absolute_url(),
    )


# --- Acceptance ----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def acceptance_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    _may_set_up(request, project.compound.street.district_id)
    record = AcceptanceRecord.objects.filter(project=project).first()
    initial: dict[str, Any] = {"passed": True}
    if record is not None:
        initial = {
            "accepted_on": record.accepted_on,
            "participants": record.participants,
            "residents_present": record.residents_present,
            "passed": record.passed,
            "notes": record.notes,
            "version": record.version,
        }
    form = AcceptanceForm(request.POST or None, initial=initial)
    arguments: dict[str, Any] = {"project": project}
    if form.is_bound and form.is_valid():
        arguments.update(form.cleaned_data)
    return _form_page(
        request,
        form,
        service=work_setup_services.acceptance_record_save,
        arguments=arguments,
        success=_("Acceptance record saved."),
        redirect_to=project.get_absolute_url(),
        title=_("Completion acceptance: %(name)s") % {"name": project.compound},
        back=project.get_absolute_url(),
        intro=_(
            "The stage change to “accepted” needs a passed acceptance with resident "
            "representatives present."
        ),
    )


# --- District work types -------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def work_type_list(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    district = user.district
    can_add = district is not None and can_set_up_in_district(user, district.pk)
    form = WorkTypeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        _may_set_up(request, district.pk if district else None)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "is_active"}
            created, status = run_service(
                form, work_setup_services.work_type_create, district=district, by=user, **data
            )
            if created is not None:
                messages.success(request, _("Work type added for your district."))
                return redirect("programmes:setup-work-types")
    work_types = (
        WorkType.objects.visible_to(user)
        .select_related("district")
        .order_by(F("district_id").asc(nulls_first=True), "sort_order", "code")
    )
    return render(
        request,
        "programmes/setup/work_types.html",
        {"work_types": work_types, "form": form, "can_add": can_add},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def work_type_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    work_type = get_object_or_404(
        WorkType.objects.visible_to(request.user).filter(district__isnull=False), pk=pk
    )
    _may_set_up(request, work_type.district_id)
    form = WorkTypeForm(
        request.POST or None,
        initial={
            "name_zh": work_type.name_zh,
            "name_en": work_type.name_en,
            "unit": work_type.unit,
            "category": work_type.category,
            "is_active": work_type.is_active,
        },
    )
    arguments: dict[str, Any] = {"work_type": work_type}
    if form.is_bound and form.is_valid():
        arguments.update(form.cleaned_data)
    back = reverse("programmes:setup-work-types")
    return _form_page(
        request,
        form,
        service=work_setup_services.work_type_update,
        arguments=arguments,
        success=_("Work type saved."),
        redirect_to=back,
        title=_("Edit work type: %(name)s") % {"name": work_type.name_zh},
        back=back,
    )

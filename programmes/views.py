"""Server-rendered pages. Each view takes its object from a scoped selector (so an id outside
the user's scope is a 404), translates the form, and calls one service."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from renovation.access import (
    can_approve_in_district,
    can_file_street_records,
    can_set_up_in_district,
    require,
)
from renovation.api.caching import query_digest, remember
from renovation.errors import ConflictError
from renovation.http import AuthedHttpRequest
from renovation.uploads import image_content_type
from renovation.warnings import WarningsNotConfirmed

from . import selectors, services
from .filters import CompoundFilter
from .forms import (
    ProgressReportForm,
    ReportReturnForm,
    SiteProblemCloseForm,
    SiteProblemForm,
    StageChangeForm,
)
from .gates import compound_panels
from .models import Compound, ProgressPhoto, ProgressReport, Project, Stage

CONFLICT = 409


def run_service(form, service: Callable[..., Any], **kwargs) -> tuple[Any, int]:
    """Call a service; put its validation errors on the form. Returns (result, status)."""
    try:
        return service(**kwargs), 200
    except ConflictError as error:
        form.add_error(None, error.message)
        return None, CONFLICT
    except WarningsNotConfirmed as error:
        # Shown above the form with the "confirmed" checkbox (templates/_warnings.html).
        if hasattr(form, "show_warnings"):
            form.show_warnings(error.warnings)
        else:
            form.add_error(None, error.messages)
        return None, 200
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            form.add_error(None, error)
        return None, 200


@login_required
def compound_list(request: AuthedHttpRequest) -> HttpResponse:
    compounds = selectors.compound_list(user=request.user)
    filterset = CompoundFilter(request.GET or None, queryset=compounds, request=request)
    queryset = filterset.qs if filterset.is_bound and filterset.is_valid() else compounds
    filterset.narrow_choices()
    queryset = queryset.order_by(*(queryset.query.order_by or ("street_id", "name")), "id")
    # Page over ids alone, then fetch the page's 25 rows with their relations: the deep-page
    # query joins only what filters and order need (and walks an index), not every relation.
    # Count and totals scan every matching row (40,000 for a year nationally): kept per user
    # and filter until the data changes (renovation.api.caching).
    filters = [(k, v) for k, vs in request.GET.lists() if k not in ("page", "ordering") for v in vs]
    totals = remember(
        f"renovation:compound-totals:{request.user.pk}:{query_digest(filters)}",
        lambda: queryset.order_by().aggregate(
            count=Count("pk"), households=Sum("households"), floor_area=Sum("floor_area")
        ),
    )
    paginator = Paginator(queryset.values_list("pk", flat=True), settings.RENOVATION_PAGE_SIZE)
    paginator.count = totals["count"]  # counted with the totals: one scan, not two
    page = paginator.get_page(request.GET.get("page"))
    rows = compounds.in_bulk(list(page.object_list))
    page.object_list = [rows[pk] for pk in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "programmes/compound_list.html",
        {
            "filter": filterset,
            "page": page,
            "totals": totals,
            "count": paginator.count,
            "query": query.urlencode(),
        },
    )


@login_required
def compound_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    try:
        compound = selectors.compound_detail(user=request.user, pk=pk)
    except Compound.DoesNotExist:
        raise Http404 from None
    projects = list(compound.projects.all())
    current = next((p for p in projects if p.pk == compound.current_project_id), None)
    street = compound.street
    return render(
        request,
        "programmes/compound_detail.html",
        {
            "compound": compound,
            "project": current,
            "other_projects": [p for p in projects if p is not current],
            "stages": Stage.choices,
            "can_file": can_file_street_records(request.user, street.pk),
            "can_approve": can_approve_in_district(request.user, street.district_id),
            "can_set_up": can_set_up_in_district(request.user, street.district_id),
            "history": selectors.history_for_compound(compound=compound),
            **compound_panels(user=request.user, compound=compound),
        },
    )


def _project(request: AuthedHttpRequest, pk: int) -> Project:
    return get_object_or_404(selectors.project_list(user=request.user), pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def progress_file(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    require(can_file_street_records(request.user, project.compound.street_id))
    work_items = list(project.work_items.select_related("work_type"))
    date_param = request.POST.get("loaded_date") or request.GET.get("date")
    report = None
    if date_param:
        report = (
            ProgressReport.objects.filter(project=project, report_date=date_param)
            .prefetch_related("lines")
            .first()
            if _is_iso_date(date_param)
            else None
        )
    previous = {item.pk: item.completed_quantity for item in work_items}
    status = 200
    if request.method == "POST":
        form = ProgressReportForm(
            request.POST, request.FILES, work_items=work_items, previous=previous, report=report
        )
        if form.is_valid():
            arguments = form.service_arguments()
            if report is None or report.report_date != arguments["report_date"]:
                # The form was opened for a new report (or for another date).
                arguments["version"] = None
            saved, status = run_service(
                form, services.progress_report_file, project=project, by=request.user, **arguments
            )
            if saved is not None:
                messages.success(
                    request,
                    _("Progress report for %(date)s saved. Project progress is now %(p)s%%.")
                    % {"date": saved.report_date, "p": saved.project.progress},
                )
                return redirect(project.get_absolute_url())
    else:
        form = ProgressReportForm(work_items=work_items, previous=previous, report=report)
    return render(
        request,
        "programmes/progress_form.html",
        {"project": project, "form": form, "report": report},
        status=status,
    )


def _is_iso_date(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def versioned_form_view(
    request: AuthedHttpRequest,
    *,
    form: forms.Form,
    service: Callable[..., Any],
    arguments: Callable[[dict], dict],
    success: Callable[[Any], str],
    redirect_to: str,
    template: str,
    context: dict,
) -> HttpResponse:
    """GET shows the form; a valid POST calls the service with `arguments(cleaned_data)` plus
    the acting user and the form's version, then redirects with a message. Validation errors
    re-render the form; a stale version answers 409 with the conflict message."""
    status = 200
    if request.method == "POST" and form.is_valid():
        result, status = run_service(
            form,
            service,
            by=request.user,
            version=form.cleaned_data.get("version"),
            **arguments(form.cleaned_data),
        )
        if result is not None:
            messages.success(request, success(result))
            return redirect(redirect_to)
    return render(request, template, {**context, "form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def stage_change(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    require(can_approve_in_district(request.user, project.compound.street.district_id))
    gates = [
        (Stage(stage).label, services.project_stage_gate(project=project, to_stage=stage))
        for stage in services.project_allowed_targets(project)
    ]
    return versioned_form_view(
        request,
        form=StageChangeForm(request.POST or None, project=project),
        service=services.project_stage_transition,
        arguments=lambda data: {
            "project": project,
            "to_stage": data["to_stage"],
            "reason": data["reason"],
            "effective_date": data.get("effective_date"),
        },
        success=lambda transition: (
            _("The project moved to “%(stage)s”.") % {"stage": transition.get_to_stage_display()}
        ),
        redirect_to=project.get_absolute_url(),
        template="programmes/stage_form.html",
        context={"project": project, "gates": gates},
    )


@login_required
@require_http_methods(["GET", "POST"])
def problem_raise(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    require(can_file_street_records(request.user, project.compound.street_id))
    form = SiteProblemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        problem, _status = run_service(
            form, services.site_problem_raise, project=project, by=request.user, **form.cleaned_data
        )
        if problem is not None:
            messages.success(request, _("Problem recorded."))
            return redirect(project.get_absolute_url())
    return render(request, "programmes/problem_form.html", {"project": project, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def problem_close(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    problem = get_object_or_404(selectors.site_problem_list(user=request.user), pk=pk)
    street = problem.project.compound.street
    require(
        can_file_street_records(request.user, street.pk)
        or can_approve_in_district(request.user, street.district_id)
    )
    return versioned_form_view(
        request,
        form=SiteProblemCloseForm(request.POST or None, initial={"version": problem.version}),
        service=services.site_problem_close,
        arguments=lambda data: {"problem": problem, "resolution": data["resolution"]},
        success=lambda closed: _("Problem closed."),
        redirect_to=problem.project.get_absolute_url(),
        template="programmes/problem_close_form.html",
        context={"problem": problem, "project": problem.project},
    )


@login_required
@require_http_methods(["GET", "POST"])
def report_return(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(selectors.progress_report_for_review(user=request.user), pk=pk)
    require(can_approve_in_district(request.user, report.project.compound.street.district_id))
    return versioned_form_view(
        request,
        form=ReportReturnForm(request.POST or None, initial={"version": report.version}),
        service=services.progress_report_return,
        arguments=lambda data: {"report": report, "comment": data["comment"]},
        success=lambda returned: _("The report was returned to the street office."),
        redirect_to=report.project.get_absolute_url(),
        template="programmes/report_return_form.html",
        context={"report": report, "project": report.project},
    )


@login_required
def photo(request: AuthedHttpRequest, pk: int) -> FileResponse:
    """Progress photos are served only to users who may see the project, never as static."""
    visible = ProgressPhoto.objects.filter(
        report__in=selectors.progress_report_list(user=request.user)
    )
    item = get_object_or_404(visible, pk=pk)
    try:
        handle = item.image.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    # The type read from the content, never from the name (a GIF named x.pdf is a GIF).
    response = FileResponse(handle, content_type=image_content_type(handle))
    response["X-Content-Type-Options"] = "nosniff"
    # Scoped content: a shared cache (proxy) must not keep it for the next user.
    patch_cache_control(response, private=True)
    return response

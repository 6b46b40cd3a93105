"""Funding pages. Objects come from scoped selectors (an id outside the user's scope is a 404),
forms are translated and one service is called."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from programmes.models import Programme, Project
from programmes.selectors import ScopeNotFound
from programmes.views import run_service
from renovation import access
from renovation.access import can_approve_in_district, require
from renovation.http import AuthedHttpRequest

from . import pool, selectors, services
from .correction_context import correction_context
from .forms import AllocationForm, CommitmentForm, ExpenditureForm, ReceiptForm, VersionedForm
from .models import ContributionRule
from .templatetags.money import UNITS, unit_or_default

UNIT_SESSION_KEY = "funding_unit"


def chosen_unit(request: HttpRequest) -> str:
    """元 / 万元 / 亿元 from ?unit=, remembered in the session for the next pages."""
    unit = request.GET.get("unit")
    if unit in UNITS:
        request.session[UNIT_SESSION_KEY] = unit
        return unit
    return unit_or_default(request.session.get(UNIT_SESSION_KEY))


def _scope(request: AuthedHttpRequest) -> selectors.FundingScope:
    try:
        return selectors.funding_scope_resolve(user=request.user, params=request.GET)
    except ScopeNotFound:
        raise Http404 from None


@login_required
def mix(request: AuthedHttpRequest) -> HttpResponse:
    scope = _scope(request)
    unit = chosen_unit(request)
    report = selectors.funding_mix(user=request.user, scope=scope)
    return render(
        request,
        "funding/mix.html",
        {
            "scope": scope,
            "options": selectors.funding_scope_options(user=request.user),
            "mix": report,
            "shown": report.shown(unit),
            "unit": unit,
            "units": [("yuan", "元"), ("wan", "万元"), ("yi", "亿元")],
            "chart": report.chart_data(unit),
            "scope_query": urlencode(scope.params()),
        },
    )


def _project(request: AuthedHttpRequest, pk: int) -> Project:
    try:
        return selectors.project_for_funding(user=request.user, pk=pk)
    except Project.DoesNotExist:
        raise Http404 from None


@login_required
def project_funding(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    user = request.user
    return render(
        request,
        "funding/project.html",
        {
            "project": project,
            "lines": selectors.project_funding_lines(user=user, project=project),
            "receipts": selectors.project_receipts(user=user, project=project),
            "expenditures": selectors.project_expenditures(user=user, project=project),
            "mix": selectors.funding_mix(user=user, scope=selectors.FundingScope(project=project)),
            "unit": chosen_unit(request),
            "can_write": access.can_write_project_money(user, project),
            "can_approve": can_approve_in_district(user, project.programme.district_id),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def project_commitment_create(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    require(access.can_write_project_money(request.user, project))
    form = CommitmentForm(request.POST or None, programme=project.programme, project=project)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        commitment, _status = run_service(
            form,
            services.commitment_create,
            by=request.user,
            project=project,
            kind=data["kind"],
            sub_type=data["sub_type"],
            funder=data["funder"],
            amount=data["amount"],
            year=data["year"],
            rule=data.get("rule"),
            mode=data["mode"],
            works=data["works"],
            combines=data["combines"],
            reference=data["reference"],
            note=data["note"],
        )
        if commitment is not None:
            messages.success(request, _("Commitment saved; it awaits the district's approval."))
            return redirect("funding:project", project.pk)
    return render(
        request,
        "funding/commitment_form.html",
        {"form": form, "project": project, "programme": project.programme},
    )


def _programme(request: AuthedHttpRequest, pk: int) -> Programme:
    try:
        return Programme.objects.visible_to(request.user).select_related("district").get(pk=pk)
    except Programme.DoesNotExist:
        raise Http404 from None


@login_required
def programme_funding(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk)
    require(
        access.can_manage_programme_money(request.user, programme)
        or _reads_district(request, programme)
    )
    return render(
        request,
        "funding/programme.html",
        {
            "programme": programme,
            "commitments": selectors.programme_commitments(user=request.user, programme=programme),
            "rules": ContributionRule.objects.filter(programme=programme),
            "unit": chosen_unit(request),
            "can_manage": access.can_manage_programme_money(request.user, programme),
        },
    )


def _reads_district(request: AuthedHttpRequest, programme: Programme) -> bool:
    """City viewers and auditors read programme-level money; street officers do not."""
    user = request.user
    return not (user.street_id and not user.is_superuser)


@login_required
@require_http_methods(["GET", "POST"])
def programme_commitment_create(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk)
    require(access.can_manage_programme_money(request.user, programme))
    form = CommitmentForm(request.POST or None, programme=programme)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        commitment, _status = run_service(
            form,
            services.commitment_create,
            by=request.user,
            programme=programme,
            kind=data["kind"],
            sub_type=data["sub_type"],
            funder=data["funder"],
            amount=data["amount"],
            year=data["year"],
            batch=data.get("batch"),
            mode=data["mode"],
            works=data["works"],
            combines=data["combines"],
            reference=data["reference"],
            note=data["note"],
        )
        if commitment is not None:
            messages.success(request, _("Programme-level commitment saved."))
            return redirect(commitment.get_absolute_url())
    return render(
        request,
        "funding/commitment_form.html",
        {"form": form, "project": None, "programme": programme},
    )


@login_required
def commitment_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    try:
        commitment = selectors.commitment_detail(user=request.user, pk=pk)
    except ObjectDoesNotExist:
        raise Http404 from None
    user = request.user
    project = commitment.project
    return render(
        request,
        "funding/commitment_detail.html",
        {
            "commitment": commitment,
            "unit": chosen_unit(request),
            "can_approve": can_approve_in_district(user, commitment.programme.district_id)
            and commitment.status == commitment.Status.PLANNED,
            "can_write": access.can_write_line(user, commitment, project),
            "can_allocate": commitment.is_programme_level
            and access.can_manage_programme_money(user, commitment.programme),
            "approve_form": VersionedForm(initial={"version": commitment.version}),
            **correction_context(user, commitment),
        },
    )


@login_required
@require_POST
def commitment_approve(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    try:
        commitment = selectors.commitment_detail(user=request.user, pk=pk)
    except ObjectDoesNotExist:
        raise Http404 from None
    require(can_approve_in_district(request.user, commitment.programme.district_id))
    form = VersionedForm(request.POST)
    if form.is_valid():
        approved, _status = run_service(
            form,
            services.commitment_approve,
            commitment=commitment,
            by=request.user,
            version=form.cleaned_data.get("version"),
        )
        if approved is not None:
            messages.success(request, _("Commitment approved."))
            return redirect(_back(request, commitment))
    for error in form.non_field_errors():
        messages.error(request, str(error))  # ErrorList yields each message as a string
    return redirect(_back(request, commitment))


def _back(request: AuthedHttpRequest, commitment) -> str:
    project_id = request.POST.get("project") or request.GET.get("project")
    if project_id and project_id.isdigit():
        return reverse("funding:project", args=[int(project_id)])
    return commitment.get_absolute_url()


def _line(request: AuthedHttpRequest, pk: int):
    raw = request.GET.get("project")
    if raw in (None, ""):
        project_id = None
    elif raw.isdigit():
        project_id = int(raw)
    else:
        raise Http404
    try:
        return selectors.funding_line(user=request.user, commitment_id=pk, project_id=project_id)
    except ObjectDoesNotExist:
        raise Http404 from None


def _record(request: AuthedHttpRequest, pk: int, *, form_class, service, title: str):
    commitment, project = _line(request, pk)
    require(access.can_write_line(request.user, commitment, project))
    kwargs = {"project": project} if form_class is ExpenditureForm else {}
    status = 200
    if request.method == "POST":
        form = form_class(request.POST, **kwargs)
        if form.is_valid():
            data = dict(form.cleaned_data)
            saved, status = run_service(
                form, service, commitment=commitment, project=project, by=request.user, **data
            )
            if saved is not None:
                messages.success(request, _("Saved."))
                if project is not None:
                    return redirect("funding:project", project.pk)
                return redirect(commitment.get_absolute_url())
    else:
        form = form_class(initial={"version": commitment.version}, **kwargs)
    return render(
        request,
        "funding/record_form.html",
        {
            "form": form,
            "commitment": commitment,
            "project": project,
            "title": title,
            "unit": chosen_unit(request),
            "line": _line_summary(request, commitment, project),
        },
        status=status,
    )


def _line_summary(request, commitment, project) -> selectors.Line | None:
    if project is None:
        return None
    lines = selectors.project_funding_lines(user=request.user, project=project)
    return next((line for line in lines if line.commitment.pk == commitment.pk), None)


@login_required
@require_http_methods(["GET", "POST"])
def receipt_create(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _record(
        request,
        pk,
        form_class=ReceiptForm,
        service=services.receipt_record,
        title=_("Record money received"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def expenditure_create(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _record(
        request,
        pk,
        form_class=ExpenditureForm,
        service=services.expenditure_record,
        title=_("Record spending"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def allocation_create(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    try:
        commitment = selectors.commitment_detail(user=request.user, pk=pk)
    except ObjectDoesNotExist:
        raise Http404 from None
    require(access.can_manage_programme_money(request.user, commitment.programme))
    if not commitment.is_programme_level:
        raise Http404
    projects = (
        Project.objects.visible_to(request.user)
        .filter(programme=commitment.programme)
        .select_related("compound")
        .order_by("-year", "compound__name")
    )
    status = 200
    if request.method == "POST":
        form = AllocationForm(request.POST, projects=projects)
        if form.is_valid():
            saved, status = run_service(
                form,
                services.allocation_set,
                commitment=commitment,
                by=request.user,
                **form.cleaned_data,
            )
            if saved is not None:
                messages.success(request, _("Allocation saved."))
                return redirect(commitment.get_absolute_url())
    else:
        form = AllocationForm(initial={"version": commitment.version}, projects=projects)
    return render(
        request,
        "funding/record_form.html",
        {
            "form": form,
            "commitment": commitment,
            "project": None,
            "title": _("Allocate to a project"),
            "unit": chosen_unit(request),
            "line": None,
            "pool": pool.position(commitment),
        },
        status=status,
    )

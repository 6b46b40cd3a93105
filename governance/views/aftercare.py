"""Pages for after the works: satisfaction, long-term management, maintenance funds."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from programmes.views import run_service

from .. import services
from ..forms import FundForm, ManagementForm, SatisfactionForm
from ..models import FundCollection
from ._common import _compound, _create, _form_page, _home, _may_file, _project


@login_required
@require_http_methods(["GET", "POST"])
def satisfaction_create(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    return _create(
        request,
        compound=project.compound,
        form_class=SatisfactionForm,
        service=services.satisfaction_record,
        arguments=lambda d: {
            "project": project,
            **services.service_kwargs(
                d, "held_on", "respondents", "satisfied", "dissatisfied", "notes"
            ),
        },
        title=_("Record the residents' satisfaction evaluation"),
        success=_("Satisfaction evaluation recorded."),
        anchor="after",
    )


@login_required
@require_http_methods(["GET", "POST"])
def management_create(request: HttpRequest, pk: int) -> HttpResponse:
    compound = _compound(request, pk)
    return _create(
        request,
        compound=compound,
        form_class=ManagementForm,
        form_kwargs={"compound": compound},
        service=services.long_term_management_record,
        arguments=lambda d: {
            "compound": compound,
            **services.service_kwargs(
                d, "mode", "provider", "fee_per_m2", "starts_on", "decided_by", "project", "notes"
            ),
        },
        title=_("Record the long-term management"),
        success=_("Long-term management recorded."),
        anchor="after",
    )


@login_required
@require_http_methods(["GET", "POST"])
def fund_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    compound = project.compound
    _may_file(request, compound)
    existing = FundCollection.objects.filter(project=project).first()
    status = 200
    if request.method == "POST":
        form = FundForm(request.POST)
        if form.is_valid():
            saved, status = run_service(
                form,
                services.fund_collection_record,
                project=project,
                by=request.user,
                **services.service_kwargs(
                    form.cleaned_data,
                    "version",
                    "as_of",
                    "standard",
                    "households_expected",
                    "households_paid",
                    "amount_expected",
                    "amount_collected",
                ),
            )
            if saved is not None:
                messages.success(request, _("Maintenance-fund collection saved."))
                return redirect(_home(compound, "funds"))
    elif existing is not None:
        form = FundForm(
            initial={
                "version": existing.version,
                "as_of": existing.as_of,
                "standard": existing.standard,
                "households_expected": existing.households_expected,
                "households_paid": existing.households_paid,
                "amount_expected": existing.amount_expected,
                "amount_collected": existing.amount_collected,
            }
        )
    else:
        form = FundForm(
            initial={"as_of": timezone.localdate(), "households_expected": compound.households}
        )
    return _form_page(
        request,
        compound=compound,
        form=form,
        title=_("Maintenance-fund collection"),
        status=status,
    )

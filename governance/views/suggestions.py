"""Pages for residents' suggestions and complaints: record, list and handle."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from programmes.views import run_service
from renovation.access import can_approve_in_district, can_file_street_records, require

from .. import selectors, services
from ..forms import SuggestionActionForm, SuggestionForm
from ..models import Suggestion
from ._common import _compound, _create


@login_required
@require_http_methods(["GET", "POST"])
def suggestion_create(request: HttpRequest, pk: int) -> HttpResponse:
    compound = _compound(request, pk)
    return _create(
        request,
        compound=compound,
        form_class=SuggestionForm,
        form_kwargs={"compound": compound},
        service=services.suggestion_record,
        arguments=lambda d: {
            "compound": compound,
            **services.service_kwargs(
                d, "kind", "channel", "text", "contact", "received_at", "project"
            ),
        },
        title=_("Record a suggestion or complaint"),
        success=_("Suggestion recorded."),
        anchor="suggestions",
    )


@login_required
def suggestion_list(request: HttpRequest) -> HttpResponse:
    queryset = selectors.suggestion_list(user=request.user).order_by("-received_at", "-id")
    status = request.GET.get("status", "")
    if status in Suggestion.Status.values:
        queryset = queryset.filter(status=status)
    page = Paginator(queryset, 25).get_page(request.GET.get("page"))
    rows = [
        (
            s,
            selectors.suggestion_contact(
                s, personal=selectors.personal_data_visible(request.user, s.compound)
            ),
        )
        for s in page.object_list
    ]
    return render(
        request,
        "governance/suggestion_list.html",
        {
            "page": page,
            "rows": rows,
            "status": status,
            "statuses": Suggestion.Status.choices,
            "figures": selectors.governance_indicators(user=request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def suggestion_detail(request: HttpRequest, pk: int) -> HttpResponse:
    suggestion = get_object_or_404(selectors.suggestion_list(user=request.user), pk=pk)
    compound = suggestion.compound
    street = compound.street
    may_handle = can_file_street_records(request.user, street.pk) or can_approve_in_district(
        request.user, street.district_id
    )
    status = 200
    form = SuggestionActionForm(initial={"version": suggestion.version})
    if request.method == "POST":
        require(may_handle)
        form = SuggestionActionForm(request.POST)
        if form.is_valid():
            action = form.cleaned_data["action"]
            version = form.cleaned_data.get("version")
            if action == "assign":
                saved, status = run_service(
                    form,
                    services.suggestion_assign,
                    suggestion=suggestion,
                    by=request.user,
                    version=version,
                    assigned_to=form.cleaned_data["assigned_to"],
                )
            elif action == "answer":
                saved, status = run_service(
                    form,
                    services.suggestion_answer,
                    suggestion=suggestion,
                    by=request.user,
                    version=version,
                    answer=form.cleaned_data["answer"],
                )
            else:
                saved, status = run_service(
                    form,
                    services.suggestion_close,
                    suggestion=suggestion,
                    by=request.user,
                    version=version,
                )
            if saved is not None:
                messages.success(request, _("Suggestion updated."))
                return redirect(reverse("governance:suggestion-detail", args=[suggestion.pk]))
    personal = selectors.personal_data_visible(request.user, compound)
    return render(
        request,
        "governance/suggestion_detail.html",
        {
            "suggestion": suggestion,
            "compound": compound,
            "contact": selectors.suggestion_contact(suggestion, personal=personal),
            "form": form,
            "may_handle": may_handle,
        },
        status=status,
    )

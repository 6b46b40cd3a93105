"""The governance page of a compound, and its resident committees with their members."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from programmes.models import Stage
from programmes.views import run_service
from renovation.access import can_approve_in_district, can_file_street_records

from .. import selectors, services
from ..forms import CommitteeForm, MemberForm
from ._common import _compound, _create, _form_page, _home, _may_file


@login_required
def compound_governance(request: HttpRequest, pk: int) -> HttpResponse:
    compound = _compound(request, pk)
    data = selectors.compound_governance(user=request.user, compound=compound)
    return render(
        request,
        "governance/compound.html",
        {
            "compound": compound,
            "data": data,
            "can_file": can_file_street_records(request.user, compound.street_id),
            "can_approve": can_approve_in_district(request.user, compound.street.district_id),
            "accepted_stages": [Stage.ACCEPTED, Stage.HANDED_OVER],
        },
    )


# --- Committees ----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def committee_create(request: HttpRequest, pk: int) -> HttpResponse:
    compound = _compound(request, pk)
    return _create(
        request,
        compound=compound,
        form_class=CommitteeForm,
        service=services.committee_create,
        arguments=lambda d: {
            "compound": compound,
            **services.service_kwargs(
                d, "kind", "name", "formed_on", "term_ends_on", "headcount", "notes"
            ),
        },
        title=_("New resident committee"),
        success=_("Committee recorded."),
        anchor="committees",
    )


@login_required
@require_http_methods(["GET", "POST"])
def committee_edit(request: HttpRequest, pk: int) -> HttpResponse:
    committee = get_object_or_404(selectors.committee_list(user=request.user), pk=pk)
    compound = committee.compound
    if compound is None:
        raise Http404
    _may_file(request, compound)
    status = 200
    if request.method == "POST":
        form = CommitteeForm(request.POST)
        if form.is_valid():
            saved, status = run_service(
                form,
                services.committee_update,
                committee=committee,
                by=request.user,
                **services.service_kwargs(
                    form.cleaned_data,
                    "version",
                    "kind",
                    "name",
                    "formed_on",
                    "term_ends_on",
                    "headcount",
                    "notes",
                ),
            )
            if saved is not None:
                messages.success(request, _("Committee saved."))
                return redirect(_home(compound, "committees"))
    else:
        form = CommitteeForm(
            initial={
                "version": committee.version,
                "kind": committee.kind,
                "name": committee.name,
                "formed_on": committee.formed_on,
                "term_ends_on": committee.term_ends_on,
                "headcount": committee.headcount,
                "notes": committee.notes,
            }
        )
    return _form_page(request, compound=compound, form=form, title=committee.name, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    committee = get_object_or_404(selectors.committee_list(user=request.user), pk=pk)
    compound = committee.compound
    if compound is None:
        raise Http404
    return _create(
        request,
        compound=compound,
        form_class=MemberForm,
        service=services.committee_member_add,
        arguments=lambda d: {
            "committee": committee,
            **services.service_kwargs(
                d, "name", "role", "building", "unit", "is_party_member", "phone"
            ),
        },
        title=_("Add a member to %(committee)s") % {"committee": committee.name},
        intro=_("Names and phone numbers are shown only to the street office and the district."),
        success=_("Member added."),
        anchor="committees",
    )


@login_required
@require_POST
def member_remove(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_object_or_404(
        selectors.member_list(user=request.user).select_related("committee__compound"), pk=pk
    )
    compound = member.committee.compound
    if compound is None:
        raise Http404
    _may_file(request, compound)
    services.committee_member_remove(member=member, by=request.user)
    messages.success(request, _("Member removed."))
    return redirect(_home(compound, "committees"))

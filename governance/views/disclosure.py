"""Staff pages of public disclosure (公示): create and edit."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from programmes.views import run_service
from renovation.access import can_approve_in_district, can_file_street_records, require

from .. import selectors, services
from ..forms import DisclosureForm
from ._common import _create, _form_page, _home, _project


@login_required
@require_http_methods(["GET", "POST"])
def disclosure_create(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    return _create(
        request,
        compound=project.compound,
        form_class=DisclosureForm,
        service=services.disclosure_create,
        arguments=lambda d: {
            "project": project,
            **services.service_kwargs(
                d,
                "title",
                "summary",
                "window_starts_on",
                "window_ends_on",
                "objection_deadline",
                "published",
            ),
        },
        title=_("Prepare a public disclosure"),
        intro=_("The disclosure is public only once it is published."),
        success=_("Disclosure prepared. Publish it when it is ready."),
        anchor="disclosures",
    )


@login_required
@require_http_methods(["GET", "POST"])
def disclosure_edit(request: HttpRequest, pk: int) -> HttpResponse:
    disclosure = get_object_or_404(selectors.disclosure_list(user=request.user), pk=pk)
    compound = disclosure.project.compound
    street = compound.street
    require(
        can_file_street_records(request.user, street.pk)
        or can_approve_in_district(request.user, street.district_id)
    )
    status = 200
    if request.method == "POST":
        form = DisclosureForm(request.POST)
        if form.is_valid():
            saved, status = run_service(
                form,
                services.disclosure_update,
                disclosure=disclosure,
                by=request.user,
                **services.service_kwargs(
                    form.cleaned_data,
                    "version",
                    "title",
                    "summary",
                    "window_starts_on",
                    "window_ends_on",
                    "objection_deadline",
                    "published",
                ),
            )
            if saved is not None:
                messages.success(request, _("Disclosure saved."))
                return redirect(_home(compound, "disclosures"))
    else:
        form = DisclosureForm(
            initial={
                "version": disclosure.version,
                "title": disclosure.title,
                "summary": disclosure.summary,
                "window_starts_on": disclosure.window_starts_on,
                "window_ends_on": disclosure.window_ends_on,
                "objection_deadline": disclosure.objection_deadline,
                "published": disclosure.published,
            }
        )
    return _form_page(
        request,
        compound=compound,
        form=form,
        title=disclosure.title,
        intro=_("Public link: %(url)s")
        % {"url": request.build_absolute_uri(disclosure.get_absolute_url())},
        status=status,
    )

"""The public disclosure pages (no login): the notice, its print version and its QR code.
They show nothing personal."""

from __future__ import annotations

import io
from typing import Any

import segno
from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods

from programmes.views import run_service
from renovation.security import client_ip

from .. import selectors, services
from ..forms import PublicObjectionForm
from ..models import Disclosure

TOO_MANY_REQUESTS = 429


def _public(token: str) -> Disclosure:
    try:
        return selectors.public_disclosure(token=token)
    except ObjectDoesNotExist:
        raise Http404 from None


def _public_context(request: HttpRequest, disclosure: Disclosure) -> dict[str, Any]:
    project = disclosure.project
    today = timezone.localdate()
    return {
        "disclosure": disclosure,
        "project": project,
        "compound": project.compound,
        "work_items": list(project.work_items.all()),
        "funding_mix": selectors.public_funding_mix(project),
        "stages": selectors.public_stages(),
        "stage_index": project.stage_index,
        "accepting": disclosure.accepts_objections_on(today),
        "today": today,
        "public_url": request.build_absolute_uri(disclosure.get_absolute_url()),
    }


def _client_address(request: HttpRequest) -> str:
    # X-Forwarded-For only as far as the configured proxies vouch for it (DJANGO_TRUSTED_PROXIES,
    # renovation.security.client_ip), or anyone could reset their own limit.
    return client_ip(request) or "unknown"


@require_http_methods(["GET", "POST"])
def public_disclosure(request: HttpRequest, token: str) -> HttpResponse:
    disclosure = _public(token)
    status = 200
    form = PublicObjectionForm()
    if request.method == "POST":
        form = PublicObjectionForm(request.POST)
        if form.is_valid():
            if form.cleaned_data.get("website"):
                # A bot filled the hidden field: acknowledge, store nothing.
                messages.success(request, _("Thank you. Your message was received."))
                return redirect(disclosure.get_absolute_url())
            try:
                saved, status = run_service(
                    form,
                    services.suggestion_submit_public,
                    disclosure=disclosure,
                    kind=form.cleaned_data["kind"],
                    text=form.cleaned_data["text"],
                    contact=form.cleaned_data["contact"],
                    client=_client_address(request),
                )
            except services.RateLimitedError as error:
                form.add_error(None, error.message)
                saved, status = None, TOO_MANY_REQUESTS
            if saved is not None:
                messages.success(
                    request,
                    _(
                        "Thank you. Your message was received and will be answered by the street "
                        "office."
                    ),
                )
                return redirect(disclosure.get_absolute_url())
    context = _public_context(request, disclosure)
    context["form"] = form
    response = render(request, "governance/public_disclosure.html", context, status=status)
    response["X-Robots-Tag"] = "noindex"
    return response


def public_disclosure_print(request: HttpRequest, token: str) -> HttpResponse:
    disclosure = _public(token)
    response = render(request, "governance/public_print.html", _public_context(request, disclosure))
    response["X-Robots-Tag"] = "noindex"
    return response


@cache_control(max_age=3600, public=True)
def public_disclosure_qr(request: HttpRequest, token: str) -> HttpResponse:
    """An SVG QR code of the public page's address, for the printed notice."""
    disclosure = _public(token)
    url = request.build_absolute_uri(disclosure.get_absolute_url())
    buffer = io.BytesIO()
    segno.make(url, error="m").save(
        buffer, kind="svg", scale=6, border=2, xmldecl=False, title=disclosure.title
    )
    return HttpResponse(buffer.getvalue(), content_type="image/svg+xml")

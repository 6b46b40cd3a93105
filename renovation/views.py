"""The site shell: home dashboard and health check."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from funding.selectors import dashboard_funding_panel
from governance.selectors import dashboard_governance_panel
from programmes import selectors


@login_required
def home(request: HttpRequest) -> HttpResponse:
    this_year = timezone.localdate().year
    try:
        year = int(request.GET.get("year", this_year))
    except ValueError:
        year = this_year
    if not 1990 <= year <= 2100:
        year = this_year
    board = selectors.dashboard(user=request.user, year=year)
    return render(
        request,
        "renovation/home.html",
        {
            "board": board,
            "year_choices": sorted({y.year for y in board.years} | {this_year}),
            "funding_mix": dashboard_funding_panel(user=request.user),
            "governance_panel": dashboard_governance_panel(user=request.user),
        },
    )


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database reachability, for the compose health check and load balancers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # any database failure means "not healthy", never a 500 page
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok"})

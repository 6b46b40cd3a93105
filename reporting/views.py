"""The home dashboard: the user's own scope, from its latest snapshot."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from funding.selectors import dashboard_funding_panel
from governance.selectors import dashboard_governance_panel
from programmes import selectors
from renovation.access import can_request_recompute
from renovation.http import AuthedHttpRequest

from .notifications.selectors import dashboard_reminders
from .rollups import selectors as rollups


def chosen_year(request: HttpRequest) -> int:
    this_year = timezone.localdate().year
    try:
        year = int(request.GET.get("year", this_year))
    except ValueError:
        year = this_year
    return year if 1990 <= year <= 2100 else this_year


@login_required
def home(request: AuthedHttpRequest) -> HttpResponse:
    """The user's own scope: read from its latest statistics snapshot (with its age), or live
    from the selectors, clearly labelled, until a first snapshot exists."""
    user = request.user
    year = chosen_year(request)
    scope = rollups.scope_of(user)
    snapshot = rollups.latest_snapshot(kind=scope[0], pk=scope[1]) if scope else None
    if scope is not None and snapshot is not None:
        statistics = rollups.statistics_from_snapshot(
            snapshot=snapshot,
            year=year,
            units=rollups.child_units(kind=scope[0], pk=scope[1]),
            problems=selectors.site_problem_list(user=user),
        )
    else:
        statistics = rollups.Statistics(
            board=selectors.dashboard(user=user, year=year),
            funding_mix=dashboard_funding_panel(user=user),
            governance_panel=dashboard_governance_panel(user=user),
            snapshot=None,
            figures=None,
            trend=[],
            street_progress={},
        )
    board = statistics.board
    return render(
        request,
        "renovation/home.html",
        {
            "board": board,
            "year_choices": sorted({y.year for y in board.years} | {timezone.localdate().year}),
            "funding_mix": statistics.funding_mix,
            "governance_panel": statistics.governance_panel,
            "statistics": statistics,
            "scope": scope,
            "charts": rollups.chart_data(
                board=board,
                funding_mix=statistics.funding_mix,
                trend=statistics.trend,
                street_progress=statistics.street_progress,
            ),
            "rollup_failure": rollups.last_failure(user=user),
            "reminders": dashboard_reminders(user=user),
            "can_recompute": can_request_recompute(user),
        },
    )

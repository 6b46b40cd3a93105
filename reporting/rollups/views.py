"""Statistics pages: any scope's snapshot with charts, and the full recompute with its
progress bar (the bar polls `run_status`, from static/js/rollup-progress.js)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from programmes.models import SiteProblem
from renovation.access import can_request_recompute
from renovation.http import AuthedHttpRequest
from renovation.models import ScopeKind

from ..models import RollupRun
from ..views import chosen_year
from . import selectors, services

PROBLEMS_OF: dict[str, str | None] = {
    ScopeKind.ALL: None,
    ScopeKind.PROVINCE: "project__compound__street__district__city__province",
    ScopeKind.CITY: "project__compound__street__district__city",
    ScopeKind.DISTRICT: "project__compound__street__district",
    ScopeKind.STREET: "project__compound__street",
    ScopeKind.AREA: "project__compound__area",
    ScopeKind.PROGRAMME: "project__programme",
}


@login_required
def scope_statistics(request: AuthedHttpRequest, kind: str, pk: int = 0) -> HttpResponse:
    """One scope's statistics from its latest snapshot: figures, charts, tables, trend."""
    try:
        scope = selectors.scope_in_reach(user=request.user, kind=kind, pk=pk)
    except LookupError:
        raise Http404 from None
    snapshot = selectors.latest_snapshot(kind=scope.kind, pk=scope.pk)
    context: dict[str, Any] = {
        "scope": scope,
        "snapshot": snapshot,
        "can_recompute": can_request_recompute(request.user),
    }
    if snapshot is not None:
        problems = SiteProblem.objects.select_related(
            "project", "project__compound", "project__compound__street"
        )
        path = PROBLEMS_OF[scope.kind]
        if path:
            problems = problems.filter(**{path: scope.pk})
        statistics = selectors.statistics_from_snapshot(
            snapshot=snapshot,
            year=chosen_year(request),
            units=selectors.child_units(kind=scope.kind, pk=scope.pk),
            problems=problems,
        )
        board = statistics.board
        context.update(
            statistics=statistics,
            board=board,
            funding_mix=statistics.funding_mix,
            governance_panel=statistics.governance_panel,
            work_rows=selectors.work_rows(statistics.figures) if statistics.figures else [],
            year_choices=sorted({y.year for y in board.years} | {snapshot.as_of.year}),
            charts=selectors.chart_data(
                board=board,
                funding_mix=statistics.funding_mix,
                trend=statistics.trend,
                street_progress=statistics.street_progress,
            ),
        )
    return render(request, "renovation/statistics.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def recompute(request: AuthedHttpRequest) -> HttpResponse:
    """District officials start a full recompute of every scope and follow its progress."""
    if not can_request_recompute(request.user):
        raise PermissionDenied(_("Only district officials can recompute the statistics."))
    if request.method == "POST":
        run = services.rollup_full_request(by=request.user)
        messages.success(request, _("The statistics are being recomputed."))
        return redirect("rollups:run", pk=run.pk)
    return render(
        request,
        "renovation/recompute.html",
        {"runs": selectors.recent_runs()},
    )


def _run(request: AuthedHttpRequest, pk: int) -> RollupRun:
    try:
        return selectors.rollup_run_for(user=request.user, pk=pk)
    except RollupRun.DoesNotExist:
        raise Http404 from None


@login_required
def run_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return render(request, "renovation/run.html", {"run": _run(request, pk)})


@never_cache
@login_required
def run_status(request: AuthedHttpRequest, pk: int) -> JsonResponse:
    """The run's progress record, polled by the progress bar."""
    run = _run(request, pk)
    return JsonResponse(
        {
            "status": run.status,
            "status_label": run.get_status_display(),
            "percent": run.percent,
            "steps_done": run.steps_done,
            "steps_total": run.steps_total,
            "finished": run.is_finished,
            "error": run.error,
        }
    )

"""Pages for owners' votes: create, read, tally and import ballots."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from programmes.views import run_service
from renovation.access import can_file_street_records

from .. import selectors, services
from ..forms import BallotImportForm, TallyForm, VoteForm
from ._common import _compound, _form_page, _may_file


@login_required
@require_http_methods(["GET", "POST"])
def vote_create(request: HttpRequest, pk: int) -> HttpResponse:
    compound = _compound(request, pk)
    _may_file(request, compound)
    status = 200
    if request.method == "POST":
        form = VoteForm(request.POST, compound=compound)
        if form.is_valid():
            vote, status = run_service(
                form,
                services.owner_vote_create,
                compound=compound,
                by=request.user,
                **services.service_kwargs(
                    form.cleaned_data,
                    "matter",
                    "title",
                    "held_on",
                    "eligible_owners",
                    "eligible_area",
                    "scope_kind",
                    "building",
                    "unit",
                    "project",
                ),
            )
            if vote is not None:
                messages.success(request, _("Vote recorded. Now enter its tally."))
                return redirect(vote.get_absolute_url())
    else:
        form = VoteForm(compound=compound)
    return _form_page(
        request,
        compound=compound,
        form=form,
        title=_("Record an owners' vote"),
        intro=_(
            "Civil Code art. 278: owners with two thirds of the area and two thirds of the "
            "owners must take part; the thresholds for approval depend on the matter."
        ),
        status=status,
    )


def _vote(request: HttpRequest, pk: int):
    return get_object_or_404(selectors.vote_list(user=request.user), pk=pk)


@login_required
def vote_detail(request: HttpRequest, pk: int) -> HttpResponse:
    vote = _vote(request, pk)
    compound = vote.compound
    return render(
        request,
        "governance/vote_detail.html",
        {
            "vote": vote,
            "compound": compound,
            "result": selectors.vote_result(vote) if vote.is_tallied else None,
            "ballot_count": vote.ballots.count(),
            "can_file": can_file_street_records(request.user, compound.street_id),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def vote_tally(request: HttpRequest, pk: int) -> HttpResponse:
    vote = _vote(request, pk)
    compound = vote.compound
    _may_file(request, compound)
    status = 200
    if request.method == "POST":
        form = TallyForm(request.POST)
        if form.is_valid():
            saved, status = run_service(
                form,
                services.owner_vote_tally,
                vote=vote,
                by=request.user,
                **services.service_kwargs(
                    form.cleaned_data,
                    "version",
                    "participating_owners",
                    "participating_area",
                    "agree_owners",
                    "agree_area",
                    "oppose_owners",
                    "oppose_area",
                ),
            )
            if saved is not None:
                messages.success(
                    request,
                    _("Tally saved: the vote passed.")
                    if saved.passed
                    else _("Tally saved: the vote did not pass."),
                )
                return redirect(vote.get_absolute_url())
    else:
        form = TallyForm.for_vote(vote)
    return _form_page(
        request,
        compound=compound,
        form=form,
        title=_("Tally of “%(title)s”") % {"title": vote.title},
        intro=_(
            "%(owners)s owners with %(area)s m² may vote. Entering totals replaces any imported "
            "ballots."
        )
        % {"owners": vote.eligible_owners, "area": vote.eligible_area},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def vote_ballots(request: HttpRequest, pk: int) -> HttpResponse:
    vote = _vote(request, pk)
    compound = vote.compound
    _may_file(request, compound)
    status = 200
    sheet = None
    if request.method == "POST":
        form = BallotImportForm(request.POST, request.FILES)
        if form.is_valid():
            confirm = form.cleaned_data["confirm"]
            sheet, status = run_service(
                form,
                services.owner_vote_import_ballots,
                vote=vote,
                by=request.user,
                upload=form.cleaned_data["sheet"],
                dry_run=not confirm,
                version=form.cleaned_data.get("version"),
            )
            if sheet is not None and confirm:
                messages.success(
                    request,
                    _("%(n)s ballots imported; the tally was recomputed.") % {"n": len(sheet.rows)},
                )
                return redirect(vote.get_absolute_url())
            if sheet is not None and sheet.errors:
                status = 200
    else:
        form = BallotImportForm(initial={"version": vote.version})
    return _form_page(
        request,
        compound=compound,
        form=form,
        title=_("Import ballots for “%(title)s”") % {"title": vote.title},
        intro=_(
            "Columns: room (房号), owner (业主, optional), exclusive area (专有面积) and choice "
            "(同意/反对/弃权). The sheet is checked first; nothing is saved unless every row is "
            "valid and you tick “save”."
        ),
        status=status,
        multipart=True,
        extra={"sheet": sheet, "vote": vote},
        template="governance/ballot_import.html",
    )

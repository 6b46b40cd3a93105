"""Pages of resident governance. Each view takes its object from a scoped selector (an id outside
the user's scope is a 404), checks the role, translates the form and calls one service. The
public disclosure pages need no login and show nothing personal."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods, require_POST

from programmes.models import Compound, Project, Stage
from programmes.views import run_service
from renovation.access import can_approve_in_district, can_file_street_records, require
from renovation.security import client_ip

from . import selectors, services
from .forms import (
    BallotImportForm,
    CommitteeForm,
    DisclosureForm,
    FundForm,
    ManagementForm,
    MeetingForm,
    MemberForm,
    PublicObjectionForm,
    SatisfactionForm,
    SuggestionActionForm,
    SuggestionForm,
    SurveyForm,
    TallyForm,
    VoteForm,
)
from .models import Disclosure, FundCollection, Suggestion

TOO_MANY_REQUESTS = 429


def _compound(request: HttpRequest, pk: int) -> Compound:
    try:
        return selectors.compound_in_scope(user=request.user, pk=pk)
    except Compound.DoesNotExist:
        raise Http404 from None


def _project(request: HttpRequest, pk: int) -> Project:
    try:
        return selectors.project_in_scope(user=request.user, pk=pk)
    except Project.DoesNotExist:
        raise Http404 from None


def _may_file(request: HttpRequest, compound: Compound) -> None:
    require(
        can_file_street_records(request.user, compound.street_id),
        _("Only the street office in charge records governance for this compound."),
    )


def _home(compound: Compound, anchor: str = "") -> str:
    url = reverse("governance:compound", args=[compound.pk])
    return f"{url}#{anchor}" if anchor else url


def _form_page(
    request: HttpRequest,
    *,
    compound: Compound,
    form,
    title: str,
    intro: str = "",
    status: int = 200,
    multipart: bool = False,
    extra: dict[str, Any] | None = None,
    template: str = "governance/form.html",
) -> HttpResponse:
    return render(
        request,
        template,
        {
            "compound": compound,
            "form": form,
            "title": title,
            "intro": intro,
            "multipart": multipart,
            **(extra or {}),
        },
        status=status,
    )


def _create(
    request: HttpRequest,
    *,
    compound: Compound,
    form_class,
    service: Callable[..., Any],
    arguments: Callable[[dict], dict],
    title: str,
    success: str,
    anchor: str,
    form_kwargs: dict | None = None,
    intro: str = "",
    multipart: bool = False,
) -> HttpResponse:
    """The create pattern shared by the record forms: validate, call the service, redirect."""
    _may_file(request, compound)
    form_kwargs = form_kwargs or {}
    status = 200
    if request.method == "POST":
        form = form_class(request.POST, request.FILES, **form_kwargs)
        if form.is_valid():
            saved, status = run_service(
                form, service, by=request.user, **arguments(form.cleaned_data)
            )
            if saved is not None:
                messages.success(request, success)
                return redirect(_home(compound, anchor))
    else:
        form = form_class(**form_kwargs)
    return _form_page(
        request,
        compound=compound,
        form=form,
        title=title,
        intro=intro,
        status=status,
        multipart=multipart,
    )


# --- The governance page of a compound -----------------------------------------------------


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


# --- Meetings and surveys ------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request: HttpRequest, pk: int) -> HttpResponse:
    compound = _compound(request, pk)
    return _create(
        request,
        compound=compound,
        form_class=MeetingForm,
        form_kwargs={"compound": compound},
        service=services.meeting_record,
        arguments=lambda d: {
            "compound": compound,
            **services.service_kwargs(
                d, "kind", "held_on", "attendance", "topics", "resolutions", "project", "minutes"
            ),
        },
        title=_("Record a meeting"),
        success=_("Meeting recorded."),
        anchor="meetings",
        multipart=True,
    )


@login_required
def meeting_minutes(request: HttpRequest, pk: int) -> FileResponse:
    """Minutes are served only to users who may see the compound, never as static files."""
    meeting = get_object_or_404(selectors.meeting_list(user=request.user), pk=pk)
    if not meeting.minutes:
        raise Http404
    try:
        handle = meeting.minutes.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True)
    patch_cache_control(response, private=True)  # scoped content: never in a shared cache
    return response


@login_required
@require_http_methods(["GET", "POST"])
def survey_create(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    compound = project.compound
    return _create(
        request,
        compound=compound,
        form_class=SurveyForm,
        form_kwargs={"compound": compound},
        service=services.opinion_survey_record,
        arguments=lambda d: {
            "project": project,
            **services.service_kwargs(
                d,
                "held_on",
                "scope_kind",
                "building",
                "unit",
                "scope_label",
                "forms_issued",
                "forms_returned",
                "support",
                "oppose",
                "abstain",
                "suggestions",
            ),
        },
        title=_("Record an opinion survey"),
        intro=_("The programme needs %(threshold)s%% support to leave consultation.")
        % {"threshold": project.programme.support_threshold},
        success=_("Survey recorded."),
        anchor="surveys",
    )


# --- Owners' votes -------------------------------------------------------------------------


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


# --- Suggestions ---------------------------------------------------------------------------


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


# --- After the works -----------------------------------------------------------------------


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


# --- Disclosure (staff side) ---------------------------------------------------------------


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


# --- Public disclosure (no login) ----------------------------------------------------------


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

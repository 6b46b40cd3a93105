"""Pages for meetings (with their minutes) and opinion surveys."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .. import selectors, services
from ..forms import MeetingForm, SurveyForm
from ._common import _compound, _create, _project


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

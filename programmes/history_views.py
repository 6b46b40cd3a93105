"""The historical-record page: a district official enters a project that started or finished
in the past with its real dates, through the same service as the API."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from renovation.access import can_enter_historical_record, require
from renovation.http import AuthedHttpRequest

from . import history_services
from .history_forms import HistoricalRecordForm
from .views import _project, run_service


def _enter(**kwargs):
    """The service, with its money errors (`money.0.amount`) named as the form's fields."""
    try:
        return history_services.project_historical_record_enter(**kwargs)
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            raise
        renamed: dict[str, list] = {}
        for key, errors in error.error_dict.items():
            if key.startswith("money.0."):
                key = "money_" + key.removeprefix("money.0.")
            renamed.setdefault(key.replace(".", "_"), []).extend(errors)
        raise ValidationError(renamed) from None


@login_required
@require_http_methods(["GET", "POST"])
def historical_record(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    require(can_enter_historical_record(request.user, project.compound.street.district_id))
    form = HistoricalRecordForm(request.POST or None, project=project)
    status = 200
    if request.method == "POST" and form.is_valid():
        arguments = form.service_arguments()
        saved, status = run_service(
            form,
            _enter,
            project=project,
            by=request.user,
            **arguments,
        )
        if saved is not None:
            messages.success(
                request,
                _("The historical record was entered: the project is at “%(stage)s”.")
                % {"stage": saved.get_stage_display()},
            )
            return redirect(project.get_absolute_url())
    warnings = form.errors.get("confirm_warnings") if form.is_bound else None
    return render(
        request,
        "programmes/history/record_form.html",
        {
            "project": project,
            "form": form,
            "warnings": warnings,
            "warnings_only": bool(warnings) and set(form.errors) == {"confirm_warnings"},
        },
        status=status,
    )

"""The programme import page (项目清单) of the programme set-up: download the template, check
the file, import it. Same service as `POST /api/v1/programmes/{id}/import/`."""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from renovation.access import can_set_up_in_district
from renovation.http import AuthedHttpRequest

from . import selectors
from .models import Programme
from .programme_import import programme_import, programme_import_template

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _programme(request: AuthedHttpRequest, pk: int) -> Programme:
    programme = get_object_or_404(
        selectors.programme_list(user=request.user).select_related("district"), pk=pk
    )
    if not can_set_up_in_district(request.user, programme.district_id):
        raise PermissionDenied
    return programme


@login_required
@require_http_methods(["GET", "POST"])
def programme_import_page(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk)
    result = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("Choose the project list to upload."))
        else:
            result = programme_import(
                user=request.user,
                programme=programme,
                upload=upload,
                commit=request.POST.get("action") == "commit",
                confirm_warnings=request.POST.get("confirm_warnings") == "on",
            )
            if result.committed:
                messages.success(
                    request,
                    _("Project list imported: %(new)s projects added, %(updated)s updated.")
                    % {"new": result.projects_new, "updated": result.projects_updated},
                )
    return render(
        request,
        "programmes/setup/programme_import.html",
        {"programme": programme, "result": result},
    )


@login_required
def programme_import_template_download(request: AuthedHttpRequest, pk: int) -> FileResponse:
    programme = _programme(request, pk)
    handle = io.BytesIO()
    programme_import_template(handle, programme=programme)
    handle.seek(0)
    name = _("project list template")
    return FileResponse(handle, as_attachment=True, filename=f"{name}.xlsx", content_type=XLSX)

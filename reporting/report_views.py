"""Pages of exports and reports: the ledger (XLSX/CSV, at once or as a job), the statutory
returns, the printable weekly report and monthly bulletin, the census import and notifications.

Every scope parameter is resolved among what the user may see, so an id outside the user's
scope is a 404. Views translate input and call selectors and services; nothing is computed here.
"""

from __future__ import annotations

import datetime as dt
import io
import tempfile
from collections.abc import Iterator

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import (
    FileResponse,
    Http404,
    HttpResponse,
    HttpResponseBase,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.translation import get_language, override
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from programmes import imports
from programmes.models import Area, District, Programme, Street
from renovation.access import can_approve_in_district, can_import_census
from renovation.http import AuthedHttpRequest
from renovation.xlsx import Column, Table, csv_lines, unit_or_default, write_workbook

from .exports import jobs, periodic, returns
from .exports.ledger import BUILDERS, ledger_size, ledger_tables, sheet_titles
from .exports.scope import LedgerScope, ScopeNotFound, ledger_scope_resolve
from .models import ExportJob
from .notifications import selectors as notification_selectors
from .notifications import services as notification_services

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _scope(request: AuthedHttpRequest) -> LedgerScope:
    try:
        return ledger_scope_resolve(user=request.user, params=request.GET)
    except ScopeNotFound:
        raise Http404 from None


def _year(raw: object, default: int) -> int:
    if raw in (None, ""):
        return default
    try:
        year = int(str(raw))
    except ValueError:
        raise Http404 from None
    if not 1990 <= year <= 2100:
        raise Http404
    return year


def _district(request: AuthedHttpRequest) -> District:
    """The district of a return or report: ?district= among those the user may see, else the
    user's own."""
    raw = request.GET.get("district")
    if raw in (None, ""):
        street = request.user.street
        own = request.user.district_id or (street.district_id if street is not None else None)
        if own is None:
            raise Http404
        raw = str(own)
    try:
        return District.objects.visible_to(request.user).get(pk=int(str(raw)))
    except (District.DoesNotExist, ValueError):
        raise Http404 from None


def _xlsx_response(tables: list[Table], filename: str) -> FileResponse:
    # FileResponse closes the file when the response is done.
    handle = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    write_workbook(tables, handle)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX)


def _stamp() -> str:
    return timezone.localtime().strftime("%Y%m%d")


# --- Hub -----------------------------------------------------------------------------------


@login_required
def index(request: AuthedHttpRequest) -> HttpResponse:
    """Exports, returns and reports in one place, with scope choices the user may see."""
    user = request.user
    today = timezone.localdate()
    return render(
        request,
        "reports/index.html",
        {
            "districts": list(District.objects.visible_to(user)),
            "streets": list(Street.objects.visible_to(user).select_related("district")),
            "areas": list(Area.objects.visible_to(user)),
            "programmes": list(Programme.objects.visible_to(user)),
            "sheets": list(sheet_titles().items()),
            "year": today.year,
            "month": today.month,
            "month_value": today.strftime("%Y-%m"),
            "today": today,
            "can_import": can_import_census(user),
            "jobs": list(ExportJob.objects.filter(user=user)[:5]),
        },
    )


# --- Ledger --------------------------------------------------------------------------------


def _in_language(lines: Iterator[str], language: str) -> Iterator[str]:
    # A streamed body is produced after the view returns: keep the reader's language for it.
    with override(language):
        yield from lines


@login_required
def ledger_export(request: AuthedHttpRequest, fmt: str) -> HttpResponseBase:
    scope = _scope(request)
    unit = unit_or_default(request.GET.get("unit"))
    chosen = request.GET.get("sheet")
    sheet = chosen if chosen is not None and chosen in BUILDERS else "compounds"
    params = {**scope.params(), "unit": unit, "sheet": sheet}
    size = ledger_size(user=request.user, scope=scope)
    if size > jobs.async_threshold() or request.GET.get("background") == "1":
        kind = ExportJob.Kind.LEDGER_CSV if fmt == "csv" else ExportJob.Kind.LEDGER_XLSX
        job = jobs.export_job_start(
            user=request.user, kind=kind, scope=scope, params=params, language=get_language()
        )
        messages.info(
            request,
            _("The ledger has %(n)s compounds; it is being prepared and will be ready below.")
            % {"n": size},
        )
        return redirect(job)
    if fmt == "csv":
        table = BUILDERS[sheet](user=request.user, scope=scope, unit=unit)
        table.columns = [Column(str(c.header), c.type, c.width) for c in table.columns]
        response = StreamingHttpResponse(
            _in_language(csv_lines(table), get_language()), content_type="text/csv; charset=utf-8"
        )
        name = _("ledger")
        response["Content-Disposition"] = content_disposition_header(
            True, f"{name}-{sheet}-{_stamp()}.csv"
        )
        return response
    tables = ledger_tables(user=request.user, scope=scope, unit=unit)
    name = _("ledger")
    return _xlsx_response(tables, f"{name}-{_stamp()}.xlsx")


@login_required
def export_job(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    try:
        job = jobs.export_job_for(user=request.user, pk=pk)
    except ExportJob.DoesNotExist:
        raise Http404 from None
    return render(request, "reports/export_job.html", {"job": job})


@login_required
def export_job_download(request: AuthedHttpRequest, pk: int) -> FileResponse:
    try:
        job = jobs.export_job_for(user=request.user, pk=pk)
    except ExportJob.DoesNotExist:
        raise Http404 from None
    if job.status != ExportJob.Status.DONE or not job.file:
        raise Http404
    try:
        handle = job.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    name = (job.file.name or "").rsplit("/", 1)[-1]
    content_type = "text/csv; charset=utf-8" if name.endswith(".csv") else XLSX
    return FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)


# --- Statutory returns ---------------------------------------------------------------------


@login_required
def annual_return(request: AuthedHttpRequest) -> FileResponse:
    district = _district(request)
    year = _year(request.GET.get("year"), timezone.localdate().year)
    unit = unit_or_default(request.GET.get("unit"))
    tables = returns.annual_return_tables(
        user=request.user, district=district, year=year, unit=unit
    )
    name = _("statutory return")
    return _xlsx_response(tables, f"{district.name}-{year}-{name}.xlsx")


@login_required
def monthly_return(request: AuthedHttpRequest) -> FileResponse:
    district = _district(request)
    today = timezone.localdate()
    year = _year(request.GET.get("year"), today.year)
    try:
        month = int(request.GET.get("month") or today.month)
    except ValueError:
        raise Http404 from None
    if not 1 <= month <= 12:
        raise Http404
    unit = unit_or_default(request.GET.get("unit"))
    table = returns.monthly_progress_table(
        user=request.user, district=district, year=year, month=month, unit=unit
    )
    name = _("monthly progress")
    return _xlsx_response([table], f"{district.name}-{year}-{month:02d}-{name}.xlsx")


# --- Printable reports ---------------------------------------------------------------------


@login_required
def weekly_report(request: AuthedHttpRequest) -> HttpResponse:
    district = _district(request)
    try:
        day = dt.date.fromisoformat(request.GET.get("date") or timezone.localdate().isoformat())
    except ValueError:
        raise Http404 from None
    if not 1990 <= day.year <= 2100:
        raise Http404
    start, end = periodic.week_of(day)
    report = periodic.period_report(user=request.user, district=district, start=start, end=end)
    return render(
        request,
        "reports/period_report.html",
        {"report": report, "kind": "weekly", "previous": start - dt.timedelta(days=7)},
    )


@login_required
def monthly_bulletin(request: AuthedHttpRequest) -> HttpResponse:
    district = _district(request)
    raw = request.GET.get("month") or timezone.localdate().strftime("%Y-%m")
    try:
        year_text, month_text = raw.split("-", 1)
        year, month = _year(year_text, 0), int(month_text)
        start, end = periodic.month_of(year, month)
    except ValueError:
        raise Http404 from None
    report = periodic.period_report(user=request.user, district=district, start=start, end=end)
    previous = (start - dt.timedelta(days=1)).strftime("%Y-%m")
    return render(
        request,
        "reports/period_report.html",
        {"report": report, "kind": "monthly", "previous": previous},
    )


# --- Census import -------------------------------------------------------------------------


def _import_district(request: AuthedHttpRequest) -> District:
    try:
        district = imports.census_district_for(
            request.user, request.POST.get("district") or request.GET.get("district")
        )
    except ValidationError as error:
        raise PermissionDenied(error.messages[0]) from None
    if not can_approve_in_district(request.user, district.pk):
        raise PermissionDenied
    return district


@login_required
@require_http_methods(["GET", "POST"])
def census_import(request: AuthedHttpRequest) -> HttpResponse:
    district = _import_district(request)
    result = None
    committed = False
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("Choose the census file to upload."))
        else:
            commit = request.POST.get("action") == "commit"
            result = imports.census_import(
                user=request.user,
                district=district,
                upload=upload,
                commit=commit,
                confirm_warnings=request.POST.get("confirm_warnings") == "on",
            )
            committed = result.committed
            if committed:
                messages.success(
                    request,
                    _(
                        "Census imported: %(new)s compounds added, %(updated)s updated; "
                        "%(bnew)s buildings added, %(bupdated)s updated."
                    )
                    % {
                        "new": result.compounds_new,
                        "updated": result.compounds_updated,
                        "bnew": result.buildings_new,
                        "bupdated": result.buildings_updated,
                    },
                )
    return render(
        request,
        "reports/census_import.html",
        {
            "district": district,
            "result": result,
            "committed": committed,
            "districts": list(District.objects.all()) if request.user.is_superuser else [],
        },
    )


@login_required
def census_template(request: AuthedHttpRequest) -> FileResponse:
    _import_district(request)
    handle = io.BytesIO()
    imports.census_template(handle)
    handle.seek(0)
    name = _("census template")
    return FileResponse(handle, as_attachment=True, filename=f"{name}.xlsx", content_type=XLSX)


# --- Notifications -------------------------------------------------------------------------


@login_required
def notification_list(request: AuthedHttpRequest) -> HttpResponse:
    notifications = notification_selectors.notification_list(user=request.user)
    page = Paginator(notifications, settings.RENOVATION_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(n, notification_selectors.display_message(n)) for n in page]
    return render(
        request,
        "reports/notification_list.html",
        {
            "page": page,
            "rows": rows,
            "unread": notification_selectors.unread_count(user=request.user),
        },
    )


@login_required
@require_POST
def notification_read(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    if not notification_selectors.notification_list(user=request.user).filter(pk=pk).exists():
        raise Http404
    notification_services.notification_mark_read(user=request.user, pk=pk)
    target = request.POST.get("next") or reverse("reports:notification-list")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("reports:notification-list")
    return redirect(target)


@login_required
@require_POST
def notification_read_all(request: AuthedHttpRequest) -> HttpResponse:
    count = notification_services.notification_mark_read(user=request.user)
    messages.success(request, _("%(n)s notifications marked read.") % {"n": count})
    return redirect("reports:notification-list")

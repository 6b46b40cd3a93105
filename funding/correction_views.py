"""Pages that correct money without deleting it: reverse a commitment, receipt or expenditure
(冲销), split a combined line into its sub-types, set the value of a contribution in kind; and the
receipt and expenditure pages with their vouchers. Records come from scoped selectors (outside
the user's scope: 404), the role is checked as the service checks it (403), and one service is
called."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from programmes.models import Project
from programmes.views import run_service
from renovation.access import require

from . import (
    attribution,
    corrections,
    entries,
    in_kind,
    lines,
    pool,
    records,
    selectors,
    services,
    vouchers,
)
from .correction_forms import (
    ReverseForm,
    SpendingAttributionForm,
    SplitForm,
    ValueForm,
    VoucherForm,
    split_error_field,
)
from .models import Commitment, Expenditure, Receipt
from .views import chosen_unit


def _commitment(request: HttpRequest, pk: int) -> Commitment:
    try:
        return selectors.commitment_detail(user=request.user, pk=pk)
    except ObjectDoesNotExist:
        raise Http404 from None


def _record(request: HttpRequest, model: type[Receipt] | type[Expenditure], pk: int):
    finder = records.receipt_detail if model is Receipt else records.expenditure_detail
    try:
        return finder(user=request.user, pk=pk)
    except ObjectDoesNotExist:
        raise Http404 from None


def _after(record: Receipt | Expenditure | Commitment) -> str:
    if isinstance(record, Commitment):
        return record.get_absolute_url()
    return record_url(record)


def record_url(record: Receipt | Expenditure) -> str:
    name = "funding:receipt-detail" if isinstance(record, Receipt) else "funding:expenditure-detail"
    return reverse(name, args=[record.pk])


# --- Receipt and expenditure pages with vouchers -------------------------------------------


def _record_page(request: HttpRequest, model, pk: int) -> HttpResponse:
    record = _record(request, model, pk)
    may_write = vouchers.can_attach(request.user, record)
    status = 200
    form = VoucherForm()
    if request.method == "POST":
        require(may_write, _("You may not attach vouchers on this line."))
        form = VoucherForm(request.POST, request.FILES)
        if form.is_valid():
            saved, status = run_service(
                form,
                vouchers.voucher_attach,
                record=record,
                by=request.user,
                file=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
            )
            if saved is not None:
                messages.success(request, _("Voucher attached."))
                return redirect(record_url(record))
    commitment = record.commitment
    return render(
        request,
        "funding/record_detail.html",
        {
            "record": record,
            "is_receipt": isinstance(record, Receipt),
            "commitment": commitment,
            "vouchers": records.record_vouchers(user=request.user, record=record),
            "form": form,
            "can_attach": may_write,
            "can_reverse": corrections.can_reverse_record(request.user, record)
            and not record.is_reversal
            and not hasattr(record, "reversed_by"),
            "unit": chosen_unit(request),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def receipt_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _record_page(request, Receipt, pk)


@login_required
@require_http_methods(["GET", "POST"])
def expenditure_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _record_page(request, Expenditure, pk)


@login_required
@require_GET
def voucher_file(request: HttpRequest, pk: int) -> FileResponse:
    """A voucher is served only to users who see its record, never as a static file."""
    try:
        voucher = records.voucher_list(user=request.user).get(pk=pk)
    except ObjectDoesNotExist:
        raise Http404 from None
    try:
        handle = voucher.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    name = voucher.file.name
    extension = name[name.rfind(".") :].lower() if "." in name else ""
    response = FileResponse(
        handle,
        as_attachment=True,
        content_type=vouchers.VOUCHER_TYPES.get(extension, "application/octet-stream"),
        filename=name.rsplit("/", 1)[-1],
    )
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, private=True)  # scoped content: never in a shared cache
    return response


# --- Reversals -----------------------------------------------------------------------------


def _reverse_page(request: HttpRequest, target, *, service, allowed: bool, title: str, **kw):
    require(allowed, _("You may not correct this money."))
    commitment = target if isinstance(target, Commitment) else target.commitment
    status = 200
    if request.method == "POST":
        form = ReverseForm(request.POST)
        if form.is_valid():
            saved, status = run_service(
                form,
                service,
                by=request.user,
                reason=form.cleaned_data["reason"],
                version=form.cleaned_data.get("version"),
                **kw,
            )
            if saved is not None:
                messages.success(request, _("Reversed. The entry and its reversal are kept."))
                return redirect(_after(target))
    else:
        form = ReverseForm(initial={"version": commitment.version})
    cascade = entries.open_records(commitment) if isinstance(target, Commitment) else None
    return render(
        request,
        "funding/reverse_form.html",
        {
            "form": form,
            "target": target,
            "commitment": commitment,
            "title": title,
            "cascade": cascade,
            "unit": chosen_unit(request),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def commitment_reverse(request: HttpRequest, pk: int) -> HttpResponse:
    commitment = _commitment(request, pk)
    return _reverse_page(
        request,
        commitment,
        service=corrections.commitment_reverse,
        allowed=corrections.can_reverse_commitment(request.user, commitment),
        title=_("Reverse a commitment (冲销)"),
        commitment=commitment,
    )


@login_required
@require_http_methods(["GET", "POST"])
def receipt_reverse(request: HttpRequest, pk: int) -> HttpResponse:
    receipt = _record(request, Receipt, pk)
    return _reverse_page(
        request,
        receipt,
        service=corrections.receipt_reverse,
        allowed=corrections.can_reverse_record(request.user, receipt),
        title=_("Reverse a receipt (冲销)"),
        receipt=receipt,
    )


@login_required
@require_http_methods(["GET", "POST"])
def expenditure_reverse(request: HttpRequest, pk: int) -> HttpResponse:
    expenditure = _record(request, Expenditure, pk)
    return _reverse_page(
        request,
        expenditure,
        service=corrections.expenditure_reverse,
        allowed=corrections.can_reverse_record(request.user, expenditure),
        title=_("Reverse spending (冲销)"),
        expenditure=expenditure,
    )


# --- Split and value -----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def commitment_split(request: HttpRequest, pk: int) -> HttpResponse:
    commitment = _commitment(request, pk)
    require(lines.can_split(request.user, commitment))
    if not lines.is_splittable(commitment):
        raise Http404
    open_receipts, open_expenditures = entries.open_records(commitment)
    kwargs = {
        "commitment": commitment,
        "receipts": open_receipts,
        "expenditures": open_expenditures,
    }
    status = 200
    if request.method == "POST":
        form = SplitForm(request.POST, **kwargs)
        if form.is_valid():
            saved, status = run_service(
                form,
                _split_on_form,
                commitment=commitment,
                by=request.user,
                **form.service_arguments(),
            )
            if saved is not None:
                messages.success(request, _("The line is split into its sub-types."))
                return redirect(commitment.get_absolute_url())
    else:
        form = SplitForm(initial={"version": commitment.version}, **kwargs)
    return render(
        request,
        "funding/split_form.html",
        {"form": form, "commitment": commitment, "unit": chosen_unit(request)},
        status=status,
    )


def _split_on_form(**kwargs) -> list[Commitment]:
    """The split service, its errors named after the page's fields (one row per sub-type)."""
    try:
        return lines.commitment_split(**kwargs)
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            raise
        raise ValidationError(
            {
                split_error_field(key, kwargs["parts"]): messages
                for key, messages in error.error_dict.items()
            }
        ) from None


@login_required
@require_http_methods(["GET", "POST"])
def commitment_value(request: HttpRequest, pk: int) -> HttpResponse:
    commitment = _commitment(request, pk)
    require(in_kind.can_assess(request.user, commitment))
    if not commitment.in_kind or commitment.is_reversal:
        raise Http404
    status = 200
    if request.method == "POST":
        form = ValueForm(request.POST)
        if form.is_valid():
            saved, status = run_service(
                form,
                in_kind.commitment_value_assess,
                commitment=commitment,
                by=request.user,
                **form.cleaned_data,
            )
            if saved is not None:
                messages.success(request, _("Value saved."))
                return redirect(commitment.get_absolute_url())
    else:
        form = ValueForm(initial={"version": commitment.version, "amount": commitment.amount})
    return render(
        request,
        "funding/record_form.html",
        {
            "form": form,
            "commitment": commitment,
            "project": None,
            "title": _("Value of the contribution in kind"),
            "unit": chosen_unit(request),
            "line": None,
        },
        status=status,
    )


# --- Pooled money --------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def spending_attribute(request: HttpRequest, pk: int) -> HttpResponse:
    """Attribute spending paid from the programme's pool to one of its projects."""
    commitment = _commitment(request, pk)
    require(services.can_manage_programme_money(request.user, commitment.programme))
    if not commitment.is_programme_level:
        raise Http404
    projects = (
        Project.objects.visible_to(request.user)
        .filter(funding_allocations__commitment=commitment)
        .select_related("compound")
        .order_by("compound__name")
    )
    status = 200
    if request.method == "POST":
        form = SpendingAttributionForm(request.POST, projects=projects)
        if form.is_valid():
            saved, status = run_service(
                form,
                attribution.pool_spending_attribute,
                commitment=commitment,
                by=request.user,
                **form.cleaned_data,
            )
            if saved is not None:
                messages.success(request, _("Spending attributed to the project."))
                return redirect(commitment.get_absolute_url())
    else:
        form = SpendingAttributionForm(initial={"version": commitment.version}, projects=projects)
    return render(
        request,
        "funding/record_form.html",
        {
            "form": form,
            "commitment": commitment,
            "project": None,
            "title": _("Attribute spending from the pool to a project"),
            "unit": chosen_unit(request),
            "line": None,
            "pool": pool.position(commitment),
        },
        status=status,
    )

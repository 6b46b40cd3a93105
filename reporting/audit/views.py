"""The audit trail page, for auditors and platform administrators."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from renovation.access import can_read_audit_trail, require
from renovation.http import AuthedHttpRequest

from . import selectors

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def _date_field(label: StrOrPromise) -> forms.DateField:
    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    return forms.DateField(label=label, required=False, widget=widget)


class AuditFilterForm(forms.Form):
    model = forms.ChoiceField(label=gettext_lazy("Kind of record"), required=False)
    user = forms.CharField(
        label=gettext_lazy("Changed by (username)"), required=False, max_length=150
    )
    date_from = _date_field(gettext_lazy("From"))
    date_to = _date_field(gettext_lazy("To"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = self.fields["model"]
        if isinstance(kinds, forms.ChoiceField):
            kinds.choices = [("", _("All kinds")), *selectors.model_choices()]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return data

    def filters(self) -> selectors.AuditFilters:
        if not self.is_valid():
            return selectors.AuditFilters()
        data = self.cleaned_data
        return selectors.AuditFilters(
            model=data.get("model") or "",
            username=(data.get("user") or "").strip(),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )


@login_required
@require_GET
def audit_trail(request: AuthedHttpRequest) -> HttpResponse:
    """Who changed what and when, newest first, filtered by kind of record, user and dates."""
    require(
        can_read_audit_trail(request.user),
        _("The audit trail is open to auditors and platform administrators."),
    )
    form = AuditFilterForm(request.GET or None)
    filters = form.filters() if request.GET else selectors.AuditFilters()
    trail = selectors.audit_trail(user=request.user, filters=filters)
    page = Paginator(trail, settings.RENOVATION_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "renovation/audit_trail.html",
        {
            "form": form,
            "page": page,
            "entries": selectors.audit_entries(user=request.user, rows=list(page.object_list)),
            "query": query.urlencode(),
        },
    )

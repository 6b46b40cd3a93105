"""The page that sets a programme's resident contribution rules (from the programme set-up)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from programmes.models import Programme
from programmes.views import run_service
from renovation.access import can_set_up_in_district, require
from renovation.http import AuthedHttpRequest

from .models import ContributionRule, Kind, SubType, subtypes_of
from .rule_services import contribution_rule_set


class ContributionRuleForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=128)
    sub_type = forms.ChoiceField(
        label=gettext_lazy("Sub-type"),
        choices=[(s, SubType(s).label) for s in subtypes_of(Kind.RESIDENTS)],
    )
    basis = forms.ChoiceField(label=gettext_lazy("Basis"), choices=ContributionRule.Basis.choices)
    rate = forms.DecimalField(
        label=gettext_lazy("Rate (yuan)"), max_digits=10, decimal_places=2, min_value=0
    )
    year = forms.IntegerField(
        label=gettext_lazy("Plan year"),
        required=False,
        min_value=1990,
        max_value=2100,
        help_text=gettext_lazy(
            "Applies to the projects of this plan year; leave empty for every year."
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def rule_create(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    programme = get_object_or_404(Programme.objects.visible_to(request.user), pk=pk)
    require(can_set_up_in_district(request.user, programme.district_id))
    form = ContributionRuleForm(request.POST or None)
    back = reverse("programmes:setup-programme", args=[programme.pk]) + "#rules"
    status = 200
    if request.method == "POST" and form.is_valid():
        rule, status = run_service(
            form, contribution_rule_set, programme=programme, by=request.user, **form.cleaned_data
        )
        if rule is not None:
            messages.success(request, _("Contribution rule saved."))
            return redirect(back)
    return render(
        request,
        "programmes/setup/form.html",
        {"form": form, "title": _("Add a contribution rule"), "back": back},
        status=status,
    )

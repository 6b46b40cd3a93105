"""Forms of the set-up pages. They translate input only; the set-up services hold the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from renovation.warnings import ConfirmWarningsMixin

from .forms import VersionedForm
from .models import Area, Batch, Category, Compound, Programme, Street, WorkType

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONEY = {"max_digits": 14, "decimal_places": 2, "min_value": 0}


class ProgrammeForm(VersionedForm):
    name = forms.CharField(label=_("Name"), max_length=128)
    start_year = forms.IntegerField(label=_("First year"), min_value=1990, max_value=2100)
    end_year = forms.IntegerField(label=_("Last year"), min_value=1990, max_value=2100)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    support_threshold = forms.DecimalField(
        label=_("Support-rate threshold (%)"),
        max_digits=5,
        decimal_places=2,
        initial="90.00",
        help_text=_("Share of returned survey forms in favour needed to leave consultation."),
    )
    min_survey_return_rate = forms.DecimalField(
        label=_("Minimum survey return rate"),
        max_digits=5,
        decimal_places=4,
        initial="0.6667",
        help_text=_("A fraction from 0 to 1 of the compound's households (0.6667 is two thirds)."),
    )
    report_overdue_days = forms.IntegerField(
        label=_("Days without a progress report before a project is flagged"),
        min_value=1,
        max_value=60,
        initial=3,
    )
    reason = forms.CharField(label=_("Reason for the change"), required=False, max_length=200)

    FIELDS = (
        "name",
        "start_year",
        "end_year",
        "description",
        "support_threshold",
        "min_survey_return_rate",
        "report_overdue_days",
    )


class YearTargetForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100)
    compounds = forms.IntegerField(label=_("Compounds to renovate"), min_value=0)
    households = forms.IntegerField(label=_("Households to benefit"), min_value=0, initial=0)
    buildings = forms.IntegerField(label=_("Buildings"), min_value=0, initial=0, required=False)


class LocalTargetForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100)
    street = forms.ModelChoiceField(
        label=_("Street office"), queryset=Street.objects.none(), required=False
    )
    area = forms.ModelChoiceField(label=_("Area"), queryset=Area.objects.none(), required=False)
    compounds = forms.IntegerField(label=_("Compounds to renovate"), min_value=0)
    households = forms.IntegerField(label=_("Households to benefit"), min_value=0, initial=0)

    def __init__(self, *args, programme: Programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["street"].queryset = Street.objects.filter(district=programme.district_id)
        self.fields["area"].queryset = Area.objects.filter(district=programme.district_id)


class BatchForm(forms.Form):
    name = forms.CharField(label=_("Batch"), max_length=64)
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100)
    sequence = forms.IntegerField(label=_("Sequence"), min_value=1, max_value=99, initial=1)


class ProjectForm(VersionedForm):
    programme = forms.ModelChoiceField(label=_("Programme"), queryset=Programme.objects.none())
    compound = forms.ModelChoiceField(label=_("Compound"), queryset=Compound.objects.none())
    batch = forms.ModelChoiceField(label=_("Batch"), queryset=Batch.objects.none(), required=False)
    year = forms.IntegerField(label=_("Plan year"), min_value=1990, max_value=2100)
    name = forms.CharField(label=_("Project name"), required=False, max_length=160)
    categories = forms.MultipleChoiceField(
        label=_("Categories"),
        choices=Category.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("One or more; the main category is the first of them in this order."),
    )
    budget = forms.DecimalField(label=_("Total investment (yuan)"), **MONEY)
    contractor = forms.CharField(label=_("Contractor"), required=False, max_length=160)
    supervisor = forms.CharField(label=_("Supervisor (监理)"), required=False, max_length=160)
    designer = forms.CharField(label=_("Designer"), required=False, max_length=160)
    planned_start = forms.DateField(label=_("Planned start"), required=False, widget=DATE)
    planned_end = forms.DateField(label=_("Planned completion"), required=False, widget=DATE)
    reason = forms.CharField(label=_("Reason for the change"), required=False, max_length=200)

    def __init__(self, *args, programmes, compounds, batches, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes
        self.fields["compound"].queryset = compounds
        self.fields["batch"].queryset = batches

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        names = (
            "programme",
            "compound",
            "batch",
            "year",
            "name",
            "categories",
            "budget",
            "contractor",
            "supervisor",
            "designer",
            "planned_start",
            "planned_end",
        )
        return {name: data.get(name) for name in names}


class WorkItemForm(ConfirmWarningsMixin, VersionedForm):
    work_type = forms.ModelChoiceField(label=_("Work type"), queryset=WorkType.objects.none())
    description = forms.CharField(label=_("Description"), required=False, max_length=255)
    planned_quantity = forms.DecimalField(
        label=_("Planned quantity"), max_digits=14, decimal_places=2, min_value=0
    )
    budget = forms.DecimalField(label=_("Budget (yuan)"), initial=0, **MONEY)
    planned_start = forms.DateField(label=_("Planned start"), required=False, widget=DATE)
    planned_end = forms.DateField(label=_("Planned completion"), required=False, widget=DATE)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=200,
        help_text=_("Required once construction has started; kept in the history."),
    )

    def __init__(self, *args, work_types, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["work_type"].queryset = work_types

    def service_arguments(self) -> dict:
        names = (
            "work_type",
            "description",
            "planned_quantity",
            "budget",
            "planned_start",
            "planned_end",
        )
        arguments = {name: self.cleaned_data.get(name) for name in names}
        return {**arguments, "confirm_warnings": bool(self.cleaned_data.get("confirm_warnings"))}


class WorkItemRemoveForm(VersionedForm):
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=200,
        help_text=_("Required once construction has started; kept in the history."),
    )


class AcceptanceForm(ConfirmWarningsMixin, VersionedForm):
    accepted_on = forms.DateField(label=_("Accepted on"), widget=DATE)
    participants = forms.CharField(
        label=_("Participating units"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    residents_present = forms.IntegerField(
        label=_("Resident representatives present"), min_value=0, max_value=10000
    )
    passed = forms.BooleanField(label=_("Passed"), required=False, initial=True)
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class WorkTypeForm(forms.Form):
    name_zh = forms.CharField(label=_("Chinese name"), max_length=64)
    name_en = forms.CharField(label=_("English name"), required=False, max_length=96)
    unit = forms.ChoiceField(label=_("Unit"), choices=WorkType.Unit.choices)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

"""Forms of the geography set-up pages. They type the input (fields and labels from the
models) and offer only the district's own choices; the rules are the services'."""

from __future__ import annotations

from django import forms
from django.forms.models import fields_for_model
from django.utils.translation import gettext_lazy as _

from renovation.warnings import ConfirmWarningsMixin

from .forms import VersionedForm
from .models import Area, Building, Community, Compound, District, Street

COMPOUND_FORM_FIELDS = [
    "name",
    "code",
    "street",
    "community",
    "area",
    "address",
    "year_built",
    "building_count",
    "households",
    "residents",
    "floor_area",
    "latitude",
    "longitude",
    "survey_status",
    *Compound.PROBLEM_FLAGS,
    "notes",
]
BUILDING_FORM_FIELDS = ["name", "floors", "units", "households", "has_elevator", "year_built"]


class StreetForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=64)


class CommunityForm(forms.Form):
    street = forms.ModelChoiceField(label=_("Street office"), queryset=Street.objects.none())
    name = forms.CharField(label=_("Name"), max_length=64)

    def __init__(self, *args, district: District, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["street"].queryset = Street.objects.filter(district=district)


class AreaForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=64)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    compounds = forms.ModelMultipleChoiceField(
        label=_("Compounds of the area"),
        queryset=Compound.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 12}),
        help_text=_("Hold Ctrl (or ⌘) to choose several."),
    )

    def __init__(self, *args, district: District, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["compounds"].queryset = (
            Compound.objects.filter(street__district=district)
            .select_related("street")
            .order_by("street__name", "name", "id")
        )
        self.fields["compounds"].label_from_instance = lambda c: f"{c.street.name} · {c.name}"


class CompoundForm(ConfirmWarningsMixin, VersionedForm):
    def __init__(self, *args, district: District, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(fields_for_model(Compound, fields=COMPOUND_FORM_FIELDS))
        self.fields["street"].queryset = Street.objects.filter(district=district)
        self.fields["community"].queryset = Community.objects.filter(
            street__district=district
        ).select_related("street")
        self.fields["community"].label_from_instance = lambda c: f"{c.street.name} · {c.name}"
        self.fields["area"].queryset = Area.objects.filter(district=district)
        self.fields["residents"].help_text = _("Leave blank when not known (not 0).")
        self.fields["notes"].widget = forms.Textarea(attrs={"rows": 3})
        # The version and the confirmation go last.
        for name in ("version", "confirm_warnings"):
            self.fields[name] = self.fields.pop(name)

    def service_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in COMPOUND_FORM_FIELDS}


class BuildingForm(ConfirmWarningsMixin, VersionedForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(fields_for_model(Building, fields=BUILDING_FORM_FIELDS))
        for name in ("version", "confirm_warnings"):
            self.fields[name] = self.fields.pop(name)

    def service_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in BUILDING_FORM_FIELDS}


class MergeForm(VersionedForm):
    duplicate = forms.ModelChoiceField(
        label=_("Duplicate compound (deleted after the merge)"), queryset=Compound.objects.none()
    )
    reason = forms.CharField(
        label=_("Why they are the same compound"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, kept: Compound, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["duplicate"].queryset = (
            Compound.objects.filter(street__district_id=kept.street.district_id)
            .exclude(pk=kept.pk)
            .select_related("street")
            .order_by("street__name", "name", "id")
        )
        self.fields["duplicate"].label_from_instance = lambda c: (
            f"{c.street.name} · {c.name}" + (f" ({c.code})" if c.code else "")
        )
        self.fields["version"].initial = kept.version

"""The historical-record page's form: one date per stage still to come, the acceptance, the
completed quantities per work item and one line of money (more through the API)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .forms import VersionedForm
from .gates import hook
from .history_services import historical_stages, stage_field
from .models import Project, Stage
from .services import field_for_item

DATE = {"widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), "required": False}
AMOUNT = {"max_digits": 16, "decimal_places": 2, "min_value": 0, "required": False}
MONEY_FIELDS = ("sub_type", "funder", "amount", "received", "received_on", "spent", "spent_on")


class HistoricalRecordForm(VersionedForm):
    reason = forms.CharField(
        label=_("Source and reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text=_("Where these past dates come from, e.g. the district's 2021 ledger."),
    )
    accepted_on = forms.DateField(
        label=_("Acceptance date"),
        help_text=_("Leave empty to take the date of “Accepted”."),
        **DATE,
    )
    residents_present = forms.IntegerField(
        label=_("Resident representatives present"), min_value=0, required=False
    )
    participants = forms.CharField(label=_("Participating units"), max_length=2000, required=False)
    quantities_on = forms.DateField(
        label=_("Quantities as of"),
        help_text=_("Leave empty for the acceptance date (or today if not yet accepted)."),
        **DATE,
    )
    money_sub_type = forms.ChoiceField(label=_("Funding sub-type"), required=False)
    money_funder = forms.CharField(label=_("Funder"), max_length=160, required=False)
    money_amount = forms.DecimalField(label=_("Committed (yuan)"), **AMOUNT)
    money_received = forms.DecimalField(label=_("Received (yuan)"), **AMOUNT)
    money_received_on = forms.DateField(label=_("Received on"), **DATE)
    money_spent = forms.DecimalField(label=_("Spent (yuan)"), **AMOUNT)
    money_spent_on = forms.DateField(label=_("Spent on"), **DATE)
    confirm_warnings = forms.BooleanField(
        label=_("I have checked the warnings above: the dates and figures are right."),
        required=False,
    )

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = project.version
        sub_types = hook("money_sub_type_choices")  # registered by funding, which sits above
        self.fields["money_sub_type"].choices = [("", "—"), *(sub_types() if sub_types else [])]
        self.stages = historical_stages(project)
        for stage in self.stages:
            self.fields[stage_field(stage)] = forms.DateField(label=Stage(stage).label, **DATE)
        self.work_items = list(
            project.work_items.select_related("work_type").order_by("work_type__sort_order", "id")
        )
        for item in self.work_items:
            self.fields[field_for_item(item.pk)] = forms.DecimalField(
                label=str(item.work_type.name),
                max_digits=14,
                decimal_places=2,
                min_value=0,
                required=False,
                help_text=_("Planned %(planned)s %(unit)s")
                % {"planned": item.planned_quantity, "unit": item.work_type.get_unit_display()},
            )

    def stage_fields(self):
        return [self[stage_field(stage)] for stage in self.stages]

    def item_fields(self):
        return [self[field_for_item(item.pk)] for item in self.work_items]

    def money_fields(self):
        return [self[f"money_{name}"] for name in MONEY_FIELDS]

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        money = {name: data.get(f"money_{name}") for name in MONEY_FIELDS}
        has_money = money["amount"] is not None or money["sub_type"]
        return {
            "reason": data["reason"],
            "stage_dates": {stage: data.get(stage_field(stage)) for stage in self.stages},
            "accepted_on": data.get("accepted_on"),
            "residents_present": data.get("residents_present"),
            "participants": data.get("participants", ""),
            "quantities": {
                item.pk: data.get(field_for_item(item.pk))
                for item in self.work_items
                if data.get(field_for_item(item.pk)) is not None
            },
            "quantities_on": data.get("quantities_on"),
            "money": [money] if has_money else [],
            "confirm_warnings": data.get("confirm_warnings", False),
            "version": data.get("version"),
        }

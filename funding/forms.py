"""Forms translate page input; the services validate the money rules and write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from programmes.models import Batch, Programme, Project, WorkItem
from renovation.form_fields import PlainDecimalField, VersionedForm

from .models import Commitment, ContributionRule, Kind, SubType


def _amount_field(label=None) -> forms.DecimalField:
    # No min_value: the service refuses negative amounts with its own message.
    return PlainDecimalField(
        label=label or _("Amount (yuan)"),
        max_digits=16,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )


def _date_field(label) -> forms.DateField:
    return forms.DateField(
        label=label, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class CommitmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    sub_type = forms.ChoiceField(label=_("Sub-type"), choices=SubType.choices)
    funder = forms.CharField(
        label=_("Funder"),
        max_length=160,
        help_text=_("For example 中央财政, 国网峨山供电局, 浣花小区全体业主."),
    )
    combines = forms.MultipleChoiceField(
        label=_("Sub-types the published line combines"),
        choices=[
            (code, label)
            for code, label in SubType.choices
            if code not in (SubType.COMBINED, SubType.OTHER)
        ],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Only for the sub-type “Combined line”: tick what it combines (e.g. central and "
            "provincial subsidy); split it when the amounts are known."
        ),
    )
    mode = forms.ChoiceField(
        label=_("Form of contribution"),
        choices=Commitment.Mode.choices,
        initial=Commitment.Mode.CASH,
        required=False,  # money unless said otherwise
    )
    amount = _amount_field(_("Amount or estimated value (yuan)"))
    works = forms.CharField(
        label=_("Work or goods contributed"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "In kind, built or done free of charge: what is supplied or done. The value may be "
            "0 while it is not assessed."
        ),
    )
    year = forms.IntegerField(label=_("Budget year"), min_value=1990, max_value=2100)
    batch = forms.ModelChoiceField(label=_("Batch"), queryset=Batch.objects.none(), required=False)
    rule = forms.ModelChoiceField(
        label=_("Resident contribution rule"),
        queryset=ContributionRule.objects.none(),
        required=False,
        help_text=_("For residents' money collected under one of the programme's rules."),
    )
    reference = forms.CharField(label=_("Document reference"), max_length=160, required=False)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )

    def __init__(
        self, *args, programme: Programme, project: Project | None = None, **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        if project is not None:
            self.fields["year"].initial = project.year
            del self.fields["batch"]
            self.fields["rule"].queryset = ContributionRule.objects.filter(programme=programme)
        else:
            self.fields["batch"].queryset = Batch.objects.filter(programme=programme)
            del self.fields["rule"]


class ReceiptForm(VersionedForm):
    amount = _amount_field()
    received_on = _date_field(_("Received on"))
    over_reason = forms.CharField(
        label=_("Reason, if more than committed"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=4000
    )


class ExpenditureForm(VersionedForm):
    amount = _amount_field()
    spent_on = _date_field(_("Spent on"))
    work_item = forms.ModelChoiceField(
        label=_("Work item paid for"), queryset=WorkItem.objects.none(), required=False
    )
    payee = forms.CharField(label=_("Payee"), max_length=160, required=False)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=4000
    )

    def __init__(self, *args, project: Project | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if project is None:
            del self.fields["work_item"]
        else:
            self.fields["work_item"].queryset = WorkItem.objects.filter(
                project=project
            ).select_related("work_type")


class AllocationForm(VersionedForm):
    project = forms.ModelChoiceField(label=_("Project"), queryset=Project.objects.none())
    amount = _amount_field()

    def __init__(self, *args, projects, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects
        self.fields["project"].label_from_instance = lambda p: f"{p.compound.name} ({p.year})"

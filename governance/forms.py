"""Forms translate page input; the services validate the rules and write."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programmes.models import Building, Compound, Project
from renovation.form_fields import PlainDecimalField, VersionedForm

from .models import (
    CommitteeMember,
    LongTermManagement,
    Matter,
    Meeting,
    OwnerVote,
    ResidentCommittee,
    ScopeKind,
    Suggestion,
)

DATE = {"widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
TEXT = {"widget": forms.Textarea(attrs={"rows": 3})}


def count_field(label, **kwargs) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=10**7,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": "0"}),
        **kwargs,
    )


def area_field(label, **kwargs) -> forms.DecimalField:
    return PlainDecimalField(
        label=label,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "inputmode": "decimal"}),
        **kwargs,
    )


class CompoundFormMixin:
    """Choices of projects and buildings come from the compound the form is for."""

    def setup_compound(self, compound: Compound) -> None:
        fields = self.fields  # type: ignore[attr-defined]
        if "project" in fields:
            fields["project"].queryset = Project.objects.filter(compound=compound).select_related(
                "programme"
            )
        if "building" in fields:
            fields["building"].queryset = Building.objects.filter(compound=compound)


class CommitteeForm(VersionedForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=ResidentCommittee.Kind.choices)
    name = forms.CharField(label=_("Name"), max_length=128)
    formed_on = forms.DateField(label=_("Formed on"), **DATE)
    term_ends_on = forms.DateField(label=_("Term ends on"), required=False, **DATE)
    headcount = count_field(
        _("Members in total"),
        initial=0,
        help_text=_("Including members not listed by name (volunteers, grid workers)."),
    )
    notes = forms.CharField(label=_("Notes"), required=False, max_length=4000, **TEXT)


class MemberForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=64)
    role = forms.ChoiceField(label=_("Role"), choices=CommitteeMember.Role.choices)
    building = forms.CharField(label=_("Building"), max_length=32, required=False)
    unit = forms.CharField(label=_("Unit"), max_length=32, required=False)
    is_party_member = forms.BooleanField(label=_("Party member"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=24, required=False)


class MeetingForm(CompoundFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Meeting.Kind.choices)
    held_on = forms.DateField(label=_("Held on"), **DATE)
    attendance = count_field(_("Attendance"))
    topics = forms.CharField(label=_("Topics"), max_length=4000, **TEXT)
    resolutions = forms.CharField(label=_("Resolutions"), required=False, max_length=4000, **TEXT)
    project = forms.ModelChoiceField(
        label=_("Project"), queryset=Project.objects.none(), required=False
    )
    minutes = forms.FileField(
        label=_("Minutes (PDF, Word or photo)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.doc,.docx,.jpg,.jpeg,.png"}),
    )

    def __init__(self, *args, compound: Compound, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_compound(compound)
        self.fields["held_on"].initial = timezone.localdate()


class SurveyForm(CompoundFormMixin, forms.Form):
    held_on = forms.DateField(label=_("Closed on"), **DATE)
    scope_kind = forms.ChoiceField(
        label=_("Scope"), choices=ScopeKind.choices, initial=ScopeKind.COMPOUND
    )
    building = forms.ModelChoiceField(
        label=_("Building"), queryset=Building.objects.none(), required=False
    )
    unit = forms.CharField(label=_("Unit"), max_length=32, required=False)
    scope_label = forms.CharField(label=_("Description"), max_length=128, required=False)
    forms_issued = count_field(_("Forms issued"))
    forms_returned = count_field(_("Forms returned"))
    support = count_field(_("In favour"))
    oppose = count_field(_("Against"), initial=0)
    abstain = count_field(_("Abstained"), initial=0)
    suggestions = count_field(_("Suggestions collected"), initial=0)

    def __init__(self, *args, compound: Compound, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_compound(compound)


class VoteForm(CompoundFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=160)
    matter = forms.ChoiceField(label=_("Matter"), choices=Matter.choices)
    held_on = forms.DateField(label=_("Vote closed on"), **DATE)
    scope_kind = forms.ChoiceField(
        label=_("Scope"), choices=ScopeKind.choices, initial=ScopeKind.COMPOUND
    )
    building = forms.ModelChoiceField(
        label=_("Building"), queryset=Building.objects.none(), required=False
    )
    unit = forms.CharField(label=_("Unit"), max_length=32, required=False)
    eligible_owners = forms.IntegerField(label=_("Owners entitled to vote"), min_value=1)
    eligible_area = area_field(_("Exclusive floor area of all owners (m²)"))
    project = forms.ModelChoiceField(
        label=_("Project"), queryset=Project.objects.none(), required=False
    )

    def __init__(self, *args, compound: Compound, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_compound(compound)


class TallyForm(VersionedForm):
    participating_owners = count_field(_("Owners taking part"))
    participating_area = area_field(_("Area of owners taking part (m²)"))
    agree_owners = count_field(_("Owners in favour"))
    agree_area = area_field(_("Area of owners in favour (m²)"))
    oppose_owners = count_field(_("Owners against"), initial=0)
    oppose_area = area_field(_("Area of owners against (m²)"), initial=0)

    @classmethod
    def for_vote(cls, vote: OwnerVote) -> TallyForm:
        initial = {"version": vote.version}
        if vote.is_tallied:
            initial.update(
                participating_owners=vote.participating_owners,
                participating_area=vote.participating_area,
                agree_owners=vote.agree_owners,
                agree_area=vote.agree_area,
                oppose_owners=vote.oppose_owners,
                oppose_area=vote.oppose_area,
            )
        return cls(initial=initial)


class BallotImportForm(VersionedForm):
    sheet = forms.FileField(
        label=_("Ballot sheet (.csv or .xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
    confirm = forms.BooleanField(
        label=_("Save the ballots (leave unticked to check the sheet first)"), required=False
    )


class SuggestionForm(CompoundFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Suggestion.Kind.choices)
    channel = forms.ChoiceField(
        label=_("Received"),
        choices=[c for c in Suggestion.Channel.choices if c[0] != Suggestion.Channel.PUBLIC],
    )
    text = forms.CharField(label=_("Suggestion"), max_length=2000, **TEXT)
    contact = forms.CharField(label=_("Contact (optional)"), max_length=64, required=False)
    received_at = forms.DateTimeField(
        label=_("Received at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    project = forms.ModelChoiceField(
        label=_("Project"), queryset=Project.objects.none(), required=False
    )

    def __init__(self, *args, compound: Compound, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_compound(compound)


class SuggestionActionForm(VersionedForm):
    ACTIONS = (("assign", _("Assign")), ("answer", _("Answer")), ("close", _("Close")))

    action = forms.ChoiceField(choices=ACTIONS, widget=forms.HiddenInput)
    assigned_to = forms.CharField(label=_("Assign to"), max_length=128, required=False)
    answer = forms.CharField(label=_("Answer"), max_length=4000, required=False, **TEXT)


class SatisfactionForm(forms.Form):
    held_on = forms.DateField(label=_("Held on"), **DATE)
    respondents = count_field(_("Respondents"))
    satisfied = count_field(_("Satisfied"))
    dissatisfied = count_field(_("Dissatisfied"), initial=0)
    notes = forms.CharField(label=_("Notes"), required=False, max_length=4000, **TEXT)


class ManagementForm(CompoundFormMixin, forms.Form):
    mode = forms.ChoiceField(label=_("Mode"), choices=LongTermManagement.Mode.choices)
    provider = forms.CharField(label=_("Provider"), max_length=160, required=False)
    fee_per_m2 = PlainDecimalField(
        label=_("Fee (yuan per m² per month)"),
        min_value=0,
        max_digits=6,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "inputmode": "decimal"}),
    )
    starts_on = forms.DateField(label=_("Starts on"), **DATE)
    decided_by = forms.ModelChoiceField(
        label=_("Decided by vote"), queryset=OwnerVote.objects.none(), required=False
    )
    project = forms.ModelChoiceField(
        label=_("Project"), queryset=Project.objects.none(), required=False
    )
    notes = forms.CharField(label=_("Notes"), required=False, max_length=4000, **TEXT)

    def __init__(self, *args, compound: Compound, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_compound(compound)
        self.fields["decided_by"].queryset = OwnerVote.objects.filter(compound=compound)


class FundForm(VersionedForm):
    as_of = forms.DateField(label=_("As of"), **DATE)
    standard = forms.CharField(
        label=_("Standard"),
        max_length=64,
        required=False,
        help_text=_("For example 5 yuan per m²."),
    )
    households_expected = count_field(_("Households expected to pay"))
    households_paid = count_field(_("Households paid"))
    amount_expected = PlainDecimalField(
        label=_("Amount expected (yuan)"), min_value=0, max_digits=14, decimal_places=2
    )
    amount_collected = PlainDecimalField(
        label=_("Amount collected (yuan)"), min_value=0, max_digits=14, decimal_places=2
    )


class DisclosureForm(VersionedForm):
    title = forms.CharField(label=_("Title"), max_length=160)
    summary = forms.CharField(
        label=_("Plan summary"),
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Shown publicly. Do not include names, phone numbers or room numbers."),
    )
    window_starts_on = forms.DateField(label=_("Disclosure starts on"), **DATE)
    window_ends_on = forms.DateField(label=_("Disclosure ends on"), **DATE)
    objection_deadline = forms.DateField(label=_("Objections accepted until"), **DATE)
    published = forms.BooleanField(label=_("Published"), required=False)


class PublicObjectionForm(forms.Form):
    """The public form: no personal data required; the contact is optional and never shown."""

    kind = forms.ChoiceField(
        label=_("This is"),
        choices=[
            (Suggestion.Kind.OBJECTION, _("An objection")),
            (Suggestion.Kind.SUGGESTION, _("A suggestion")),
        ],
        widget=forms.RadioSelect,
        initial=Suggestion.Kind.SUGGESTION,
    )
    text = forms.CharField(
        label=_("Your message"),
        min_length=5,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    contact = forms.CharField(
        label=_("Phone or other contact (optional)"),
        max_length=64,
        required=False,
        help_text=_("Only the street office sees it, to reply to you. It is never published."),
    )
    # A field people never see: bots fill it in, and such posts are dropped.
    website = forms.CharField(required=False, widget=forms.HiddenInput)

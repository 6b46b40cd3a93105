"""API representations and inputs of resident governance. Names and phone numbers of committee
members, and the contact left with a suggestion, are masked exactly as on the pages: shown to
the street office of the record's street and the officials of its district, masked for everyone
else (`governance.masking`). Ballots (owners by room) are never exposed."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from governance.masking import can_see_personal_data, mask_name, mask_phone
from governance.models import (
    CommitteeMember,
    Matter,
    Meeting,
    OpinionSurvey,
    OwnerVote,
    ResidentCommittee,
    SatisfactionSurvey,
    ScopeKind,
    Suggestion,
)
from governance.rules import share
from governance.selectors import suggestion_contact
from programmes.api.serializers import MAX_VERSION, UsernameField
from renovation.api.fields import PlainDecimalField, PlausibleDateTimeField

MAX_ID = 2**63 - 1
MAX_COUNT = 10**7  # as the page forms


def _id(**kwargs) -> serializers.IntegerField:
    kwargs.setdefault("required", False)
    kwargs.setdefault("allow_null", True)
    kwargs.setdefault("default", None)
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


def _count(**kwargs) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=0, max_value=MAX_COUNT, **kwargs)


def _area(**kwargs) -> serializers.DecimalField:
    return PlainDecimalField(
        max_digits=12, decimal_places=2, min_value=0, help_text=_("m², two decimals."), **kwargs
    )


def _version() -> serializers.IntegerField:
    return serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=0,
        max_value=MAX_VERSION,
        help_text=_(
            "The version you read (its ETag; or send If-Match). A stale version gives 409 and "
            "saves nothing."
        ),
    )


def kind_field(choices, **kwargs) -> serializers.ChoiceField:
    """A `kind` choice documented inline: committees, meetings and suggestions each have their
    own kinds, and the schema's shared `KindEnum` component is the funding kinds'."""
    schema = {"type": "string", "allOf": [{"enum": [c[0] for c in choices]}]}
    field_class = extend_schema_field(schema)(
        type("KindChoiceField", (serializers.ChoiceField,), {})
    )
    return field_class(choices=choices, **kwargs)


def _personal(context: dict, street_id: int, district_id: int) -> bool:
    """Whether the requesting user sees personal data of a record of this street (cached per
    street for the response)."""
    request = context.get("request")
    cache = context.setdefault("_personal", {})
    if street_id not in cache:
        cache[street_id] = can_see_personal_data(
            getattr(request, "user", None), street_id=street_id, district_id=district_id
        )
    return cache[street_id]


# --- Committees ----------------------------------------------------------------------------


class MemberSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField(help_text=_("Masked (surname only) unless you may see it."))
    role = serializers.ChoiceField(choices=CommitteeMember.Role.choices)
    role_label = serializers.CharField()
    building = serializers.CharField()
    unit = serializers.CharField()
    is_party_member = serializers.BooleanField()
    phone = serializers.CharField(help_text=_("Masked unless you may see it."))
    masked = serializers.BooleanField()


def member_data(member: CommitteeMember, *, personal: bool) -> dict:
    return {
        "pk": member.pk,
        "name": member.name if personal else mask_name(member.name),
        "role": member.role,
        "role_label": member.get_role_display(),
        "building": member.building,
        "unit": member.unit,
        "is_party_member": member.is_party_member,
        "phone": member.phone if personal else mask_phone(member.phone),
        "masked": not personal,
    }


class CommitteeSerializer(serializers.ModelSerializer):
    kind = kind_field(ResidentCommittee.Kind.choices, read_only=True)
    district = serializers.IntegerField(source="street.district_id", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    listed = serializers.SerializerMethodField(help_text=_("Members listed by name."))
    members = serializers.SerializerMethodField()

    class Meta:
        model = ResidentCommittee
        fields = [
            "id",
            "street",
            "district",
            "compound",
            "area",
            "kind",
            "kind_label",
            "name",
            "formed_on",
            "term_ends_on",
            "headcount",
            "listed",
            "notes",
            "members",
            "version",
        ]

    @extend_schema_field(OpenApiTypes.INT)
    def get_listed(self, committee: ResidentCommittee) -> int:
        return len(committee.members.all())

    @extend_schema_field(MemberSerializer(many=True))
    def get_members(self, committee: ResidentCommittee) -> list[dict]:
        personal = _personal(self.context, committee.street_id, committee.street.district_id)
        return MemberSerializer(
            [member_data(m, personal=personal) for m in committee.members.all()], many=True
        ).data


class CommitteeInput(serializers.Serializer):
    kind = kind_field(ResidentCommittee.Kind.choices)
    name = serializers.CharField(max_length=128)
    formed_on = serializers.DateField()
    term_ends_on = serializers.DateField(required=False, allow_null=True, default=None)
    headcount = _count(required=False, default=0)
    notes = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


class CommitteeCreateInput(CommitteeInput):
    compound = serializers.IntegerField(min_value=1, max_value=MAX_ID)


class CommitteeUpdateInput(CommitteeInput):
    version = _version()


class MemberInput(serializers.Serializer):
    name = serializers.CharField(max_length=64)
    role = serializers.ChoiceField(choices=CommitteeMember.Role.choices)
    building = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    unit = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    is_party_member = serializers.BooleanField(required=False, default=False)
    phone = serializers.CharField(max_length=24, required=False, allow_blank=True, default="")


# --- Meetings and surveys ------------------------------------------------------------------


class _CompoundFields(serializers.Serializer):
    compound_name = serializers.CharField(source="compound.name", read_only=True)
    street = serializers.IntegerField(source="compound.street_id", read_only=True)
    district = serializers.IntegerField(source="compound.street.district_id", read_only=True)


class MeetingSerializer(_CompoundFields, serializers.ModelSerializer):
    kind = kind_field(Meeting.Kind.choices, read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    minutes_url = serializers.SerializerMethodField(
        help_text=_("The minutes (for users in scope), or null.")
    )
    minutes_file = serializers.SerializerMethodField(
        help_text=_("Download the minutes with your key (GET), or null when there are none.")
    )

    class Meta:
        model = Meeting
        fields = [
            "id",
            "compound",
            "compound_name",
            "street",
            "district",
            "project",
            "kind",
            "kind_label",
            "held_on",
            "attendance",
            "topics",
            "resolutions",
            "minutes_url",
            "minutes_file",
            "created_at",
        ]

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_minutes_url(self, meeting: Meeting) -> str | None:
        if not meeting.minutes:
            return None
        url = reverse("governance:meeting-minutes", args=[meeting.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_minutes_file(self, meeting: Meeting) -> str | None:
        if not meeting.minutes:
            return None
        url = reverse("api:meeting-minutes", args=[meeting.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class MinutesInput(serializers.Serializer):
    minutes = serializers.FileField(
        help_text=_(
            "The minutes: a PDF, Word document (.doc, .docx) or photo (.jpg, .jpeg, .png) of at "
            "most 10 MB. Replaces earlier minutes."
        )
    )


class MeetingInput(serializers.Serializer):
    compound = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    project = _id()
    kind = kind_field(Meeting.Kind.choices)
    held_on = serializers.DateField()
    attendance = _count()
    topics = serializers.CharField(max_length=4000)
    resolutions = serializers.CharField(
        max_length=4000, required=False, allow_blank=True, default=""
    )


class _ProjectFields(serializers.Serializer):
    compound = serializers.IntegerField(source="project.compound_id", read_only=True)
    compound_name = serializers.CharField(source="project.compound.name", read_only=True)
    street = serializers.IntegerField(source="project.compound.street_id", read_only=True)
    district = serializers.IntegerField(
        source="project.compound.street.district_id", read_only=True
    )


class OpinionSurveySerializer(_ProjectFields, serializers.ModelSerializer):
    support_rate = PlainDecimalField(
        max_digits=5,
        decimal_places=1,
        read_only=True,
        help_text=_("Percent of returned forms in favour."),
    )
    support_threshold = PlainDecimalField(
        source="project.programme.support_threshold",
        max_digits=5,
        decimal_places=2,
        read_only=True,
        help_text=_("The programme's threshold for leaving consultation."),
    )

    class Meta:
        model = OpinionSurvey
        fields = [
            "id",
            "project",
            "compound",
            "compound_name",
            "street",
            "district",
            "held_on",
            "scope_kind",
            "building",
            "unit",
            "scope_label",
            "forms_issued",
            "forms_returned",
            "support",
            "oppose",
            "abstain",
            "suggestions",
            "support_rate",
            "support_threshold",
            "created_at",
        ]


class OpinionSurveyInput(serializers.Serializer):
    project = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    held_on = serializers.DateField()
    scope_kind = serializers.ChoiceField(choices=ScopeKind.choices, default=ScopeKind.COMPOUND)
    building = _id()
    unit = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    scope_label = serializers.CharField(
        max_length=128, required=False, allow_blank=True, default=""
    )
    forms_issued = _count()
    forms_returned = _count()
    support = _count()
    oppose = _count(required=False, default=0)
    abstain = _count(required=False, default=0)
    suggestions = _count(required=False, default=0)


class SatisfactionSurveySerializer(_ProjectFields, serializers.ModelSerializer):
    satisfied_rate = PlainDecimalField(
        max_digits=5, decimal_places=1, read_only=True, allow_null=True
    )

    class Meta:
        model = SatisfactionSurvey
        fields = [
            "id",
            "project",
            "compound",
            "compound_name",
            "street",
            "district",
            "held_on",
            "respondents",
            "satisfied",
            "dissatisfied",
            "satisfied_rate",
            "notes",
            "created_at",
        ]


class SatisfactionSurveyInput(serializers.Serializer):
    project = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    held_on = serializers.DateField()
    respondents = _count()
    satisfied = _count()
    dissatisfied = _count(required=False, default=0)
    notes = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


# --- Owners' votes -------------------------------------------------------------------------


class VoteSerializer(_CompoundFields, serializers.ModelSerializer):
    matter_label = serializers.CharField(source="get_matter_display", read_only=True)
    abstain_owners = serializers.IntegerField(read_only=True)
    abstain_area = PlainDecimalField(max_digits=12, decimal_places=2, read_only=True)
    participation_area_share = serializers.SerializerMethodField()
    participation_heads_share = serializers.SerializerMethodField()
    approval_area_share = serializers.SerializerMethodField()
    approval_heads_share = serializers.SerializerMethodField()

    class Meta:
        model = OwnerVote
        fields = [
            "id",
            "compound",
            "compound_name",
            "street",
            "district",
            "project",
            "matter",
            "matter_label",
            "title",
            "held_on",
            "scope_kind",
            "building",
            "unit",
            "eligible_owners",
            "eligible_area",
            "tally_method",
            "participating_owners",
            "participating_area",
            "agree_owners",
            "agree_area",
            "oppose_owners",
            "oppose_area",
            "abstain_owners",
            "abstain_area",
            "participation_area_share",
            "participation_heads_share",
            "approval_area_share",
            "approval_heads_share",
            "rule_set",
            "quorum_reached",
            "passed",
            "tallied_at",
            "version",
        ]

    _share = extend_schema_field(PlainDecimalField(max_digits=7, decimal_places=2, allow_null=True))

    @_share
    def get_participation_area_share(self, vote: OwnerVote):
        return _pct(vote.participating_area, vote.eligible_area)

    @_share
    def get_participation_heads_share(self, vote: OwnerVote):
        return _pct(vote.participating_owners, vote.eligible_owners)

    @_share
    def get_approval_area_share(self, vote: OwnerVote):
        return _pct(vote.agree_area, vote.participating_area)

    @_share
    def get_approval_heads_share(self, vote: OwnerVote):
        return _pct(vote.agree_owners, vote.participating_owners)


def _pct(part, whole) -> str | None:
    value = share(part, whole)
    return None if value is None else str(value)


class ThresholdSerializer(serializers.Serializer):
    numerator = serializers.IntegerField()
    denominator = serializers.IntegerField()
    strict = serializers.BooleanField(help_text=_("“More than” instead of “at least”."))
    label = serializers.CharField()


class OutcomeSerializer(serializers.Serializer):
    quorum = ThresholdSerializer()
    approval = ThresholdSerializer()
    participation_area_ok = serializers.BooleanField()
    participation_heads_ok = serializers.BooleanField()
    approval_area_ok = serializers.BooleanField()
    approval_heads_ok = serializers.BooleanField()
    reasons = serializers.ListField(
        child=serializers.CharField(), help_text=_("Why the vote did not pass, if it did not.")
    )


class VoteDetailSerializer(VoteSerializer):
    outcome = serializers.SerializerMethodField(
        help_text=_(
            "The four tests of Civil Code art. 278 under the rule applied; null before the tally."
        )
    )

    class Meta(VoteSerializer.Meta):
        fields = [*VoteSerializer.Meta.fields, "outcome"]

    @extend_schema_field(OutcomeSerializer(allow_null=True))
    def get_outcome(self, vote: OwnerVote) -> dict | None:
        from governance.selectors import vote_result

        if not vote.is_tallied:
            return None
        result = vote_result(vote)
        outcome = result.outcome

        def threshold(t) -> dict:
            return {
                "numerator": t.numerator,
                "denominator": t.denominator,
                "strict": t.strict,
                "label": t.label,
            }

        return OutcomeSerializer(
            {
                "quorum": threshold(result.rule.quorum),
                "approval": threshold(result.rule.approval),
                "participation_area_ok": outcome.participation_area_ok,
                "participation_heads_ok": outcome.participation_heads_ok,
                "approval_area_ok": outcome.approval_area_ok,
                "approval_heads_ok": outcome.approval_heads_ok,
                "reasons": outcome.reasons,
            }
        ).data


class VoteInput(serializers.Serializer):
    compound = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    project = _id()
    matter = serializers.ChoiceField(choices=Matter.choices)
    title = serializers.CharField(max_length=160)
    held_on = serializers.DateField()
    scope_kind = serializers.ChoiceField(choices=ScopeKind.choices, default=ScopeKind.COMPOUND)
    building = _id()
    unit = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    eligible_owners = _count()
    eligible_area = _area()


class TallyInput(serializers.Serializer):
    participating_owners = _count()
    participating_area = _area()
    agree_owners = _count()
    agree_area = _area()
    oppose_owners = _count(required=False, default=0)
    oppose_area = _area(required=False, default=Decimal("0.00"))
    version = _version()


class BallotImportInput(serializers.Serializer):
    file = serializers.FileField(
        help_text=_(
            "The ballot sheet, .csv (UTF-8 or GB18030) or .xlsx (first sheet), at most 5 MB and "
            "5000 rows. First row: room (房号) or owner (业主), area (专有面积), choice "
            "(表决意见: 同意/反对/弃权 or agree/oppose/abstain)."
        )
    )
    dry_run = serializers.BooleanField(
        required=False,
        default=True,
        help_text=_(
            "true (the default): only check the sheet and preview the tally; false: save the "
            "ballots and recompute the tally, only if every row is valid."
        ),
    )
    version = _version()


class BallotErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(
        allow_null=True,
        help_text=_("The sheet's row number (the header is row 1); null for the whole file."),
    )
    column = serializers.CharField(
        allow_null=True,
        help_text=_("room, owner, area or choice: the column the error is about, or null."),
    )
    message = serializers.CharField()


class BallotTallySerializer(serializers.Serializer):
    participating_owners = serializers.IntegerField()
    participating_area = PlainDecimalField(max_digits=12, decimal_places=2)
    agree_owners = serializers.IntegerField()
    agree_area = PlainDecimalField(max_digits=12, decimal_places=2)
    oppose_owners = serializers.IntegerField()
    oppose_area = PlainDecimalField(max_digits=12, decimal_places=2)
    abstain_owners = serializers.IntegerField()
    abstain_area = PlainDecimalField(max_digits=12, decimal_places=2)


class BallotOutcomeSerializer(serializers.Serializer):
    quorum_reached = serializers.BooleanField()
    passed = serializers.BooleanField()
    reasons = serializers.ListField(
        child=serializers.CharField(), help_text=_("Why the vote would not pass, if it would not.")
    )


class BallotImportSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField()
    valid = serializers.BooleanField(help_text=_("Every row is valid: the sheet can be saved."))
    saved = serializers.BooleanField(
        help_text=_("The ballots replaced the vote's earlier ones and its tally.")
    )
    ballots = serializers.IntegerField(help_text=_("Valid ballot rows read."))
    errors = BallotErrorSerializer(many=True)
    tally = BallotTallySerializer(
        allow_null=True, help_text=_("The tally of the sheet; null when it has errors.")
    )
    outcome = BallotOutcomeSerializer(
        allow_null=True,
        help_text=_("The outcome under the rule in force on the vote date; null with errors."),
    )
    vote = VoteDetailSerializer(
        help_text=_("The vote as it now stands (unchanged by a dry run); its ETag is sent.")
    )


# --- Suggestions ---------------------------------------------------------------------------


class SuggestionSerializer(_CompoundFields, serializers.ModelSerializer):
    kind = kind_field(Suggestion.Kind.choices, read_only=True)
    contact = serializers.SerializerMethodField(
        help_text=_(
            "The resident's contact as the pages show it: in full to the street office and "
            "the district's officials, masked for everyone else."
        )
    )
    answered_by = UsernameField()
    hours_to_answer = PlainDecimalField(
        max_digits=12, decimal_places=1, read_only=True, allow_null=True
    )

    class Meta:
        model = Suggestion
        fields = [
            "id",
            "compound",
            "compound_name",
            "street",
            "district",
            "project",
            "disclosure",
            "kind",
            "channel",
            "text",
            "contact",
            "received_at",
            "status",
            "assigned_to",
            "assigned_at",
            "answer",
            "answered_at",
            "answered_by",
            "hours_to_answer",
            "closed_at",
            "version",
        ]

    @extend_schema_field(OpenApiTypes.STR)
    def get_contact(self, suggestion: Suggestion) -> str:
        compound = suggestion.compound
        personal = _personal(self.context, compound.street_id, compound.street.district_id)
        return suggestion_contact(suggestion, personal=personal)


SUGGESTION_CHANNELS = [
    (value, label)
    for value, label in Suggestion.Channel.choices
    if value != Suggestion.Channel.PUBLIC  # only the public page records those
]


class SuggestionInput(serializers.Serializer):
    compound = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    project = _id()
    kind = kind_field(Suggestion.Kind.choices)
    channel = serializers.ChoiceField(choices=SUGGESTION_CHANNELS)
    text = serializers.CharField(max_length=4000)
    contact = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    received_at = PlausibleDateTimeField(required=False, allow_null=True, default=None)


class SuggestionAssignInput(serializers.Serializer):
    assigned_to = serializers.CharField(max_length=128)
    version = _version()


class SuggestionAnswerInput(serializers.Serializer):
    answer = serializers.CharField(max_length=4000)
    version = _version()


class SuggestionCloseInput(serializers.Serializer):
    version = _version()


# --- Statistics ----------------------------------------------------------------------------


class CommitteeKindFiguresSerializer(serializers.Serializer):
    kind = kind_field(ResidentCommittee.Kind.choices)
    label = serializers.CharField()
    committees = serializers.IntegerField()
    members = serializers.IntegerField()


class IndicatorsSerializer(serializers.Serializer):
    committees = serializers.IntegerField()
    committee_members = serializers.IntegerField()
    meetings = serializers.IntegerField()
    meeting_attendance = serializers.IntegerField()
    surveyed_projects = serializers.IntegerField()
    forms_issued = serializers.IntegerField()
    forms_returned = serializers.IntegerField()
    support = serializers.IntegerField()
    support_rate = PlainDecimalField(max_digits=9, decimal_places=1, allow_null=True)
    votes = serializers.IntegerField()
    votes_tallied = serializers.IntegerField()
    votes_passed = serializers.IntegerField()
    votes_without_quorum = serializers.IntegerField()
    fund_households_expected = serializers.IntegerField()
    fund_households_paid = serializers.IntegerField()
    fund_household_rate = PlainDecimalField(max_digits=9, decimal_places=1, allow_null=True)
    fund_amount_expected = PlainDecimalField(max_digits=20, decimal_places=2)
    fund_amount_collected = PlainDecimalField(max_digits=20, decimal_places=2)
    fund_amount_rate = PlainDecimalField(max_digits=9, decimal_places=1, allow_null=True)
    suggestions = serializers.IntegerField()
    suggestions_answered = serializers.IntegerField()
    suggestions_within_day = serializers.IntegerField()
    suggestions_open = serializers.IntegerField()
    answered_rate = PlainDecimalField(max_digits=9, decimal_places=1, allow_null=True)
    within_day_rate = PlainDecimalField(max_digits=9, decimal_places=1, allow_null=True)
    respondents = serializers.IntegerField()
    satisfied = serializers.IntegerField()
    satisfaction_rate = PlainDecimalField(max_digits=9, decimal_places=1, allow_null=True)
    managed_compounds = serializers.IntegerField()


class StreetIndicatorsSerializer(IndicatorsSerializer):
    street = serializers.IntegerField()
    street_name = serializers.CharField()
    district = serializers.IntegerField()


class GovernanceScopeSerializer(serializers.Serializer):
    district = serializers.IntegerField(allow_null=True)
    street = serializers.IntegerField(allow_null=True)
    compound = serializers.IntegerField(allow_null=True)


class GovernanceIndicatorsSerializer(serializers.Serializer):
    scope = GovernanceScopeSerializer()
    total = IndicatorsSerializer()
    committees_by_kind = CommitteeKindFiguresSerializer(many=True)
    results = StreetIndicatorsSerializer(
        many=True, help_text=_("The same figures per street office (one row for a compound).")
    )

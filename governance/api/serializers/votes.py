"""Serializers of owners' votes, their thresholds and outcomes, and ballot imports."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from governance.models import Matter, OwnerVote, ScopeKind
from governance.rules import share
from renovation.api.fields import PlainDecimalField

from ._common import MAX_ID, _area, _CompoundFields, _count, _id, _version


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

"""API representations and inputs of the funding app. Inputs only translate the request; the
money rules (amounts, kinds, caps, approval) are the services'."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from funding.models import (
    Allocation,
    Commitment,
    Expenditure,
    FundingSource,
    Kind,
    Receipt,
    SubType,
)
from programmes.api.serializers import MAX_VERSION, UsernameField
from renovation.api.fields import PlainDecimalField

MAX_ID = 2**63 - 1


def _id(**kwargs) -> serializers.IntegerField:
    kwargs.setdefault("required", False)
    kwargs.setdefault("allow_null", True)
    kwargs.setdefault("default", None)
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


def _version(help_text=None) -> serializers.IntegerField:
    return serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=0,
        max_value=MAX_VERSION,
        help_text=help_text
        or _(
            "The commitment version you read (its ETag; or send If-Match). A stale version gives "
            "409 and saves nothing."
        ),
    )


def _amount(**kwargs) -> serializers.DecimalField:
    # No min_value: the service refuses negative or zero amounts with its own message.
    kwargs.setdefault("help_text", _("Yuan, two decimal places."))
    return PlainDecimalField(max_digits=16, decimal_places=2, **kwargs)


# --- Output --------------------------------------------------------------------------------


class FundingSourceSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    sub_type_label = serializers.CharField(source="get_sub_type_display", read_only=True)

    class Meta:
        model = FundingSource
        fields = ["id", "district", "kind", "kind_label", "sub_type", "sub_type_label", "funder"]


class _SourceFields(serializers.Serializer):
    kind = serializers.ChoiceField(source="source.kind", choices=Kind.choices, read_only=True)
    sub_type = serializers.ChoiceField(
        source="source.sub_type", choices=SubType.choices, read_only=True
    )
    funder = serializers.CharField(source="source.funder", read_only=True)


class CommitmentSerializer(_SourceFields, serializers.ModelSerializer):
    level = serializers.SerializerMethodField(
        help_text=_("project: money for one project; programme: allocated to projects.")
    )
    district = serializers.IntegerField(source="programme.district_id", read_only=True)
    allocated = PlainDecimalField(
        max_digits=18, decimal_places=2, read_only=True, help_text=_("Programme-level only.")
    )
    received = PlainDecimalField(max_digits=18, decimal_places=2, read_only=True)
    spent = PlainDecimalField(max_digits=18, decimal_places=2, read_only=True)
    approved_by = UsernameField()
    created_by = UsernameField()
    combines = serializers.ListField(
        source="source.combined_sub_types",
        child=serializers.ChoiceField(choices=SubType.choices),
        read_only=True,
        help_text=_("The sub-types a combined line holds (sub-type `combined`); else empty."),
    )
    value_assessed = serializers.BooleanField(
        read_only=True,
        help_text=_("False for a contribution in kind at 0: its value is not assessed yet."),
    )
    reversed_by = serializers.SerializerMethodField(
        help_text=_("The counter-entry (冲销) that reversed this commitment, if any.")
    )

    class Meta:
        model = Commitment
        fields = [
            "id",
            "source",
            "kind",
            "sub_type",
            "funder",
            "level",
            "programme",
            "district",
            "project",
            "batch",
            "year",
            "amount",
            "allocated",
            "received",
            "spent",
            "rule",
            "reference",
            "note",
            "status",
            "approved_by",
            "approved_at",
            "created_by",
            "created_at",
            "version",
            "mode",
            "works",
            "value_assessed",
            "combines",
            "reverses",
            "reversed_by",
            "reversal_reason",
            "split_from",
        ]

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_reversed_by(self, commitment: Commitment) -> int | None:
        counter = getattr(commitment, "reversed_by", None)
        return counter.pk if counter is not None else None

    @extend_schema_field(serializers.ChoiceField(choices=["project", "programme"]))
    def get_level(self, commitment: Commitment) -> str:
        return "programme" if commitment.is_programme_level else "project"


class AllocationSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(
        source="commitment.source.kind", choices=Kind.choices, read_only=True
    )
    sub_type = serializers.ChoiceField(
        source="commitment.source.sub_type", choices=SubType.choices, read_only=True
    )
    funder = serializers.CharField(source="commitment.source.funder", read_only=True)
    programme = serializers.IntegerField(source="commitment.programme_id", read_only=True)
    year = serializers.IntegerField(source="commitment.year", read_only=True)
    commitment_version = serializers.IntegerField(source="commitment.version", read_only=True)

    class Meta:
        model = Allocation
        fields = [
            "id",
            "commitment",
            "programme",
            "project",
            "kind",
            "sub_type",
            "funder",
            "year",
            "amount",
            "version",
            "commitment_version",
        ]


class _LineSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(
        source="commitment.source.kind", choices=Kind.choices, read_only=True
    )
    sub_type = serializers.ChoiceField(
        source="commitment.source.sub_type", choices=SubType.choices, read_only=True
    )
    funder = serializers.CharField(source="commitment.source.funder", read_only=True)
    programme = serializers.IntegerField(source="commitment.programme_id", read_only=True)
    year = serializers.IntegerField(source="commitment.year", read_only=True)
    created_by = UsernameField()
    commitment_version = serializers.IntegerField(
        source="commitment.version",
        read_only=True,
        help_text=_("The commitment's version, for a reversal (`version` or If-Match)."),
    )
    reversed_by = serializers.SerializerMethodField(
        help_text=_("The counter-entry (冲销) that reversed this record, if any.")
    )
    voucher_count = serializers.IntegerField(read_only=True, default=0)

    common = [
        "id",
        "commitment",
        "programme",
        "project",
        "kind",
        "sub_type",
        "funder",
        "year",
        "amount",
        "reverses",
        "reversed_by",
        "reversal_reason",
        "moved_from",
        "voucher_count",
        "commitment_version",
    ]

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_reversed_by(self, record: Receipt | Expenditure) -> int | None:
        counter = getattr(record, "reversed_by", None)
        return counter.pk if counter is not None else None


class ReceiptSerializer(_LineSerializer):
    class Meta:
        model = Receipt
        fields = [
            *_LineSerializer.common,
            "received_on",
            "over_reason",
            "note",
            "created_by",
            "created_at",
        ]


class ExpenditureSerializer(_LineSerializer):
    class Meta:
        model = Expenditure
        fields = [
            *_LineSerializer.common,
            "spent_on",
            "work_item",
            "payee",
            "note",
            "created_by",
            "created_at",
        ]


# --- Input ---------------------------------------------------------------------------------


class CommitmentInput(serializers.Serializer):
    project = _id(help_text=_("The project the money is for (or give `programme`)."))
    programme = _id(
        help_text=_("For programme-level money, allocated to projects later (or give `project`).")
    )
    kind = serializers.ChoiceField(choices=Kind.choices)
    sub_type = serializers.ChoiceField(choices=SubType.choices)
    funder = serializers.CharField(max_length=160)
    amount = _amount(
        help_text=_("Yuan, two decimal places. In kind: the estimated value, 0 while not assessed.")
    )
    mode = serializers.ChoiceField(
        choices=Commitment.Mode.choices,
        required=False,
        default=Commitment.Mode.CASH,
        help_text=_("Money (cash), or in kind, built on the programme's behalf, done free."),
    )
    works = serializers.CharField(
        max_length=4000,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("In kind: the work or goods contributed (required then)."),
    )
    combines = serializers.ListField(
        child=serializers.ChoiceField(choices=SubType.choices),
        required=False,
        default=list,
        max_length=len(SubType.values),
        help_text=_(
            "With sub-type `combined`: the sub-types a line published as one combines (e.g. "
            "central_subsidy and provincial_subsidy); split it later with POST "
            "/commitments/{id}/split/."
        ),
    )
    year = serializers.IntegerField(
        min_value=1990,
        max_value=2100,
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Budget year; a project's plan year when omitted."),
    )
    batch = _id(help_text=_("Programme-level money only: the batch it is for."))
    rule = _id(help_text=_("Project money only: the resident contribution rule it collects."))
    reference = serializers.CharField(max_length=160, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")

    def validate(self, data: dict) -> dict:
        project, programme = data.get("project"), data.get("programme")
        if (project is None) == (programme is None):
            raise serializers.ValidationError(
                _("Give either the project or the programme the money is for, not both.")
                if project is not None
                else _("Say which project or programme the money is for.")
            )
        if project is not None and data.get("batch") is not None:
            raise serializers.ValidationError(
                {"batch": _("A project's money takes the project's batch; leave it empty.")}
            )
        if project is None and data.get("year") is None:
            raise serializers.ValidationError({"year": _("Enter the budget year.")})
        return data


class VersionInput(serializers.Serializer):
    version = _version()


class AllocationInput(serializers.Serializer):
    project = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    amount = _amount()
    version = _version()


class ReceiptInput(serializers.Serializer):
    project = _id(
        help_text=_(
            "The project of the line: an allocated project of programme-level money; empty for "
            "a project-level commitment or the programme's unassigned pool."
        )
    )
    amount = _amount()
    received_on = serializers.DateField()
    over_reason = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, default=""
    )
    note = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    version = _version()


class ExpenditureInput(serializers.Serializer):
    project = _id(help_text=_("The project of the line, as for receipts."))
    amount = _amount()
    spent_on = serializers.DateField()
    work_item = _id(help_text=_("The work item paid for (a work item of the line's project)."))
    payee = serializers.CharField(max_length=160, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    version = _version()


# --- Statistics ----------------------------------------------------------------------------


class FiguresSerializer(serializers.Serializer):
    planned = PlainDecimalField(max_digits=20, decimal_places=2)
    approved = PlainDecimalField(max_digits=20, decimal_places=2)
    received = PlainDecimalField(max_digits=20, decimal_places=2)
    spent = PlainDecimalField(max_digits=20, decimal_places=2)
    gap = PlainDecimalField(
        max_digits=20, decimal_places=2, help_text=_("Planned but not (yet) received.")
    )
    received_rate = PlainDecimalField(
        max_digits=9,
        decimal_places=1,
        allow_null=True,
        help_text=_("Received as a percentage of planned."),
    )
    spent_rate = PlainDecimalField(
        max_digits=9,
        decimal_places=1,
        allow_null=True,
        help_text=_("Spent as a percentage of received."),
    )


class _SharesSerializer(FiguresSerializer):
    share_planned = PlainDecimalField(max_digits=5, decimal_places=1, allow_null=True)
    share_received = PlainDecimalField(max_digits=5, decimal_places=1, allow_null=True)
    share_spent = PlainDecimalField(max_digits=5, decimal_places=1, allow_null=True)


class SubTypeFiguresSerializer(_SharesSerializer):
    sub_type = serializers.ChoiceField(choices=SubType.choices)
    label = serializers.CharField()


class KindFiguresSerializer(_SharesSerializer):
    kind = serializers.ChoiceField(choices=Kind.choices)
    label = serializers.CharField()
    sub_types = SubTypeFiguresSerializer(many=True)


class ResidentContributionSerializer(serializers.Serializer):
    name = serializers.CharField()
    sub_type = serializers.ChoiceField(choices=SubType.choices)
    basis = serializers.CharField()
    basis_label = serializers.CharField()
    rate = PlainDecimalField(max_digits=12, decimal_places=2)
    quantity = PlainDecimalField(
        max_digits=20, decimal_places=2, help_text=_("m² of floor area or households.")
    )
    projects = serializers.IntegerField()
    expected = PlainDecimalField(max_digits=20, decimal_places=2)
    collected = PlainDecimalField(max_digits=20, decimal_places=2)
    collection_rate = PlainDecimalField(max_digits=9, decimal_places=1, allow_null=True)


class FundingScopeSerializer(serializers.Serializer):
    programme = serializers.IntegerField(allow_null=True)
    district = serializers.IntegerField(allow_null=True)
    street = serializers.IntegerField(allow_null=True)
    area = serializers.IntegerField(allow_null=True)
    project = serializers.IntegerField(allow_null=True)
    batch = serializers.IntegerField(allow_null=True)
    year = serializers.IntegerField(allow_null=True)


class FundingMixSerializer(serializers.Serializer):
    scope = FundingScopeSerializer()
    attributed = serializers.BooleanField(
        help_text=_(
            "True when programme-level money counts only as far as it is allocated to projects "
            "(street, area or project scopes, and every street officer); false when whole "
            "programmes count, including the unassigned pool."
        )
    )
    total = FiguresSerializer()
    kinds = KindFiguresSerializer(many=True)
    residents = ResidentContributionSerializer(many=True)
    residents_expected = PlainDecimalField(max_digits=20, decimal_places=2)
    residents_collected = PlainDecimalField(max_digits=20, decimal_places=2)
    residents_rate = PlainDecimalField(max_digits=9, decimal_places=1, allow_null=True)

"""API inputs and representations for corrections (冲销), lines as published (split), the
value of contributions in kind, and vouchers. Inputs only translate the request; the rules are
the services'."""

from __future__ import annotations

from django.urls import reverse as url_for
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from funding.models import SubType, Voucher
from programmes.api.serializers import UsernameField

from .serializers import MAX_ID, _amount, _version


class ReverseInput(serializers.Serializer):
    reason = serializers.CharField(
        max_length=2000,
        allow_blank=True,
        help_text=_("Why the entry is wrong (重复录入, 金额录错 …). Kept in the history."),
    )
    version = _version()


class ValueInput(serializers.Serializer):
    amount = _amount(help_text=_("The estimated value in yuan; 0 while not assessed."))
    reason = serializers.CharField(
        max_length=2000,
        allow_blank=True,
        help_text=_("How the value was assessed (who, on what basis)."),
    )
    version = _version()


class SplitPartInput(serializers.Serializer):
    sub_type = serializers.ChoiceField(choices=SubType.choices)
    amount = _amount()
    funder = serializers.CharField(
        max_length=160,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("The part's funder; the combined line's funder when empty."),
    )


class AttributionInput(serializers.Serializer):
    id = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    part = serializers.IntegerField(
        min_value=0, max_value=100, help_text=_("Index of the part in `parts`, from 0.")
    )


class SplitInput(serializers.Serializer):
    parts = SplitPartInput(many=True, allow_empty=False)
    reason = serializers.CharField(max_length=2000, allow_blank=True)
    receipts = AttributionInput(
        many=True,
        required=False,
        default=list,
        help_text=_(
            "Receipts of the line attributed to a part; the others follow the parts in order."
        ),
    )
    expenditures = AttributionInput(
        many=True,
        required=False,
        default=list,
        help_text=_("Expenditures of the line attributed to a part, as for receipts."),
    )
    version = _version()


class SpendingAttributionInput(serializers.Serializer):
    project = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text=_("A project with an allocation of this money.")
    )
    amount = _amount(help_text=_("Spending paid from the pool to attribute to the project."))
    version = _version()


class VoucherSerializer(serializers.ModelSerializer):
    created_by = UsernameField()
    file = serializers.SerializerMethodField(help_text=_("Where to download the file."))

    class Meta:
        model = Voucher
        fields = [
            "id",
            "receipt",
            "expenditure",
            "title",
            "size",
            "file",
            "created_by",
            "created_at",
        ]

    def get_file(self, voucher: Voucher) -> str:
        return url_for("api:voucher-file", args=[voucher.pk])


class VoucherInput(serializers.Serializer):
    title = serializers.CharField(
        max_length=160,
        allow_blank=True,
        help_text=_("What the voucher is: 银行进账单, 增值税发票, 支付凭证 …"),
    )
    file = serializers.FileField(
        allow_empty_file=True,  # the service says what is wrong with an empty file
        help_text=_(
            "A PDF, an OFD electronic invoice or a scan or photo (JPEG, PNG) of at most 10 MB, "
            "checked by its content."
        ),
    )

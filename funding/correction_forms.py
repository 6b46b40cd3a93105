"""Forms of the correction pages (reverse, split, assess a value) and of vouchers. They only
translate input; the services in corrections.py, lines.py, in_kind.py and vouchers.py check
the rules and write."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from programmes.models import Project
from renovation.form_fields import VersionedForm

from .forms import _amount_field
from .lines import SplitPart
from .models import Commitment, Expenditure, Receipt, SubType
from .vouchers import accepted_extensions

FOLLOW = ""


def _reason_field(label=None, help_text=None) -> forms.CharField:
    # Not required here: the service's own message says what a reason is for.
    return forms.CharField(
        label=label or _("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=help_text,
    )


class ReverseForm(VersionedForm):
    reason = _reason_field(
        _("Reason for the reversal (冲销)"),
        _("For example: 重复录入, 金额录错, 到账后退回. Kept in the record's history."),
    )


class ValueForm(VersionedForm):
    amount = _amount_field(_("Estimated value (yuan)"))
    reason = _reason_field(
        _("How the value was assessed"),
        _("Who assessed it and on what basis, e.g. 按燃气公司结算单."),
    )


class SplitForm(VersionedForm):
    """One row (funder, amount) per sub-type the line combines, and, for each receipt and
    expenditure still on the line, the part it goes to (or: follow in order)."""

    reason = _reason_field(
        _("Reason for the split"),
        _("For example the document that gave the split: 省财政厅〔2024〕12号."),
    )

    def __init__(
        self,
        *args,
        commitment: Commitment,
        receipts: Sequence[Receipt] = (),
        expenditures: Sequence[Expenditure] = (),
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.sub_types = commitment.source.combined_sub_types
        self.receipts, self.expenditures = list(receipts), list(expenditures)
        for code in self.sub_types:
            label = SubType(code).label
            self.fields[f"funder_{code}"] = forms.CharField(
                label=_("%(sub_type)s: funder") % {"sub_type": label},
                max_length=160,
                required=False,
                initial=commitment.source.funder,
            )
            self.fields[f"amount_{code}"] = _amount_field(
                _("%(sub_type)s: amount (yuan)") % {"sub_type": label}
            )
            self.fields[f"amount_{code}"].required = False
        parts = [(FOLLOW, _("Follow in order"))] + [
            (str(index), SubType(code).label) for index, code in enumerate(self.sub_types)
        ]
        for record in self.receipts:
            self.fields[f"receipt_{record.pk}"] = forms.ChoiceField(
                label=_("Receipt of %(day)s, %(amount)s yuan")
                % {"day": record.received_on, "amount": record.amount},
                choices=parts,
                required=False,
            )
        for record in self.expenditures:
            self.fields[f"expenditure_{record.pk}"] = forms.ChoiceField(
                label=_("Spending of %(day)s, %(amount)s yuan")
                % {"day": record.spent_on, "amount": record.amount},
                choices=parts,
                required=False,
            )

    def part_fields(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"funder_{code}"], self[f"amount_{code}"]) for code in self.sub_types]

    def attribution_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith(("receipt_", "expenditure_"))]

    def service_arguments(self) -> dict:
        """The split service's arguments: the parts given an amount, and the attributions
        (part index within those parts)."""
        data = self.cleaned_data
        parts: list[SplitPart] = []
        index_of: dict[int, int] = {}
        for position, code in enumerate(self.sub_types):
            amount = data.get(f"amount_{code}")
            if amount is None:
                continue
            index_of[position] = len(parts)
            parts.append(SplitPart(code, Decimal(amount), data.get(f"funder_{code}") or ""))

        def attributed(prefix: str, records) -> dict[int, int]:
            chosen = {}
            for record in records:
                value = data.get(f"{prefix}_{record.pk}")
                if value not in (None, FOLLOW):
                    # A part left empty takes nothing: attributing to it is an error.
                    chosen[record.pk] = index_of.get(int(value), len(parts))
            return chosen

        return {
            "parts": parts,
            "reason": data.get("reason") or "",
            "version": data.get("version"),
            "receipts": attributed("receipt", self.receipts),
            "expenditures": attributed("expenditure", self.expenditures),
        }


def split_error_field(key: str, parts: Sequence[SplitPart]) -> str:
    """The form field of a split service error: "parts.1.amount" -> "amount_<sub-type>"."""
    bits = key.split(".")
    if len(bits) == 3 and bits[0] == "parts" and bits[1].isdigit() and int(bits[1]) < len(parts):
        code = parts[int(bits[1])].sub_type
        return f"funder_{code}" if bits[2] == "funder" else f"amount_{code}"
    return key


class SpendingAttributionForm(VersionedForm):
    project = forms.ModelChoiceField(label=_("Project"), queryset=Project.objects.none())
    amount = _amount_field(_("Spending to attribute (yuan)"))

    def __init__(self, *args, projects, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects
        self.fields["project"].label_from_instance = lambda p: f"{p.compound.name} ({p.year})"


class VoucherForm(forms.Form):
    title = forms.CharField(
        label=_("What the voucher is"),
        max_length=160,
        required=False,
        help_text=_("For example 银行进账单, 增值税发票, 支付凭证."),
    )
    file = forms.FileField(
        label=_("File"),
        required=False,
        help_text=_("PDF, OFD electronic invoice or a scan or photo (JPEG, PNG), at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": accepted_extensions()}),
    )

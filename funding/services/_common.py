"""Input checks shared by the funding services (amounts, dates, kinds), and the lock on a
commitment that every write touching its money takes (`_lock`, then `_bump` its version)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, TypeVar

from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from renovation.audit import stamp
from renovation.errors import ConflictError
from renovation.validation import date_range_errors, plain_decimal

from ..models import SUBTYPE_KIND, ZERO, Commitment, Kind, SubType

if TYPE_CHECKING:
    from renovation.models import User

T = TypeVar("T")

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("1e14")  # max_digits=16 with two decimal places


def parse_amount(raw: object, *, field: str = "amount", allow_zero: bool = False) -> Decimal:
    """A yuan amount: a finite number, not negative, with at most two decimal places."""
    if isinstance(raw, float):
        raise ValidationError({field: _("Amounts are exact: pass a decimal, not a float.")})
    try:
        # ASCII digits and one decimal point; commas are accepted as thousands separators.
        value = raw if isinstance(raw, Decimal) else plain_decimal(str(raw).replace(",", ""))
    except ValidationError:
        raise ValidationError({field: _("Enter an amount in yuan.")}) from None
    if not value.is_finite():
        raise ValidationError({field: _("Enter an amount in yuan.")})
    if value < 0:
        raise ValidationError({field: _("The amount cannot be negative.")})
    if value == 0 and not allow_zero:
        raise ValidationError({field: _("The amount must be more than zero.")})
    if value != value.quantize(CENT) or value >= MAX_AMOUNT:
        raise ValidationError(
            {field: _("Enter an amount in yuan with at most two decimal places.")}
        )
    return value.quantize(CENT)


def check_not_future(day: dt.date | None, *, field: str) -> dt.date:
    if day is None:
        raise ValidationError({field: _("Enter the date.")})
    if day > timezone.localdate():
        raise ValidationError({field: _("The date cannot be in the future.")})
    errors: dict[str, list[str]] = {}
    date_range_errors(errors, field, day)  # from 1990: a year-1 date would not read back
    if errors:
        raise ValidationError(errors)
    return day


def _collect(errors: dict[str, list[str]], check: Callable[[], T]) -> T | None:
    """What `check` returns, or None with its field errors added to `errors`."""
    try:
        return check()
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            errors.setdefault(name, []).extend(messages)
        return None


def _check_kind(kind: str | None, sub_type: str) -> str:
    """The kind a sub-type belongs to; a sub-type booked under another kind is refused."""
    if sub_type not in SubType.values:
        raise ValidationError({"sub_type": _("Choose a sub-type.")})
    expected = SUBTYPE_KIND[sub_type]
    if kind is not None and kind not in Kind.values:
        raise ValidationError({"kind": _("Choose a kind of funding.")})
    if expected is None:  # "other" goes under any kind, which must then be named
        if kind is None:
            raise ValidationError({"kind": _("Choose the kind of this “other” funding.")})
        return kind
    if kind is not None and kind != expected:
        raise ValidationError(
            {
                "sub_type": _(
                    "“%(sub_type)s” is %(expected)s money and cannot be booked as %(kind)s."
                )
                % {
                    "sub_type": SubType(sub_type).label,
                    "expected": Kind(expected).label,
                    "kind": Kind(kind).label,
                }
            }
        )
    return expected


def _lock(commitment: Commitment, version: int | None) -> Commitment:
    locked = (
        Commitment.objects.select_for_update().select_related("programme").get(pk=commitment.pk)
    )
    if version is not None and locked.version != version:
        raise ConflictError()
    if locked.is_reversal or Commitment.objects.filter(reverses=locked).exists():
        # A reversed commitment and its counter-entry are closed (funding/corrections.py).
        raise ValidationError(
            _(
                "This commitment has been reversed (冲销): nothing more is booked on it. Plan "
                "the money again if it is still due."
            )
        )
    return locked


def _bump(commitment: Commitment, by: User, reason: str) -> None:
    commitment.version += 1
    stamp(commitment, by=by, reason=reason)
    commitment.save()


def _sum(queryset) -> Decimal:
    return queryset.aggregate(total=Sum("amount"))["total"] or ZERO

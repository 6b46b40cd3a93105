"""Amounts in 元, 万元 or 亿元, as officials choose: `{{ amount|yuan:unit }}`.

Decimal all the way (no floats): the amount is divided exactly, rounded half up to two places and
grouped by thousands. The unit label comes from `{% yuan_unit_label unit %}`.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils.translation import gettext as _

register = template.Library()

UNITS = {"yuan": Decimal(1), "wan": Decimal(10_000), "yi": Decimal(100_000_000)}
DEFAULT_UNIT = "wan"
CENT = Decimal("0.01")


def unit_or_default(unit: str | None) -> str:
    return unit if unit in UNITS else DEFAULT_UNIT


def unit_label(unit: str | None) -> str:
    labels = {"yuan": _("yuan"), "wan": _("10,000 yuan"), "yi": _("100 million yuan")}
    return labels[unit_or_default(unit)]


def format_amount(value: object, unit: str | None = "yuan") -> str:
    """ "1,741.00" for 17,410,000 yuan in 万元; "" for None; the input unchanged if not a number."""
    if value is None or value == "":
        return ""
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    if not amount.is_finite():
        return str(value)
    scaled = (amount / UNITS[unit_or_default(unit)]).quantize(CENT, rounding=ROUND_HALF_UP)
    if scaled == 0:
        scaled = abs(scaled)  # never "-0.00"
    return f"{scaled:,.2f}"


@register.filter(name="yuan")
def yuan(value: object, unit: str | None = "yuan") -> str:
    return format_amount(value, unit)


@register.simple_tag
def yuan_unit_label(unit: str | None) -> str:
    return unit_label(unit)


@register.filter
def percent_or_dash(value: object) -> str:
    return "—" if value is None else f"{value}%"

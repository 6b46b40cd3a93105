"""Amounts in 元, 万元 or 亿元, as officials choose: `{{ amount|yuan:unit }}`.

Decimal all the way (no floats): the amount is divided exactly, rounded half up to two places
once (renovation.figures.rounding) and grouped by thousands. The unit label comes from
`{% yuan_unit_label unit %}`.

Tables whose rows must add up to the total shown (the funding mix by kind and sub-type, the
resident contributions) take the report as shown in a unit, rounded by largest remainder:
`{% shown_mix mix unit as shown %}`, then `{{ row.planned|amount }}`, which only formats.
Rates: `{{ rate|percent_or_dash }}` ("45.8%", or "—" when there is none).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template
from django.utils.translation import gettext as _

from renovation.figures import rounding
from renovation.templatetags.figures import percent

register = template.Library()

UNITS = rounding.MONEY_UNITS
DEFAULT_UNIT = "wan"


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
    return f"{rounding.in_unit(amount, unit_or_default(unit)):,.2f}"


@register.filter(name="yuan")
def yuan(value: object, unit: str | None = "yuan") -> str:
    return format_amount(value, unit)


@register.simple_tag
def yuan_unit_label(unit: str | None) -> str:
    return unit_label(unit)


@register.filter
def amount(value: object) -> str:
    """An amount already shown in its unit (rounded by the report): grouped, two places."""
    if value is None or value == "":
        return ""
    try:
        shown = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    return f"{shown:,.2f}"


@register.simple_tag
def shown_mix(mix, unit: str | None):
    """The funding mix as shown in `unit`, rows adding up to the totals shown."""
    return mix.shown(unit_or_default(unit))


@register.filter
def percent_or_dash(value: object) -> str:
    """A rate as shown everywhere: one decimal place, half up ("45.8%"), or "—"."""
    return percent(value)

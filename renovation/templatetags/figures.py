"""Figures in templates, shown by the registry's rules (renovation.figures.rounding).

`{{ rate|percent }}`: a rate as every page shows it, one decimal place, half up ("45.8%"), or
"—" when there is none (no target, nothing received). Rates come from the registry already
rounded; a stored percentage (a snapshot column, a project's progress) is brought to the same
one place here, so no page shows 46% or 45.83% for what another shows as 45.8%.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template

from renovation.figures import rounding

register = template.Library()


@register.filter
def percent(value: object) -> str:
    if value is None or value == "":
        return "—"
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    if not number.is_finite():
        return str(value)
    return rounding.percent_text(rounding.round_half_up(number, rounding.PERCENT_PLACES))

"""Figures defined once (registry.py) and rounded by one set of rules (rounding.py).

See registry.py for what a figure is and who defines which; rounding.py for the rules: rates to
one decimal place half up from unrounded parts, money converted once, rows shown in 万元 or 亿元
and shares by largest remainder so that they add up to the total shown."""

from .registry import (
    Derived,
    Figure,
    Moment,
    Share,
    Source,
    Unit,
    aggregates,
    cleaned,
    get,
    prefixed,
    register,
    registered,
)
from .rounding import (
    fraction,
    in_unit,
    largest_remainder,
    money,
    money_rows,
    percent_text,
    rate,
    round_half_up,
    shares,
)

__all__ = [
    "Derived",
    "Figure",
    "Moment",
    "Share",
    "Source",
    "Unit",
    "aggregates",
    "cleaned",
    "fraction",
    "get",
    "in_unit",
    "largest_remainder",
    "money",
    "money_rows",
    "percent_text",
    "prefixed",
    "rate",
    "register",
    "registered",
    "round_half_up",
    "shares",
]

"""How every figure rounds: one rule for rates, one conversion for money, largest remainder for
rows that must add up to the total shown.

* **Rates** (start rate, received rate, support rate, average progress ...): computed from the
  unrounded parts, in percent, rounded once to one decimal place, half up (45.75 → 45.8). No
  rate is rounded twice, and none is shown with another number of places.
* **Money** is summed in yuan (元) as `Decimal` and converted once, at the end, into the unit
  shown (元, 万元, 亿元), two places, half up.
* **Rows and their total**: rows shown in 万元 or 亿元, and shares shown in percent, are rounded
  by the largest-remainder method, so that the rows shown add up exactly to the total shown
  (`largest_remainder`, `shares`, `money_rows`). The total itself is the exact sum rounded
  once, half up; the rows are rounded down and the units left over go to the rows with the
  largest remainders (ties: the larger amount, then the earlier row).

`StreamingRounder` applies the same rule to a column too long to hold in memory (the ledger):
one pass counts the remainders, the second rounds row by row in the same order.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

ZERO = Decimal(0)
HUNDRED = Decimal(100)
CENT = Decimal("0.01")
# Rates and shares in percent: one decimal place.
PERCENT_PLACES = 1
MONEY_PLACES = 2
# The units money is shown in, and how many yuan each holds.
MONEY_UNITS: dict[str, Decimal] = {
    "yuan": Decimal(1),
    "wan": Decimal(10_000),
    "yi": Decimal(100_000_000),
}

Number = int | Decimal


def quantum(places: int) -> Decimal:
    return Decimal(1).scaleb(-places)


def as_decimal(value: object) -> Decimal:
    """A number as an exact Decimal (None counts as zero; a float through its shortest text,
    as SQLite returns some decimal sums)."""
    if value is None:
        return ZERO
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int | str):
        return Decimal(value)
    return Decimal(str(value))


def round_half_up(value: Number, places: int) -> Decimal:
    """`value` to `places` decimal places, halves away from zero (45.75 → 45.8)."""
    return as_decimal(value).quantize(quantum(places), rounding=ROUND_HALF_UP)


def rate(
    part: object, whole: object, *, scale: Number = HUNDRED, places: int = PERCENT_PLACES
) -> Decimal | None:
    """`part` of `whole` (× `scale`, percent by default) to one decimal place, half up, from
    the unrounded parts. None when there is no whole (nothing to compare against).

    `places` exists for one exception only: the shares of an owners' vote (Civil Code art.
    278) are shown to two places, because the thresholds are thirds and quarters: a vote that
    fell short with 66.66% of the area must not read "66.7%" beside "≥ 2/3"."""
    if whole is None:
        return None
    denominator = as_decimal(whole)
    if not denominator:
        return None
    return round_half_up(as_decimal(part) * scale / denominator, places)


def fraction(part: object, whole: object) -> Decimal | None:
    """The rate of `rate` as a fraction (0.458 for 45.8%), for spreadsheet cells formatted as
    percentages: the cell shows exactly the rate the pages show."""
    value = rate(part, whole)
    return None if value is None else value / HUNDRED


def percent_text(value: Decimal | None) -> str:
    """A rounded rate as shown: "45.8%", or "—" when there is none."""
    return "—" if value is None else f"{value}%"


# --- Largest remainder ------------------------------------------------------------------------


def _units(value: Decimal, places: int) -> Decimal:
    return value.scaleb(places)


def largest_remainder(
    values: Sequence[Number], places: int, *, total: Number | None = None
) -> list[Decimal]:
    """`values` rounded to `places` decimal places so that they add up exactly to `total`
    (by default their exact sum rounded half up). Works for negative values (each is rounded
    down, towards minus infinity, before the units left over are handed out) and all zeros.

    >>> largest_remainder([Decimal("1.005"), Decimal("1.005"), Decimal("1.005")], 2)
    [Decimal('1.01'), Decimal('1.00'), Decimal('1.00')]
    """
    exact = [as_decimal(v) for v in values]
    step = quantum(places)
    target = round_half_up(sum(exact, ZERO) if total is None else as_decimal(total), places)
    floors = [v.quantize(step, rounding=ROUND_FLOOR) for v in exact]
    left = int(_units(target - sum(floors, ZERO), places))
    if not 0 <= left <= len(exact):
        raise ValueError(f"{target} cannot be shared among {len(exact)} values")
    order = sorted(
        range(len(exact)),
        key=lambda i: (-(exact[i] - floors[i]), -abs(exact[i]), i),
    )
    for i in order[:left]:
        floors[i] += step
    return [value.quantize(step) for value in floors]


def shares(values: Sequence[Number], places: int = PERCENT_PLACES) -> list[Decimal | None]:
    """Each value's share of their sum in percent, adding up to exactly 100.0 (largest
    remainder). None for every value when the sum is not positive."""
    exact = [as_decimal(v) for v in values]
    whole = sum(exact, ZERO)
    if whole <= 0:
        return [None] * len(exact)
    return list(largest_remainder([v * HUNDRED / whole for v in exact], places, total=HUNDRED))


# --- Money ------------------------------------------------------------------------------------


def money(value: object) -> Decimal:
    """An amount in yuan with two places (a database sum, None as zero)."""
    return round_half_up(as_decimal(value), MONEY_PLACES)


def unit_or_default(unit: str | None, default: str = "wan") -> str:
    return unit if unit in MONEY_UNITS else default


def in_unit(amount: object, unit: str) -> Decimal:
    """Yuan converted once into `unit` (元, 万元, 亿元), two places, half up; never "-0.00"."""
    shown = round_half_up(as_decimal(amount) / MONEY_UNITS[unit], MONEY_PLACES)
    return abs(shown) if shown == 0 else shown


def money_rows(
    amounts: Sequence[object], unit: str, *, shown_total: Decimal | None = None
) -> tuple[list[Decimal], Decimal]:
    """Rows of yuan shown in `unit` so that they add up exactly to the total shown, and that
    total: their exact sum converted once, or `shown_total` when the total is shown already
    (the row of a kind, which its sub-types must add up to)."""
    if shown_total is None:
        shown_total = in_unit(sum((as_decimal(a) for a in amounts), ZERO), unit)
    exact = [as_decimal(a) / MONEY_UNITS[unit] for a in amounts]
    rows = largest_remainder(exact, MONEY_PLACES, total=shown_total)
    return [abs(v) if v == 0 else v for v in rows], shown_total


class StreamingRounder:
    """Largest remainder for a column read twice in the same order (too long to hold): feed
    every value once with `count`, then `shown` rounds each value in that order. Memory holds
    one counter per distinct remainder and amount, not the rows."""

    def __init__(self, unit: str) -> None:
        self.unit = unit
        self.step = quantum(MONEY_PLACES)
        self.total = ZERO
        self.floors = ZERO
        self.remainders: Counter[tuple[Decimal, Decimal]] = Counter()
        self._planned = False
        self._threshold: tuple[Decimal, Decimal] | None = None
        self._up_at_threshold = 0

    def _split(self, value: object) -> tuple[Decimal, Decimal, tuple[Decimal, Decimal]]:
        exact = as_decimal(value) / MONEY_UNITS[self.unit]
        floor = exact.quantize(self.step, rounding=ROUND_FLOOR)
        return exact, floor, (exact - floor, abs(exact))

    def count(self, values: Iterable[object]) -> None:
        """The first pass: every value of the column, in the order they will be shown."""
        for value in values:
            _, floor, key = self._split(value)
            self.total += as_decimal(value)
            self.floors += floor
            self.remainders[key] += 1

    @property
    def shown_total(self) -> Decimal:
        return in_unit(self.total, self.unit)

    def _plan(self) -> None:
        """The smallest (remainder, amount) that still rounds up, and how many of the values
        at exactly that key do (the earliest ones)."""
        left = int(_units(self.shown_total - self.floors, MONEY_PLACES))
        for key in sorted(self.remainders, reverse=True):
            if left <= 0:
                break
            self._threshold = key
            self._up_at_threshold = min(self.remainders[key], left)
            left -= self._up_at_threshold
        self._planned = True

    def shown(self, value: object) -> Decimal:
        """The next value of the second pass, rounded (call in the order of `count`)."""
        if not self._planned:
            self._plan()
        _, floor, key = self._split(value)
        up = False
        if self._threshold is not None:
            if key > self._threshold:
                up = True
            elif key == self._threshold and self._up_at_threshold > 0:
                up = True
                self._up_at_threshold -= 1
        result = floor + self.step if up else floor
        return abs(result) if result == 0 else result.quantize(self.step)

"""Shared pieces of the synthetic generator: options, dates, money in cents, skewed draws, ids and
the row buffer that the generators fill and the writers empty.

Money is carried as integer cents and written as "123.45" strings (exact, and much cheaper than
Decimal objects for millions of rows); quantities the same way. Every timestamp is tz-aware and
derived from the fixed base date (`as_of`), never from the wall clock.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings

# The fixed base date: everything happened on or before it. Plan years run 2019–2025; projects of
# 2025 (and late ones of earlier years) are still being built or accepted in 2026.
DEFAULT_AS_OF = dt.date(2026, 6, 30)
EARLIEST_AS_OF = dt.date(2026, 1, 1)
DEFAULT_SEED = 20260630
YEARS = (2019, 2020, 2021, 2022, 2023, 2024, 2025)
# Registry codes of synthetic provinces, cities and districts start with this: it is how the
# generator recognises its own data (real codes are digits only).
CODE_PREFIX = "SYN"
SYSTEM_USERNAME = "synthetic"

# National scale (2019–2025): about 300 prefecture-level cities, 2,800 counties and districts,
# 40,000 street offices and towns; the hierarchy is full size from this many compounds on.
FULL_SCALE_COMPOUNDS = 300_000
FULL_SCALE = {"provinces": 31, "cities": 300, "districts": 2_800, "streets": 40_000}


@dataclass
class Options:
    compounds: int
    seed: int = DEFAULT_SEED
    as_of: dt.date = DEFAULT_AS_OF
    provinces: int | None = None
    cities: int | None = None
    districts: int | None = None
    streets: int | None = None
    chunk_rows: int = 250_000  # rows buffered before they are written


@dataclass(frozen=True)
class Scale:
    provinces: int
    cities: int
    districts: int
    streets: int


def scale_for(options: Options) -> Scale:
    """The size of the hierarchy for N compounds.

    Every level is the national size times f = min(1, N / 300,000), at least one (so the average
    street keeps about 7.5 compounds whatever N, and small test runs still have streets with
    compounds); `--cities/--districts/--streets` override a level. Each level is then made at
    least as large as the one above it and at most N streets.
    """
    f = min(1.0, options.compounds / FULL_SCALE_COMPOUNDS)

    def level(name: str, override: int | None) -> int:
        if override is not None:
            return max(1, override)
        return max(1, round(FULL_SCALE[name] * f))

    streets = min(level("streets", options.streets), max(1, options.compounds))
    districts = min(level("districts", options.districts), streets)
    cities = min(level("cities", options.cities), districts)
    provinces = min(level("provinces", options.provinces), cities)
    return Scale(provinces=provinces, cities=cities, districts=districts, streets=streets)


# --- Dates and money -----------------------------------------------------------------------


def zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


class Clock:
    """Aware datetimes for dates (one tzinfo object; no wall clock)."""

    def __init__(self, as_of: dt.date) -> None:
        self.as_of = as_of
        self.tz = zone()
        self.cache: dict[tuple[dt.date, int], dt.datetime] = {}

    def at(self, day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
        if minute:
            return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=self.tz)
        key = (day, hour)
        value = self.cache.get(key)
        if value is None:  # a few thousand days × a few hours: worth keeping
            value = dt.datetime(day.year, day.month, day.day, hour, tzinfo=self.tz)
            self.cache[key] = value
        return value

    def end(self) -> dt.datetime:
        """The last moment of the base date."""
        return self.at(self.as_of, 23, 0)


def day_between(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    if end <= start:
        return start
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def plus(day: dt.date, days: int) -> dt.date:
    return day + dt.timedelta(days=days)


def cents(value: int) -> str:
    """Integer cents as a two-place decimal string (non-negative)."""
    return f"{value // 100}.{value % 100:02d}"


def cents_of(yuan: float, quantum: int = 100) -> int:
    """A float amount of yuan rounded to `quantum` yuan, in cents."""
    return max(0, round(yuan / quantum)) * quantum * 100


# --- Random streams and skewed draws ---------------------------------------------------------


class Stream(random.Random):
    """`random.Random` (the same Mersenne Twister, seeded the same way) with `randint` and
    `choice` computed from one `random()` draw: several times faster than the rejection
    sampling of the standard methods, which dominated the generator's profile; the bias is
    below 1e-12."""

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))

    def choice(self, seq):
        return seq[int(self.random() * len(seq))]


def lognormal_int(rng: random.Random, median: float, sigma: float, low: int, high: int) -> int:
    return min(high, max(low, round(median * math.exp(rng.gauss(0.0, sigma)))))


def zipf_weights(n: int, s: float) -> list[float]:
    return [1.0 / (rank**s) for rank in range(1, n + 1)]


def allocate(total: int, weights: Sequence[float], minimum: int = 0) -> list[int]:
    """Split `total` into len(weights) integers of at least `minimum`, proportional to the
    weights, by largest remainder (exact, deterministic)."""
    n = len(weights)
    if n == 0:
        return []
    spare = total - minimum * n
    if spare < 0:
        # Not enough for the minimum everywhere: the heaviest parts get one each.
        order = sorted(range(n), key=lambda i: (-weights[i], i))
        parts = [0] * n
        for i in order[:total]:
            parts[i] = 1
        return parts
    weight_sum = float(sum(weights)) or 1.0
    raw = [spare * w / weight_sum for w in weights]
    parts = [int(r) for r in raw]
    left = spare - sum(parts)
    order = sorted(range(n), key=lambda i: (-(raw[i] - parts[i]), i))
    for i in order[:left]:
        parts[i] += 1
    return [minimum + p for p in parts]


def pick(rng: random.Random, options: Sequence, cum_weights: Sequence[float]):
    return rng.choices(options, cum_weights=cum_weights)[0]


def cumulative(weights: Sequence[float]) -> list[float]:
    total, out = 0.0, []
    for w in weights:
        total += w
        out.append(total)
    return out


# --- Ids and rows --------------------------------------------------------------------------


class Ids:
    """Primary keys allocated in Python (the database's sequences are set afterwards), so rows
    that refer to each other are streamed without asking the database for ids."""

    def __init__(self, start: dict[str, int]) -> None:
        self.next = dict(start)

    def take(self, table: str) -> int:
        value = self.next[table]
        self.next[table] = value + 1
        return value


class Rows:
    """Rows generated but not yet written, per table, in generation order."""

    def __init__(self) -> None:
        self.tables: defaultdict[str, list[tuple]] = defaultdict(list)

    def add(self, table: str, row: tuple) -> None:
        self.tables[table].append(row)

    @property
    def buffered(self) -> int:
        return sum(len(rows) for rows in self.tables.values())

    def take(self) -> dict[str, list[tuple]]:
        tables, self.tables = self.tables, defaultdict(list)
        return dict(tables)

"""How much of each work type a compound needs and what it costs (illustrative unit costs).

Each work type's planned quantity scales with one measure of the compound: households ("hh"),
floor area in m² ("area"), buildings ("bld") or nothing ("one"), times a random factor; the
budget is quantity × unit cost × ±15 %, rounded to 100 yuan. Metres and square metres carry two
decimals; every other unit is a whole number.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

# code: (measure, low factor, high factor, unit cost in yuan)
QUANTITIES: dict[str, tuple[str, float, float, int]] = {
    "water-pipe": ("hh", 2.0, 8.0, 420),
    "water-meter": ("hh", 0.6, 1.0, 800),
    "secondary-water": ("one", 1, 3, 180_000),
    "gas-pipe": ("hh", 1.5, 6.0, 380),
    "gas-connection": ("hh", 0.3, 0.9, 3_200),
    "power-upgrade": ("hh", 0.5, 1.0, 2_600),
    "rain-pipe": ("hh", 1.0, 4.0, 520),
    "sewage-pipe": ("hh", 1.0, 4.0, 560),
    "rain-sewage": ("hh", 1.5, 5.0, 650),
    "telecom-line": ("hh", 2.0, 6.0, 150),
    "overhead-cables": ("hh", 3.0, 9.0, 90),
    "roof-waterproofing": ("area", 0.12, 0.3, 130),
    "facade": ("area", 0.4, 0.9, 160),
    "stairwell": ("bld", 0.6, 1.0, 48_000),
    "doors-windows": ("bld", 1.0, 4.0, 9_000),
    "road-repair": ("area", 0.05, 0.25, 190),
    "fire-facilities": ("hh", 0.05, 0.2, 6_500),
    "fire-access": ("one", 1, 4, 35_000),
    "micro-fire-station": ("one", 1, 1, 60_000),
    "structural-repair": ("bld", 0.1, 0.5, 160_000),
    "security-cctv": ("one", 1, 3, 120_000),
    "lighting": ("hh", 0.1, 0.4, 2_600),
    "illegal-structures": ("area", 0.005, 0.03, 220),
    "wall-removal": ("area", 0.002, 0.01, 300),
    "parking-spaces": ("hh", 0.05, 0.3, 12_000),
    "ev-chargers": ("hh", 0.02, 0.15, 9_000),
    "ebike-chargers": ("hh", 0.05, 0.3, 1_500),
    "bike-sheds": ("bld", 0.3, 1.0, 25_000),
    "elevators": ("bld", 0.3, 1.5, 480_000),
    "accessibility": ("bld", 0.3, 1.0, 18_000),
    "greening": ("area", 0.03, 0.15, 180),
    "trees": ("hh", 0.05, 0.4, 1_200),
    "sponge-paving": ("area", 0.02, 0.1, 260),
    "waste-sorting": ("bld", 0.2, 0.6, 22_000),
    "smart-access": ("one", 1, 3, 85_000),
    "pavilions": ("one", 1, 3, 60_000),
    "fitness": ("one", 1, 4, 40_000),
    "property-rooms": ("one", 1, 2, 150_000),
    "parcel-lockers": ("one", 1, 3, 32_000),
    "elderly-care": ("one", 1, 1, 320_000),
    "child-care": ("one", 1, 1, 220_000),
    "community-canteen": ("one", 1, 1, 380_000),
    "party-service-centre": ("one", 1, 1, 260_000),
    "health-station": ("one", 1, 1, 200_000),
    "convenience-services": ("one", 1, 2, 150_000),
}
DEFAULT_QUANTITY = ("one", 1, 3, 50_000)  # a work type added to the catalogue later
DECIMAL_UNITS = {"m", "m2"}
# Work types per project category: (basic, improvement, enhancement) shares.
CATEGORY_MIX = {
    "basic": (0.75, 0.22, 0.03),
    "improvement": (0.5, 0.45, 0.05),
    "enhancement": (0.4, 0.35, 0.25),
}


@dataclass(frozen=True)
class WorkTypeRec:
    id: int
    code: str
    unit: str
    category: str

    @property
    def decimal(self) -> bool:
        return self.unit in DECIMAL_UNITS


class Catalogue:
    """The active work types of the database, grouped by category."""

    def __init__(self, work_types: list[WorkTypeRec]) -> None:
        self.by_category: dict[str, list[WorkTypeRec]] = {
            "basic": [],
            "improvement": [],
            "enhancement": [],
        }
        for wt in work_types:
            self.by_category.setdefault(wt.category, []).append(wt)

    def choose(self, rng: random.Random, category: str, count: int) -> list[WorkTypeRec]:
        shares = CATEGORY_MIX[category]
        pools = [
            self.by_category["basic"],
            self.by_category["improvement"],
            self.by_category["enhancement"],
        ]
        wanted = [round(count * s) for s in shares]
        wanted[0] += count - sum(wanted)
        chosen: list[WorkTypeRec] = []
        for pool, n in zip(pools, wanted, strict=True):
            chosen.extend(rng.sample(pool, min(n, len(pool))))
        return chosen


def quantity(
    rng: random.Random, wt: WorkTypeRec, *, households: int, floor_area: float, buildings: int
) -> tuple[int, int]:
    """(planned quantity in hundredths, budget in cents)."""
    measure, low, high, unit_cost = QUANTITIES.get(wt.code, DEFAULT_QUANTITY)
    base = {"hh": households, "area": floor_area, "bld": buildings, "one": 1}[measure]
    if measure == "one":
        raw = float(rng.randint(int(low), int(high)))
    else:
        raw = base * rng.uniform(low, high)
    planned = max(100, round(raw * 100)) if wt.decimal else max(1, round(raw)) * 100
    budget_yuan = planned / 100 * unit_cost * rng.uniform(0.85, 1.15)
    budget = max(1, round(budget_yuan / 100)) * 100 * 100
    return planned, budget

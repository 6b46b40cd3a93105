"""When each project entered each stage, consistent with its plan year and the base date.

Older plan years are mostly accepted or handed over; 2024 and 2025 spread over every stage. A
project that was accepted has its construction start 3–10 months earlier; a project still before
construction entered its current stage some time before the base date. Stage dates are strictly
increasing, never before the compound's census and never after the base date.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from .common import cumulative, day_between, plus

STAGES = (
    "surveyed",
    "consultation",
    "design",
    "approved",
    "tendering",
    "construction",
    "accepted",
    "handed_over",
)
SURVEYED, CONSULTATION, DESIGN, APPROVED, TENDERING, CONSTRUCTION, ACCEPTED, HANDED_OVER = range(8)

# Share of a plan year's projects at each stage on the base date (2026-06-30 by default).
STAGE_MIX = {
    2019: (0, 0, 0, 0, 0, 0.01, 0.09, 0.90),
    2020: (0, 0, 0, 0, 0, 0.01, 0.12, 0.87),
    2021: (0, 0, 0, 0, 0, 0.02, 0.18, 0.80),
    2022: (0, 0, 0, 0, 0.005, 0.03, 0.265, 0.70),
    2023: (0, 0.005, 0.005, 0.005, 0.01, 0.06, 0.345, 0.57),
    2024: (0.005, 0.01, 0.01, 0.015, 0.02, 0.14, 0.45, 0.35),
    2025: (0.04, 0.06, 0.06, 0.06, 0.06, 0.34, 0.28, 0.10),
}
STAGE_CUMULATIVE = {year: cumulative(mix) for year, mix in STAGE_MIX.items()}
# Gaps between entering one stage and the next, in days (consultation→design and so on).
GAPS = {DESIGN: (20, 80), APPROVED: (25, 90), TENDERING: (10, 40), CONSTRUCTION: (15, 45)}


@dataclass
class Timeline:
    created: dt.date  # the project was registered (stage "surveyed")
    entered: dict[int, dt.date] = field(default_factory=dict)  # stage index -> date entered
    # (stage left, stage entered, date) for a return to the previous stage and back again
    detour: tuple[int, int, dt.date, dt.date] | None = None

    @property
    def started(self) -> dt.date | None:
        return self.entered.get(CONSTRUCTION)

    @property
    def accepted(self) -> dt.date | None:
        return self.entered.get(ACCEPTED)


def draw_stage(rng: random.Random, year: int) -> int:
    return rng.choices(range(8), cum_weights=STAGE_CUMULATIVE[year])[0]


def build(
    rng: random.Random, *, year: int, stage: int, census_on: dt.date, as_of: dt.date
) -> Timeline:
    entered: dict[int, dt.date] = {}
    if stage >= ACCEPTED:
        margin = 30 if stage == HANDED_OVER else 2
        high = min(dt.date(year + 1, 10, 31), plus(as_of, -margin))
        low = min(dt.date(year, 7, 1), high)
        accepted = day_between(rng, low, high)
        started = max(plus(accepted, -rng.randint(90, 300)), dt.date(year - 1, 12, 1))
        started = min(started, plus(accepted, -45))
        entered[ACCEPTED] = accepted
        entered[CONSTRUCTION] = started
        if stage == HANDED_OVER:
            entered[HANDED_OVER] = day_between(
                rng, plus(accepted, 20), min(plus(accepted, 90), plus(as_of, -1))
            )
        last = CONSTRUCTION
    elif stage == CONSTRUCTION:
        high = plus(as_of, -10) if year >= as_of.year - 1 else dt.date(year, 12, 20)
        entered[CONSTRUCTION] = day_between(rng, dt.date(year, 3, 1), min(high, plus(as_of, -10)))
        last = CONSTRUCTION
    elif stage > SURVEYED:
        entered[stage] = day_between(rng, dt.date(year - 1, 10, 1), plus(as_of, -3))
        last = stage
    else:
        low = max(plus(census_on, 1), dt.date(year - 1, 9, 1))
        return Timeline(created=day_between(rng, low, plus(as_of, -3)))
    for k in range(last, CONSULTATION, -1):
        entered[k - 1] = plus(entered[k], -rng.randint(*GAPS[k]))
    created = plus(entered[CONSULTATION], -rng.randint(10, 60))
    # Never before the census; then make the dates strictly increasing again.
    created = max(created, plus(census_on, 1))
    previous = created
    for k in range(CONSULTATION, stage + 1):
        if entered[k] <= previous:
            entered[k] = plus(previous, 1)
        previous = entered[k]
    if previous > as_of:  # squeezed past the base date: pull the whole chain back
        shift = (previous - as_of).days
        created = plus(created, -shift)
        entered = {k: plus(d, -shift) for k, d in entered.items()}
    timeline = Timeline(created=created, entered=entered)
    if stage >= DESIGN and rng.random() < 0.03:
        _detour(rng, timeline, stage, as_of)
    return timeline


def _detour(rng: random.Random, timeline: Timeline, stage: int, as_of: dt.date) -> None:
    """Sent back one stage (design to consultation, approval to design...) and forward again."""
    k = rng.randint(DESIGN, min(stage, TENDERING))
    start = timeline.entered[k]
    end = timeline.entered.get(k + 1, plus(as_of, 1))
    if (end - start).days < 8:
        return
    back = plus(start, rng.randint(2, (end - start).days // 2))
    again = plus(back, rng.randint(1, (end - back).days - 1))
    timeline.detour = (k, k - 1, back, again)


def transitions(timeline: Timeline, stage: int) -> list[tuple[int, int, dt.date]]:
    """The stage-transition log: (from, to, date), ending in the current stage."""
    log = [(k - 1, k, timeline.entered[k]) for k in range(CONSULTATION, stage + 1)]
    if timeline.detour is not None:
        left, entered, back, again = timeline.detour
        at = next(i for i, row in enumerate(log) if row[1] == left) + 1
        log[at:at] = [(left, entered, back), (entered, left, again)]
    return log

"""Deterministic splitting of published totals into per-compound figures.

Every helper returns parts that add up to the total exactly (integers, or Decimals in cents), so
the figures the seed reports publish come back unchanged from any SQL aggregate.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from decimal import Decimal

CENT = Decimal("0.01")


def skewed_weights(rng: random.Random, n: int, sigma: float = 0.55) -> list[float]:
    """Log-normal weights: most compounds are mid-sized, a few are large (realistic skew)."""
    return [rng.lognormvariate(0.0, sigma) for _ in range(n)]


def split_int(
    total: int,
    n: int,
    rng: random.Random | None = None,
    *,
    weights: Sequence[float] | None = None,
    minimum: int = 1,
    caps: Sequence[int] | None = None,
    sigma: float = 0.55,
) -> list[int]:
    """Split `total` into `n` integers >= `minimum` (and <= caps[i] if given), proportional to
    `weights` (log-normal from `rng` when omitted), by largest remainder: exact and stable."""
    if n <= 0:
        if total:
            raise ValueError("cannot split a non-zero total into no parts")
        return []
    if weights is None:
        if rng is None:
            raise ValueError("give weights or an rng")
        weights = skewed_weights(rng, n, sigma)
    if len(weights) != n:
        raise ValueError("one weight per part")
    spare = total - minimum * n
    if spare < 0:
        raise ValueError(f"{total} is too small for {n} parts of at least {minimum}")
    if caps is not None and sum(caps) < total:
        raise ValueError("caps too small for the total")
    weight_sum = float(sum(weights)) or 1.0
    raw = [spare * w / weight_sum for w in weights]
    parts = [int(r) for r in raw]
    left = spare - sum(parts)
    order = sorted(range(n), key=lambda i: (-(raw[i] - parts[i]), i))
    for i in order[:left]:
        parts[i] += 1
    values = [minimum + p for p in parts]
    if caps is not None:
        overflow = 0
        for i, cap in enumerate(caps):
            if values[i] > cap:
                overflow += values[i] - cap
                values[i] = cap
        by_weight = sorted(range(n), key=lambda i: (-weights[i], i))
        while overflow:
            moved = False
            for i in by_weight:
                if overflow and values[i] < caps[i]:
                    values[i] += 1
                    overflow -= 1
                    moved = True
            if not moved:  # pragma: no cover - guarded by the caps check above
                raise ValueError("caps too small for the total")
    if sum(values) != total:  # pragma: no cover - the loops above guarantee it
        raise ArithmeticError(f"split of {total} adds up to {sum(values)}")
    return values


def split_with_fixed(
    total: int,
    n: int,
    rng: random.Random,
    fixed: dict[int, int],
    *,
    minimum: int = 1,
    sigma: float = 0.55,
) -> list[int]:
    """Like split_int, but the parts at the indices of `fixed` have the given values."""
    free = [i for i in range(n) if i not in fixed]
    rest = split_int(total - sum(fixed.values()), len(free), rng, minimum=minimum, sigma=sigma)
    values = [0] * n
    for i, value in fixed.items():
        values[i] = value
    for i, value in zip(free, rest, strict=True):
        values[i] = value
    return values


def split_decimal(
    total: Decimal,
    weights: Sequence[float],
    *,
    minimum: Decimal = CENT,
    quantum: Decimal = CENT,
) -> list[Decimal]:
    """Split a Decimal amount (yuan, m²) in steps of `quantum` proportional to `weights`."""
    steps = int((total / quantum).to_integral_exact())
    if Decimal(steps) * quantum != total:
        raise ValueError(f"{total} is not a multiple of {quantum}")
    min_steps = int((minimum / quantum).to_integral_value())
    parts = split_int(steps, len(weights), weights=weights, minimum=min_steps)
    values = [(Decimal(p) * quantum).quantize(CENT) for p in parts]
    if sum(values, Decimal(0)) != total:  # pragma: no cover - whole steps of the quantum
        raise ArithmeticError(f"split of {total} adds up to {sum(values, Decimal(0))}")
    return values


def jitter(rng: random.Random, values: Sequence[float], spread: float = 0.12) -> list[float]:
    """Weights close to `values` (for correlated splits: floor area follows households)."""
    return [max(v, 0.01) * rng.uniform(1 - spread, 1 + spread) for v in values]

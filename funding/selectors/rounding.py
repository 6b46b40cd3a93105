"""Amounts and shares as the funding pages show them (the registry's rules:
renovation.figures.rounding)."""

from __future__ import annotations

from decimal import Decimal

from renovation.figures import rounding


def shares_percent(values: list[Decimal], places: int = 1) -> list[Decimal | None]:
    """Each value's share of their sum in percent, adding up to exactly 100 (largest
    remainder); None for every value when the sum is zero."""
    return rounding.shares(values, places)


def money_(value: Decimal | float | int | str | None) -> Decimal:
    """An aggregate as yuan with two places (SQLite returns sums with float-length scales)."""
    return rounding.money(value)


def percent(part: Decimal, whole: Decimal) -> Decimal | None:
    return rounding.rate(part, whole)

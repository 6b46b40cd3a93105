"""The registry's rounding rules and its mechanism (renovation.figures)."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from django.db.models import F, Q

from renovation.figures import Derived, Figure, Unit, prefixed, register, registered, rounding
from renovation.figures.registry import get
from reporting import figures as catalogue  # registers every figure

D = Decimal


# --- Rates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [
        (1, 3, D("33.3")),
        (2, 3, D("66.7")),
        (549, 1200, D("45.8")),  # 45.75: half up, never 45.7 (half even) nor 46 nor 45.75
        (1, 8, D("12.5")),
        (0, 5, D("0.0")),
        (7, 7, D("100.0")),
        (D("0.1"), D("0.3"), D("33.3")),
    ],
)
def test_a_rate_has_one_decimal_rounded_half_up_from_the_unrounded_parts(part, whole, expected):
    assert rounding.rate(part, whole) == expected
    assert str(rounding.rate(part, whole)) == str(expected)


@pytest.mark.parametrize("whole", [0, None, D(0)])
def test_a_rate_without_a_whole_is_none(whole):
    assert rounding.rate(5, whole) is None


def test_a_rate_in_a_spreadsheet_cell_is_the_pages_rate_as_a_fraction():
    assert rounding.fraction(549, 1200) == D("0.458")
    assert rounding.fraction(1, 0) is None


# --- Largest remainder ------------------------------------------------------------------------


def test_largest_remainder_rows_add_up_to_the_rounded_total():
    values = [D("1.005"), D("1.005"), D("1.005")]

    rows = rounding.largest_remainder(values, 2)

    assert sum(rows) == D("3.02") == rounding.round_half_up(sum(values), 2)
    # Ties on the remainder and the amount go to the earlier rows.
    assert rows == [D("1.01"), D("1.01"), D("1.00")]


def test_largest_remainder_gives_the_unit_to_the_largest_remainder_then_the_larger_amount():
    assert rounding.largest_remainder([D("0.004"), D("0.006"), D("0.005")], 2) == [
        D("0.00"),
        D("0.01"),
        D("0.01"),
    ]
    # equal remainders: the larger amount first
    assert rounding.largest_remainder([D("1.005"), D("3.005")], 2) == [D("1.00"), D("3.01")]


def test_largest_remainder_handles_negative_values():
    values = [D("-1.005"), D("2.006"), D("-0.333")]

    rows = rounding.largest_remainder(values, 2)

    assert sum(rows) == rounding.round_half_up(sum(values), 2) == D("0.67")
    for exact, shown in zip(values, rows, strict=True):
        assert abs(exact - shown) < D("0.01")


def test_largest_remainder_of_all_zeros_and_of_nothing():
    assert rounding.largest_remainder([D(0), D(0), 0], 2) == [D("0.00")] * 3
    assert rounding.largest_remainder([], 2) == []


def test_largest_remainder_to_a_given_total():
    # A kind shown as 0.02 (万元) whose sub-types are 0.005 + 0.005 + 0.005 + 0.005.
    assert rounding.largest_remainder([D("0.005")] * 4, 2, total=D("0.02")) == [
        D("0.01"),
        D("0.01"),
        D("0.00"),
        D("0.00"),
    ]
    with pytest.raises(ValueError, match="cannot be shared"):
        rounding.largest_remainder([D("0.005")] * 4, 2, total=D("0.10"))


def test_random_rows_always_add_up_and_stay_within_one_unit():
    rng = random.Random(12)
    for _ in range(200):
        values = [D(rng.randint(-(10**7), 10**9)) / 100 for _ in range(rng.randint(1, 30))]
        rows = rounding.largest_remainder([v / 10_000 for v in values], 2)
        assert sum(rows) == rounding.in_unit(sum(values), "wan")
        assert all(abs(v / 10_000 - r) < D("0.01") for v, r in zip(values, rows, strict=True))


# --- Shares and money -------------------------------------------------------------------------


def test_shares_add_up_to_exactly_one_hundred():
    shares = rounding.shares([1, 1, 1])
    assert shares == [D("33.4"), D("33.3"), D("33.3")]
    assert sum(shares) == D("100.0")
    assert rounding.shares([D("2"), D("0"), D("1")]) == [D("66.7"), D("0.0"), D("33.3")]


def test_shares_of_nothing_are_none():
    assert rounding.shares([0, 0]) == [None, None]
    assert rounding.shares([]) == []


def test_money_is_converted_once_and_never_shows_minus_zero():
    assert rounding.in_unit(D("17410000.00"), "wan") == D("1741.00")
    assert rounding.in_unit(D("12345.00"), "wan") == D("1.23")
    assert rounding.in_unit(D("15000.00"), "wan") == D("1.50")
    assert rounding.in_unit(D("-0.10"), "wan") == D("0.00")
    assert str(rounding.in_unit(D("-0.10"), "wan")) == "0.00"
    assert rounding.in_unit(D("250000000"), "yi") == D("2.50")


def test_money_rows_add_up_to_the_total_converted_once():
    amounts = [D("50.00")] * 3 + [D("10600000.00")]

    rows, total = rounding.money_rows(amounts, "wan")

    assert total == D("1060.02")  # 1,060.015 万元, half up
    assert sum(rows) == total
    # each row alone would round to 0.01: 1,060.03 in all, not the total shown
    assert [rounding.in_unit(a, "wan") for a in amounts][:3] == [D("0.01")] * 3
    assert rows[:3] == [D("0.01"), D("0.01"), D("0.00")]


def test_streaming_rounder_equals_largest_remainder():
    rng = random.Random(7)
    for unit in ("wan", "yi"):
        for _ in range(100):
            amounts = [D(rng.randint(0, 10**8)) / 100 for _ in range(rng.randint(1, 40))]
            amounts += [amounts[0]] * rng.randint(0, 3)  # ties
            rounder = rounding.StreamingRounder(unit)
            rounder.count(amounts)

            shown = [rounder.shown(a) for a in amounts]

            expected, total = rounding.money_rows(amounts, unit)
            assert shown == expected
            assert sum(shown) == total == rounder.shown_total


# --- The registry -----------------------------------------------------------------------------


def test_a_figure_is_defined_once():
    started = get("started")
    register(started)  # the same figure again: nothing happens
    clash = Figure("started", "Started again", Unit.COUNT, "programmes.Project")
    with pytest.raises(ValueError, match="already defined"):
        register(clash)
    assert get("started") is started
    assert len({f.key for f in registered()}) == len(registered())


def test_every_registered_figure_has_a_label_a_unit_and_a_source_or_parts():
    assert catalogue.MODULES  # programmes, funding and governance figures are registered
    for figure in registered():
        assert str(figure.label)
        assert figure.unit in Unit.values
        if isinstance(figure, Figure):
            assert figure.sources, figure.key
        if isinstance(figure, Derived):
            assert figure.parts, figure.key


def test_prefixed_reads_a_figure_through_a_relation():
    q = prefixed(Q(stage="construction") & ~Q(answered_at__lte=F("received_at")), "project__")

    assert str(q) == str(
        Q(project__stage="construction") & ~Q(project__answered_at__lte=F("project__received_at"))
    )
    assert prefixed(F("progress") * F("budget"), "project__").__class__.__name__ == (
        "CombinedExpression"
    )

"""Civil Code art. 278 arithmetic: exact fractions on the edges, area and heads apart."""

from __future__ import annotations

from decimal import Decimal

import pytest

from governance.rules import (
    CIVIL_CODE_RULES,
    MORE_THAN_HALF,
    ORDINARY,
    SPECIAL,
    THREE_QUARTERS,
    TWO_THIRDS,
    Tally,
    evaluate,
)


def tally(
    eligible_owners=300,
    eligible_area="30000.00",
    participating_owners=300,
    participating_area="30000.00",
    agree_owners=300,
    agree_area="30000.00",
) -> Tally:
    return Tally(
        eligible_owners=eligible_owners,
        eligible_area=Decimal(eligible_area),
        participating_owners=participating_owners,
        participating_area=Decimal(participating_area),
        agree_owners=agree_owners,
        agree_area=Decimal(agree_area),
    )


def test_exactly_two_thirds_of_area_and_heads_is_a_quorum():
    # 200 of 300 owners, 20000.00 of 30000.00 m²: exactly 2/3 (“以上” includes the figure)
    outcome = evaluate(
        tally(
            participating_owners=200,
            participating_area="20000.00",
            agree_owners=200,
            agree_area="20000.00",
        ),
        SPECIAL,
    )
    assert outcome.participation_area_ok
    assert outcome.participation_heads_ok
    assert outcome.quorum_reached


def test_one_hundredth_of_a_square_metre_below_two_thirds_is_no_quorum():
    outcome = evaluate(
        tally(
            participating_owners=200,
            participating_area="19999.99",
            agree_owners=200,
            agree_area="19999.99",
        ),
        SPECIAL,
    )
    assert not outcome.participation_area_ok
    assert outcome.participation_heads_ok
    assert not outcome.quorum_reached
    assert not outcome.passed


def test_two_thirds_with_a_remainder_is_not_rounded_up():
    # 2/3 of 100 owners is 66.67: 66 is short, 67 is enough. Floats would be tempted to round.
    short = evaluate(tally(eligible_owners=100, participating_owners=66, agree_owners=66), SPECIAL)
    enough = evaluate(tally(eligible_owners=100, participating_owners=67, agree_owners=67), SPECIAL)
    assert not short.participation_heads_ok
    assert enough.participation_heads_ok


def test_exactly_three_quarters_approves_a_renovation():
    # 300 take part; 225 in favour with 22500.00 of 30000.00 m²: exactly 3/4 of each
    outcome = evaluate(tally(agree_owners=225, agree_area="22500.00"), CIVIL_CODE_RULES["renovate"])
    assert outcome.approval_heads_ok
    assert outcome.approval_area_ok
    assert outcome.passed


def test_one_owner_short_of_three_quarters_refuses_a_renovation_with_the_figures():
    outcome = evaluate(tally(agree_owners=224, agree_area="22500.00"), CIVIL_CODE_RULES["renovate"])
    assert outcome.approval_area_ok
    assert not outcome.approval_heads_ok
    assert not outcome.passed
    assert outcome.approval_heads_share == Decimal("74.67")
    assert any("74.67" in reason and "3/4" in reason for reason in outcome.reasons)


def test_exactly_half_is_not_more_than_half():
    # “过半数” excludes half: 150 of 300 is not enough for an ordinary matter, 151 is
    half = evaluate(tally(agree_owners=150, agree_area="15000.00"), ORDINARY)
    above = evaluate(tally(agree_owners=151, agree_area="15000.01"), ORDINARY)
    assert not half.approval_heads_ok
    assert not half.approval_area_ok
    assert not half.passed
    assert above.passed


def test_just_above_half_of_the_area_but_exactly_half_of_heads_fails():
    outcome = evaluate(tally(agree_owners=150, agree_area="15000.01"), ORDINARY)
    assert outcome.approval_area_ok
    assert not outcome.approval_heads_ok
    assert not outcome.passed


def test_zero_participants_reach_nothing_and_do_not_divide_by_zero():
    outcome = evaluate(
        tally(participating_owners=0, participating_area="0", agree_owners=0, agree_area="0"),
        ORDINARY,
    )
    assert not outcome.quorum_reached
    assert not outcome.approval_area_ok
    assert not outcome.approval_heads_ok
    assert not outcome.passed
    assert outcome.approval_area_share is None
    assert outcome.participation_area_share == Decimal("0.00")


def test_area_and_heads_disagreeing_on_quorum_is_no_quorum():
    # Large flats take part (80% of the area) but only half of the owners
    outcome = evaluate(
        tally(
            participating_owners=150,
            participating_area="24000.00",
            agree_owners=150,
            agree_area="24000.00",
        ),
        ORDINARY,
    )
    assert outcome.participation_area_ok
    assert not outcome.participation_heads_ok
    assert not outcome.passed
    assert len(outcome.reasons) == 1


def test_area_and_heads_disagreeing_on_approval_is_not_approved():
    # Many small-flat owners agree (80% of heads) but hold only 70% of the area
    outcome = evaluate(tally(agree_owners=240, agree_area="21000.00"), SPECIAL)
    assert outcome.quorum_reached
    assert outcome.approval_heads_ok
    assert not outcome.approval_area_ok
    assert not outcome.passed


@pytest.mark.parametrize(
    ("matter", "approval"),
    [
        ("raise_fund", THREE_QUARTERS),
        ("renovate", THREE_QUARTERS),
        ("change_use", THREE_QUARTERS),
        ("use_fund", MORE_THAN_HALF),
        ("elect_committee", MORE_THAN_HALF),
        ("other", MORE_THAN_HALF),
    ],
)
def test_civil_code_thresholds_by_matter(matter, approval):
    assert CIVIL_CODE_RULES[matter].quorum == TWO_THIRDS
    assert CIVIL_CODE_RULES[matter].approval == approval


def test_labels_show_at_least_and_more_than():
    assert TWO_THIRDS.label == "≥ 2/3"
    assert MORE_THAN_HALF.label == "> 1/2"

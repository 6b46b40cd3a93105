"""The owners' vote rules in force (Civil Code art. 278 or a city's rule set) and a vote's
result recomputed from its stored tally."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Q

from ..models import OwnerVote, VoteRule, VoteRuleSet
from ..rules import CIVIL_CODE_RULES, MatterRule, Tally, Threshold, evaluate


def matter_rule(rule: VoteRule) -> MatterRule:
    return MatterRule(
        quorum=Threshold(rule.quorum_numerator, rule.quorum_denominator, rule.quorum_strict),
        approval=Threshold(
            rule.approval_numerator, rule.approval_denominator, rule.approval_strict
        ),
    )


def vote_rule_for(
    *, city_id: int | None, on: dt.date, matter: str
) -> tuple[VoteRuleSet | None, MatterRule]:
    """The rule for `matter` in force on `on` in the city: the city's latest rule set effective
    by then, else the national default's; the Civil Code itself if the database has neither."""
    rule = (
        VoteRule.objects.filter(matter=matter, rule_set__effective_from__lte=on)
        .filter(Q(rule_set__city_id=city_id) | Q(rule_set__city__isnull=True))
        .select_related("rule_set")
        .order_by(F("rule_set__city_id").asc(nulls_last=True), "-rule_set__effective_from")
        .first()
    )
    if rule is None:
        return None, CIVIL_CODE_RULES[matter]
    return rule.rule_set, matter_rule(rule)


@dataclass
class VoteResult:
    """A tallied vote with the rule it was judged by and the four figures of art. 278."""

    vote: OwnerVote
    rule: MatterRule
    outcome: Any  # rules.VoteOutcome


def vote_result(vote: OwnerVote) -> VoteResult:
    """Recompute the outcome from the stored tally and the rule set recorded at tally time."""
    rule = CIVIL_CODE_RULES[vote.matter]
    if vote.rule_set_id:
        stored = VoteRule.objects.filter(rule_set_id=vote.rule_set_id, matter=vote.matter).first()
        if stored is not None:
            rule = matter_rule(stored)
    tally = Tally(
        eligible_owners=vote.eligible_owners,
        eligible_area=vote.eligible_area,
        participating_owners=vote.participating_owners,
        participating_area=vote.participating_area,
        agree_owners=vote.agree_owners,
        agree_area=vote.agree_area,
    )
    return VoteResult(vote=vote, rule=rule, outcome=evaluate(tally, rule))

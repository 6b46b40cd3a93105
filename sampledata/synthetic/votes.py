"""Owners' votes (Civil Code art. 278) and their ballots, with the outcome the tally service would
store: the rule in force on the vote date is found exactly as `governance.selectors.vote_rule_for`
finds it, and the outcome comes from `governance.rules.evaluate` itself.

A few cities get their own rule set (stricter: four fifths to renovate), so thresholds really
are data. Votes are drawn to pass or to fail (no quorum, or not approved) on purpose; the drawn
figures are then nudged until `evaluate` agrees with the intent.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from governance.models import VoteRule
from governance.rules import CIVIL_CODE_RULES, MatterRule, Tally, Threshold, evaluate

from . import names
from .common import Clock, Ids, Rows, cents, plus

MATTERS = ("elect_committee", "use_fund", "raise_fund", "renovate", "change_use", "other")
SPECIAL, ORDINARY = (3, 4, False), (1, 2, True)
CITY_RULES = {m: SPECIAL if m in ("raise_fund", "change_use") else ORDINARY for m in MATTERS}
CITY_RULES["renovate"] = (4, 5, False)


@dataclass(frozen=True)
class RuleRow:
    rule_set_id: int
    city_id: int | None
    effective_from: dt.date
    rule: MatterRule


class Rules:
    """Every rule set of the database plus the synthetic cities' ones, in memory."""

    def __init__(self) -> None:
        self.by_matter: dict[str, list[RuleRow]] = {m: [] for m in MATTERS}
        for r in VoteRule.objects.select_related("rule_set").order_by("id"):
            self._add(
                r.rule_set_id,
                r.rule_set.city_id,
                r.rule_set.effective_from,
                r.matter,
                (
                    Threshold(r.quorum_numerator, r.quorum_denominator, r.quorum_strict),
                    Threshold(r.approval_numerator, r.approval_denominator, r.approval_strict),
                ),
            )

    def _add(self, rule_set_id, city_id, effective_from, matter, thresholds) -> None:
        quorum, approval = thresholds
        self.by_matter.setdefault(matter, []).append(
            RuleRow(
                rule_set_id, city_id, effective_from, MatterRule(quorum=quorum, approval=approval)
            )
        )

    def add_city_sets(self, city_ids: list[int], rng: random.Random, ids: Ids, rows: Rows) -> None:
        """Own rule sets for about one city in twenty (at least one when there are two); the
        cities are new, so none has a rule set yet."""
        chosen = [c for c in city_ids if rng.random() < 0.05]
        if not chosen and len(city_ids) > 1:
            chosen = [city_ids[0]]
        for city_id in chosen:
            rule_set_id = ids.take("voteruleset")
            effective = dt.date(rng.choice((2022, 2023, 2024)), rng.randint(1, 12), 1)
            rows.add(
                "voteruleset",
                (
                    rule_set_id,
                    city_id,
                    "业主大会议事规则（本市）",
                    "本市物业管理条例：加装电梯等改建事项须经参与表决业主五分之四以上同意。",
                    effective,
                ),
            )
            for matter in MATTERS:
                n, d, strict = CITY_RULES[matter]
                rows.add(
                    "voterule",
                    (ids.take("voterule"), rule_set_id, matter, 2, 3, False, n, d, strict),
                )
                self._add(
                    rule_set_id,
                    city_id,
                    effective,
                    matter,
                    (Threshold(2, 3), Threshold(n, d, strict)),
                )

    def rule_for(self, city_id: int, on: dt.date, matter: str) -> tuple[int | None, MatterRule]:
        """`vote_rule_for`: the city's latest rule set in force, else the national default's,
        else the Civil Code constants."""
        best = None
        for row in self.by_matter.get(matter, ()):
            if row.effective_from > on or row.city_id not in (city_id, None):
                continue
            key = (row.city_id is None, -row.effective_from.toordinal())
            if best is None or key < best[0]:
                best = (key, row)
        if best is None:
            return None, CIVIL_CODE_RULES[matter]
        return best[1].rule_set_id, best[1].rule


def least(whole: int, threshold: Threshold) -> int:
    """The smallest part that reaches `threshold` of `whole` (cross-multiplied, exact)."""
    part = -(-whole * threshold.numerator // threshold.denominator)
    if threshold.strict and part * threshold.denominator == whole * threshold.numerator:
        part += 1
    return part


def _tally(owners, area, p_owners, p_area, a_owners, a_area) -> Tally:
    return Tally(
        eligible_owners=owners,
        eligible_area=Decimal(area) / 100,
        participating_owners=p_owners,
        participating_area=Decimal(p_area) / 100,
        agree_owners=a_owners,
        agree_area=Decimal(a_area) / 100,
    )


def draw_totals(rng: random.Random, rule: MatterRule, owners: int, area: int, intent: str):
    """(participating owners, area, agreeing owners, area) for `intent` pass / no_quorum /
    rejected; areas in cents. The figures are nudged until `evaluate` agrees."""
    q_owners, q_area = least(owners, rule.quorum), least(area, rule.quorum)
    if intent == "no_quorum" and q_owners > 1:
        p_owners = rng.randint(max(1, q_owners // 2), q_owners - 1)
        p_area = round(area * p_owners / owners)
    else:
        p_owners = min(owners, max(q_owners, round(owners * rng.uniform(0.7, 1.0))))
        p_area = min(area, max(q_area, round(area * p_owners / owners)))
    a_owners_min, a_area_min = least(p_owners, rule.approval), least(p_area, rule.approval)
    if intent == "rejected" and a_owners_min > 0:
        a_owners = rng.randint(0, a_owners_min - 1)
        a_area = round(p_area * a_owners / max(1, p_owners))
    else:
        a_owners = min(p_owners, max(a_owners_min, round(p_owners * rng.uniform(0.8, 1.0))))
        a_area = min(p_area, max(a_area_min, round(p_area * a_owners / max(1, p_owners))))
    if intent == "pass":
        for _ in range(4):
            if evaluate(_tally(owners, area, p_owners, p_area, a_owners, a_area), rule).passed:
                break
            p_owners, p_area = min(owners, p_owners + 1), min(area, p_area + 1)
            a_owners, a_area = p_owners, p_area
    return p_owners, p_area, a_owners, a_area


class VoteMaker:
    def __init__(
        self,
        rules: Rules,
        city_id: int,
        rng: random.Random,
        ids: Ids,
        rows: Rows,
        clock: Clock,
        system: int,
    ):
        self.rules, self.city_id, self.rng = rules, city_id, rng
        self.ids, self.rows, self.clock, self.system = ids, rows, clock, system

    def vote(
        self,
        *,
        compound,
        project_id,
        matter,
        title,
        held_on: dt.date,
        intent: str,
        owners: int,
        area: int,
        building=None,
        unit: str = "",
        ballots: bool = False,
        tallied: bool = True,
    ) -> tuple[int, bool]:
        """Write one vote (and its ballots); returns (id, passed)."""
        rng = self.rng
        vote_id = self.ids.take("ownervote")
        scope = "unit" if unit else "building" if building is not None else "compound"
        created = self.clock.at(plus(held_on, -rng.randint(7, 21)), 9)
        rule_set_id, rule = self.rules.rule_for(self.city_id, held_on, matter)
        figures = (0, 0, 0, 0, 0, 0)
        method, quorum, passed, tallied_at, version = "none", False, False, None, 1
        if tallied:
            if ballots:
                figures = self._ballots(vote_id, rule, owners, area, intent, building, unit)
            else:
                p_o, p_a, a_o, a_a = draw_totals(rng, rule, owners, area, intent)
                o_o = (p_o - a_o) * 2 // 3
                o_a = (p_a - a_a) * 2 // 3 if p_o - a_o else 0
                figures = (p_o, p_a, a_o, a_a, o_o, o_a)
            outcome = evaluate(_tally(owners, area, *figures[:4]), rule)
            method = "ballots" if ballots else "totals"
            quorum, passed = outcome.quorum_reached, outcome.passed
            tallied_at = min(self.clock.at(plus(held_on, 1), 10), self.clock.end())
            version = 2
        else:
            rule_set_id = None
        p_o, p_a, a_o, a_a, o_o, o_a = figures
        self.rows.add(
            "ownervote",
            (
                vote_id,
                created,
                self.system,
                tallied_at or created,
                self.system,
                compound.id,
                project_id,
                scope,
                building.id if building is not None else None,
                unit,
                matter,
                title,
                held_on,
                owners,
                cents(area),
                method,
                p_o,
                cents(p_a),
                a_o,
                cents(a_a),
                o_o,
                cents(o_a),
                rule_set_id,
                quorum,
                passed,
                tallied_at,
                version,
            ),
        )
        return vote_id, passed

    def _ballots(self, vote_id, rule, owners, area, intent, building, unit):
        """One ballot per participating owner (one room each): the tally is read from them."""
        rng = self.rng
        p_o, p_a, a_o, _a_a = draw_totals(rng, rule, owners, area, intent)
        used: set[str] = set()
        agree_area = oppose_area = oppose = 0
        per_room = p_a // max(1, p_o)
        for k in range(p_o):
            owner = names.person(rng)
            while owner in used:
                owner = names.person(rng) + rng.choice("甲乙丙丁")
            used.add(owner)
            room_area = per_room if k < p_o - 1 else p_a - per_room * (p_o - 1)
            if k < a_o:
                choice = "agree"
                agree_area += room_area
            elif (k - a_o) % 3 != 2:
                choice, oppose = "oppose", oppose + 1
                oppose_area += room_area
            else:
                choice = "abstain"
            floor, door = divmod(k, 2)
            room = f"{unit or building.name}-{floor + 1}0{door + 1}"
            self.rows.add(
                "ballot", (self.ids.take("ballot"), vote_id, room, owner, cents(room_area), choice)
            )
        return p_o, p_a, a_o, agree_area, oppose, oppose_area

"""Civil Code art. 278 arithmetic: pure functions on integers and Decimals, no floats.

Art. 278 (民法典第二百七十八条): a vote needs owners holding at least two thirds of the exclusive
floor area **and** at least two thirds of the owners by headcount to take part. Raising the
maintenance fund, renovating or rebuilding, and changing the use of common parts then need at
least three quarters of the participating area **and** of the participating owners; the other
matters (including using the maintenance fund and electing the committee) need more than half of
each. “以上” includes the figure itself (art. 1259), “过半数” does not.

Thresholds are data (VoteRuleSet / VoteRule, versioned by city and date); the constants below are
the Civil Code defaults, used when the database holds no rule set at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from renovation.figures.rounding import rate

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Threshold:
    """`numerator/denominator` of a whole: reached at or above it, or only above it (strict)."""

    numerator: int
    denominator: int
    strict: bool = False

    def reached(self, part: int | Decimal, whole: int | Decimal) -> bool:
        """Exact comparison part/whole ≥ n/d (or >), cross-multiplied so nothing is rounded.
        Nothing is reached over an empty whole."""
        if whole <= 0:
            return False
        left = part * self.denominator
        right = whole * self.numerator
        return left > right if self.strict else left >= right

    @property
    def label(self) -> str:
        sign = ">" if self.strict else "≥"
        return f"{sign} {self.numerator}/{self.denominator}"


@dataclass(frozen=True)
class MatterRule:
    quorum: Threshold
    approval: Threshold


TWO_THIRDS = Threshold(2, 3)
THREE_QUARTERS = Threshold(3, 4)
MORE_THAN_HALF = Threshold(1, 2, strict=True)

# Civil Code art. 278 para. 2, by matter (the values of governance.models.Matter).
SPECIAL = MatterRule(quorum=TWO_THIRDS, approval=THREE_QUARTERS)
ORDINARY = MatterRule(quorum=TWO_THIRDS, approval=MORE_THAN_HALF)
CIVIL_CODE_RULES: dict[str, MatterRule] = {
    "elect_committee": ORDINARY,
    "use_fund": ORDINARY,
    "raise_fund": SPECIAL,
    "renovate": SPECIAL,
    "change_use": SPECIAL,
    "other": ORDINARY,
}


@dataclass(frozen=True)
class Tally:
    eligible_owners: int
    eligible_area: Decimal
    participating_owners: int
    participating_area: Decimal
    agree_owners: int
    agree_area: Decimal


def share(part: int | Decimal, whole: int | Decimal) -> Decimal | None:
    """Percent to two decimal places, half up, for display only (decisions never use it): the
    one exception to the one-decimal rule of rates (renovation.figures.rounding.rate)."""
    if not whole or whole <= 0:
        return None
    return rate(part, whole, places=2)


@dataclass(frozen=True)
class VoteOutcome:
    """The four tests of art. 278 and the figures behind them."""

    rule: MatterRule
    tally: Tally
    participation_area_ok: bool
    participation_heads_ok: bool
    approval_area_ok: bool
    approval_heads_ok: bool
    reasons: list[str] = field(default_factory=list)

    @property
    def quorum_reached(self) -> bool:
        return self.participation_area_ok and self.participation_heads_ok

    @property
    def passed(self) -> bool:
        return self.quorum_reached and self.approval_area_ok and self.approval_heads_ok

    @property
    def participation_area_share(self) -> Decimal | None:
        return share(self.tally.participating_area, self.tally.eligible_area)

    @property
    def participation_heads_share(self) -> Decimal | None:
        return share(self.tally.participating_owners, self.tally.eligible_owners)

    @property
    def approval_area_share(self) -> Decimal | None:
        return share(self.tally.agree_area, self.tally.participating_area)

    @property
    def approval_heads_share(self) -> Decimal | None:
        return share(self.tally.agree_owners, self.tally.participating_owners)


def evaluate(tally: Tally, rule: MatterRule) -> VoteOutcome:
    """Apply one matter's rule to a tally. Area and heads are tested separately: both must hold
    for participation and both for approval."""
    t = tally
    participation_area = rule.quorum.reached(t.participating_area, t.eligible_area)
    participation_heads = rule.quorum.reached(t.participating_owners, t.eligible_owners)
    approval_area = rule.approval.reached(t.agree_area, t.participating_area)
    approval_heads = rule.approval.reached(t.agree_owners, t.participating_owners)
    reasons = []
    if not participation_area:
        reasons.append(
            _("Owners taking part hold %(share)s%% of the area; %(rule)s is needed.")
            % {"share": share(t.participating_area, t.eligible_area), "rule": rule.quorum.label}
        )
    if not participation_heads:
        reasons.append(
            _("%(share)s%% of the owners took part; %(rule)s is needed.")
            % {
                "share": share(t.participating_owners, t.eligible_owners),
                "rule": rule.quorum.label,
            }
        )
    if participation_area and participation_heads:
        if not approval_area:
            reasons.append(
                _(
                    "Owners in favour hold %(share)s%% of the participating area; %(rule)s is "
                    "needed."
                )
                % {
                    "share": share(t.agree_area, t.participating_area),
                    "rule": rule.approval.label,
                }
            )
        if not approval_heads:
            reasons.append(
                _("%(share)s%% of the participating owners are in favour; %(rule)s is needed.")
                % {
                    "share": share(t.agree_owners, t.participating_owners),
                    "rule": rule.approval.label,
                }
            )
    return VoteOutcome(
        rule=rule,
        tally=tally,
        participation_area_ok=participation_area,
        participation_heads_ok=participation_heads,
        approval_area_ok=approval_area,
        approval_heads_ok=approval_heads,
        reasons=reasons,
    )

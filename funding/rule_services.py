"""Resident contribution rules of a programme (居民出一点): set by the district's officials on
the programme's set-up page or through the API, kept in history."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from funding import stale
from programmes.models import Programme
from renovation.access import can_set_up_in_district, require
from renovation.audit import stamp
from renovation.validation import checked

from .models import ContributionRule, Kind, SubType, subtypes_of

if TYPE_CHECKING:
    from renovation.models import User

CENT = Decimal("0.01")
# The sub-types a resident contribution rule may have (the API documents them as one enum).
RESIDENT_SUB_TYPES = [(s, SubType(s).label) for s in subtypes_of(Kind.RESIDENTS)]


@transaction.atomic
def contribution_rule_set(
    *,
    programme: Programme,
    by: User,
    name: str,
    sub_type: str,
    basis: str,
    rate: Decimal | None,
    year: int | None = None,
) -> ContributionRule:
    """Add a rule to the programme, or change the one of the same name."""
    require(
        can_set_up_in_district(by, programme.district_id),
        _("Only the district's officials set up its programmes and projects."),
    )
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name or len(name) > 128:
        errors["name"] = [_("Enter the rule's name (at most 128 characters).")]
    if sub_type not in subtypes_of(Kind.RESIDENTS):
        errors["sub_type"] = [_("Choose a kind of resident contribution.")]
    if basis not in ContributionRule.Basis.values:
        errors["basis"] = [_("Choose per m² or per household.")]
    if (
        rate is None
        or not rate.is_finite()
        or rate < 0
        or rate >= Decimal("1e8")
        or rate != rate.quantize(CENT)
    ):
        errors["rate"] = [_("Enter the rate in yuan, zero or more.")]
    if year is not None and not programme.start_year <= year <= programme.end_year:
        errors["year"] = [
            _("Choose a year of the programme (%(first)s–%(last)s).")
            % {"first": programme.start_year, "last": programme.end_year}
        ]
    if errors:
        raise ValidationError(errors)
    rule = ContributionRule.objects.filter(programme=programme, name=name).first()
    if rule is None:
        rule = ContributionRule(programme=programme, name=name)
    rule.sub_type, rule.basis, rule.rate, rule.year = sub_type, basis, checked(rate), year
    stamp(rule, by=by, reason=_("Contribution rule set"))
    rule.save()
    stale.mark_dirty(programme_ids=[programme.pk])
    return rule

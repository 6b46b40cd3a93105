"""The four kinds of funding (“4个一点”), their sub-types and which sub-type belongs to which
kind; money fields' shape."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

ZERO = Decimal("0")
MONEY = {"max_digits": 16, "decimal_places": 2}


class Kind(models.TextChoices):
    """The four contributions (“4个一点”)."""

    # A context keeps these apart from the same English words elsewhere ("Residents" counts
    # people on the compound page).
    GOVERNMENT = "government", pgettext_lazy("funding kind", "Government")  # 政府补一点
    MARKET = "market", pgettext_lazy("funding kind", "Market")  # 市场投一点
    RESIDENTS = "residents", pgettext_lazy("funding kind", "Residents")  # 居民出一点
    SOCIETY = "society", pgettext_lazy("funding kind", "Society")  # 社会帮一点


class SubType(models.TextChoices):
    CENTRAL_SUBSIDY = "central_subsidy", _("Central subsidy")
    PROVINCIAL_SUBSIDY = "provincial_subsidy", _("Provincial subsidy")
    MUNICIPAL_SUBSIDY = "municipal_subsidy", _("Municipal subsidy")
    DISTRICT_BUDGET = "district_budget", _("District or county budget")
    SPECIAL_BOND = "special_bond", _("Special-purpose bond")
    GENERAL_BOND = "general_bond", _("General bond")
    POLICY_INSTRUMENT = "policy_instrument", _("Policy-based financial instrument")
    PROPERTY_UNIT = "property_unit", _("Property-rights unit contribution")
    SOCIAL_CAPITAL = "social_capital", _("Social capital or franchise")
    UTILITY = "utility", _("Utility company (in kind)")
    MAINTENANCE_FUND = "maintenance_fund", _("Housing maintenance fund")
    RESIDENT_SHARING = "resident_sharing", _("Resident cost sharing")
    PARKING_RIGHTS = "parking_rights", _("Parking-rights income")
    PUBLIC_INCOME = "public_income", _("Public-income transfer")
    DONATION = "donation", _("Donation")
    # A line as published that combines sub-types of one kind ("中央和省级补助"), until the
    # split is known (funding/lines.py); FundingSource.combines names the sub-types.
    COMBINED = "combined", _("Combined line (not yet split)")
    OTHER = "other", _("Other")


# Which kind each sub-type belongs to; "other" may be booked under any kind. The same mapping is
# a database check on FundingSource, so no path (admin, shell, import) can book, say, a special
# bond as residents' money.
SUBTYPE_KIND: dict[str, str | None] = {
    SubType.CENTRAL_SUBSIDY: Kind.GOVERNMENT,
    SubType.PROVINCIAL_SUBSIDY: Kind.GOVERNMENT,
    SubType.MUNICIPAL_SUBSIDY: Kind.GOVERNMENT,
    SubType.DISTRICT_BUDGET: Kind.GOVERNMENT,
    SubType.SPECIAL_BOND: Kind.GOVERNMENT,
    SubType.GENERAL_BOND: Kind.GOVERNMENT,
    SubType.POLICY_INSTRUMENT: Kind.GOVERNMENT,
    SubType.PROPERTY_UNIT: Kind.MARKET,
    SubType.SOCIAL_CAPITAL: Kind.MARKET,
    SubType.UTILITY: Kind.MARKET,
    SubType.MAINTENANCE_FUND: Kind.RESIDENTS,
    SubType.RESIDENT_SHARING: Kind.RESIDENTS,
    SubType.PARKING_RIGHTS: Kind.RESIDENTS,
    SubType.PUBLIC_INCOME: Kind.RESIDENTS,
    SubType.DONATION: Kind.SOCIETY,
    SubType.COMBINED: None,
    SubType.OTHER: None,
}


def subtypes_of(kind: str) -> list[str]:
    """Sub-types that may be booked under `kind`, in display order ("other" last); a combined
    line is not one of them (it names its own, see `FundingSource.combines`)."""
    return [
        st for st, k in SUBTYPE_KIND.items() if (k == kind or k is None) and st != SubType.COMBINED
    ]


def _kind_matches_subtype() -> Q:
    condition = Q(sub_type__in=[SubType.OTHER, SubType.COMBINED])
    for kind in Kind.values:
        condition |= Q(kind=kind, sub_type__in=[s for s, k in SUBTYPE_KIND.items() if k == kind])
    return condition

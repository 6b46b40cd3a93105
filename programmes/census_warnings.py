"""Plausibility warnings of a census import (the mechanism is renovation/warnings.py).

Blank means unknown: a blank residents cell is stored as NULL (and keeps a figure already
known), never as 0. A 0 that was typed is possible but usually a placeholder for "unknown",
so it is a warning to confirm; so are the blank cells themselves (the official sees which rows
will read "not known") and a building with more households than its compound.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from renovation.warnings import PlausibilityWarning

LISTED = 10  # rows named in one warning; the rest are counted


def _rows(rows: list[int]) -> str:
    shown = "、".join(str(row) for row in rows[:LISTED])
    if len(rows) > LISTED:
        shown += _(" and %(n)s more") % {"n": len(rows) - LISTED}
    return shown


def census_warnings(compound_plans: list[dict], building_plans: list[dict]) -> list:
    """The warnings of the checked rows (plans as built by programmes.imports)."""
    zero, blank = [], []
    households_of: dict[int, int] = {}
    for plan in compound_plans:
        values = plan["values"]
        target = plan["target"]
        households = values.get("households")
        if households is None and target is not None:
            households = target.households
        households_of[id(plan)] = households or 0
        if "residents" not in plan["present"]:
            continue
        if values["residents"] is None:
            blank.append(plan["row"])
        elif values["residents"] == 0 and households:
            zero.append(plan["row"])
    warnings = []
    if zero:
        warnings.append(
            PlausibilityWarning(
                "census_zero_residents",
                _(
                    "Rows %(rows)s give 0 residents for compounds with households. If the number "
                    "is not known, leave the cell blank instead of 0."
                )
                % {"rows": _rows(zero)},
                "residents",
            )
        )
    if blank:
        warnings.append(
            PlausibilityWarning(
                "census_residents_unknown",
                _(
                    "Rows %(rows)s have no residents figure: it is recorded as not known (not 0), "
                    "and a figure already on record is kept."
                )
                % {"rows": _rows(blank)},
                "residents",
            )
        )
    above = []
    for plan in building_plans:
        households = plan["values"].get("households")
        compound = plan["compound"]
        if plan["plan"] is not None:
            total = households_of.get(id(plan["plan"]), 0)
        else:
            total = compound.households if compound is not None else 0
        if households and total and households > total:
            above.append(plan["row"])
    if above:
        warnings.append(
            PlausibilityWarning(
                "building_households_above_compound",
                _("Buildings on rows %(rows)s have more households than their whole compound.")
                % {"rows": _rows(above)},
                "households",
            )
        )
    return warnings

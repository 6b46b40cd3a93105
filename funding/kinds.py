"""What a commitment is, checked before anything is written: its form of contribution (money,
or goods and work valued at an estimate) and, for a line published as combining sub-types
("中央和省级补助"), which sub-types it combines.

Pure checks that raise `ValidationError` with a translated message per field; the services
(funding/services.py, funding/lines.py, funding/in_kind.py) call them.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import SUBTYPE_KIND, Commitment, Kind, SubType

Mode = Commitment.Mode
MAX_WORKS = 4000


def check_contribution(mode: str | None, works: str | None) -> tuple[str, str]:
    """The form of contribution and the description of the work (required in kind)."""
    mode = mode or Mode.CASH
    if mode not in Mode.values:
        raise ValidationError({"mode": _("Choose the form of the contribution.")})
    works = (works or "").strip()
    if mode == Mode.CASH:
        return mode, works
    if not works:
        raise ValidationError(
            {
                "works": _(
                    "Describe the work or goods contributed (for example: lays 1.2 km of gas "
                    "pipes in the compound free of charge)."
                )
            }
        )
    if len(works) > MAX_WORKS:
        raise ValidationError(
            {"works": _("Keep the description under %(n)s characters.") % {"n": MAX_WORKS}}
        )
    return mode, works


def check_combines(kind: str | None, sub_type: str, combines: Iterable[str] | None) -> str:
    """The stored list of a combined line's sub-types ("" for any other sub-type).

    A combined line names at least two sub-types of its own kind (central and provincial
    subsidy are both government money); "other" and "combined" are not sub-types it can hold.
    """
    chosen = [code for code in (combines or ()) if code]
    if sub_type != SubType.COMBINED:
        if chosen:
            raise ValidationError(
                {
                    "combines": _(
                        "Only a combined line names the sub-types it combines; choose the "
                        "sub-type “Combined line” or leave them empty."
                    )
                }
            )
        return ""
    unknown = [code for code in chosen if code not in SubType.values]
    if unknown:
        raise ValidationError({"combines": _("Choose sub-types from the list.")})
    wrong = [
        code
        for code in chosen
        if code in (SubType.OTHER, SubType.COMBINED)
        or (kind is not None and SUBTYPE_KIND[code] != kind)
    ]
    if wrong:
        raise ValidationError(
            {
                "combines": _(
                    "A combined line holds sub-types of one kind: %(wrong)s is not %(kind)s money."
                )
                % {
                    "wrong": "、".join(str(SubType(code).label) for code in wrong),
                    "kind": kind_label(kind or ""),
                }
            }
        )
    distinct = [code for code in SubType.values if code in set(chosen)]
    if len(distinct) < 2:
        raise ValidationError(
            {"combines": _("Name at least two sub-types that the published line combines.")}
        )
    return ",".join(distinct)


def kind_label(kind: str) -> str:
    return str(Kind(kind).label) if kind in Kind.values else kind

"""Personal data of residents (names, phone numbers, contacts): the masks.

Who sees them unmasked is a rule of renovation/access.py (`can_see_personal_data`: the street
officers of the record's street and the district officials of its district); everyone else sees
masked values. Public pages never show members or contacts at all.
"""

from __future__ import annotations

# Re-exported for the governance API's serializers and views, which import it from here.
from renovation.access import can_see_personal_data

__all__ = ["can_see_personal_data", "mask_name", "mask_phone"]


def mask_name(name: str) -> str:
    """Keep the surname (first character): “张三丰” → “张**”, “李四” → “李*”."""
    name = (name or "").strip()
    if not name:
        return ""
    if len(name) == 1:
        return "*"
    return name[0] + "*" * (len(name) - 1)


def mask_phone(phone: str) -> str:
    """Keep the carrier prefix and the last four digits: “13812345678” → “138****5678”.
    Shorter numbers keep only their last two digits."""
    digits = "".join(ch for ch in (phone or "") if ch.isdigit())
    if not digits:
        return ""
    if len(digits) >= 11:
        return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
    if len(digits) > 4:
        return "*" * (len(digits) - 2) + digits[-2:]
    return "*" * len(digits)

"""Personal data of residents (names, phone numbers, contacts): who sees it, and the masks.

Street officers of the record's street and district officials of its district need to call
committee members; everyone else (city viewers, API clients, other districts) sees masked values.
Public pages never show members or contacts at all.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from renovation.models import User


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


def can_see_personal_data(user: User | None, *, street_id: int, district_id: int) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if user.role == user.Role.STREET_OFFICER:
        return user.street_id == street_id
    if user.role == user.Role.DISTRICT_OFFICIAL:
        return user.district_id == district_id
    return False

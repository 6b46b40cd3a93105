"""The system user that every synthetic record names, and the benchmark accounts.

The system user (`synthetic`) cannot log in (inactive, unusable password). The benchmark accounts
work in the biggest district (most compounds) and its city, and in that district's biggest street;
the API client reads the whole instance through a named API key, issued afresh on every run
(only its digest is stored, so an earlier key cannot be shown again).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model

from renovation.api_keys import reissue_key

from .common import SYSTEM_USERNAME
from .geography import DistrictPlan


@dataclass
class Account:
    username: str
    role: str
    scope: str
    token: str = ""


def system_user() -> int:
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=SYSTEM_USERNAME,
        defaults={"role": User.Role.CITY_VIEWER, "is_active": False, "first_name": "合成数据"},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user.pk


def bench_accounts(districts: list[DistrictPlan], password: str) -> list[Account]:
    User = get_user_model()
    district = max(districts, key=lambda d: (d.compounds, -d.index))
    street = max(district.streets, key=lambda s: (s.compounds, -s.id))
    city_label = f"{district.province_name}{district.city_name}"
    rows = [
        ("bench-national", {"role": User.Role.CITY_VIEWER}, "全国（全部）"),
        ("bench-city", {"role": User.Role.CITY_VIEWER, "city_id": district.city_id}, city_label),
        (
            "bench-district",
            {"role": User.Role.DISTRICT_OFFICIAL, "district_id": district.id},
            f"{city_label}{district.name}",
        ),
        (
            "bench-street",
            {"role": User.Role.STREET_OFFICER, "street_id": street.id},
            f"{city_label}{district.name}{street.name}",
        ),
        ("bench-api", {"role": User.Role.API_CLIENT}, "全国（全部）"),
    ]
    accounts = []
    for username, fields, scope in rows:
        defaults = {
            "city_id": None,
            "district_id": None,
            "street_id": None,
            "is_active": True,
            "is_staff": False,
            "is_superuser": False,
            **fields,
        }
        user, _created = User.objects.update_or_create(username=username, defaults=defaults)
        user.set_password(password)
        user.save(update_fields=["password"])
        token = ""  # nosec B105: no token yet (only API clients get one)
        if user.role == User.Role.API_CLIENT:
            token = reissue_key(owner=user, name="benchmark")
        accounts.append(Account(username, str(user.get_role_display()), scope, token))
    return accounts

"""The accounts the benchmark acts as: a city viewer, a district official of the largest
district, a street officer of a street with projects under construction, an API client with a
token, and (when there is one) a viewer of the whole country. The synthetic generator's
benchmark accounts (bench-city, bench-district, bench-street, bench-api, bench-national;
password bench-pass-2026) are preferred; the demo accounts (demo-pass-2026) do on demo data."""

from __future__ import annotations

from django.db.models import Count, Q

from renovation.models import User

from .environment import BENCH_PASSWORD, DEMO_PASSWORD

PASSWORDS = (BENCH_PASSWORD, DEMO_PASSWORD)


def _password(user: User) -> str | None:
    return next((p for p in PASSWORDS if user.check_password(p)), None)


def _pick(users, order) -> tuple[User, str] | None:
    candidates = sorted(users, key=order)
    for user in candidates[:20]:
        password = _password(user)
        if password:
            return user, password
    return None


def resolve() -> tuple[dict[str, tuple[User, str]], str]:
    """{role: (user, password)} and an API key (a fresh named key of the API client)."""
    from renovation.api_keys import reissue_key

    active = User.objects.filter(is_active=True, is_superuser=False)

    def bench_first(user: User) -> tuple:
        return (not user.username.startswith("bench"), user.username)

    found = {
        "city": _pick(active.filter(role=User.Role.CITY_VIEWER, city__isnull=False), bench_first),
        "district": _pick(
            active.filter(role=User.Role.DISTRICT_OFFICIAL, district__isnull=False).annotate(
                n=Count("district__streets__compounds")
            ),
            lambda u: (not u.username.startswith("bench"), -u.n, u.username),
        ),
        "street": _pick(
            active.filter(role=User.Role.STREET_OFFICER, street__isnull=False).annotate(
                n=Count(
                    "street__compounds__projects",
                    filter=Q(street__compounds__projects__stage="construction"),
                )
            ),
            lambda u: (not u.username.startswith("bench"), -u.n, u.username),
        ),
        "api": _pick(active.filter(role=User.Role.API_CLIENT), bench_first),
    }
    missing = [role for role, value in found.items() if value is None]
    # A viewer of the whole country (no city), when there is one: the widest scope.
    national = _pick(active.filter(role=User.Role.CITY_VIEWER, city__isnull=True), bench_first)
    if national is not None:
        found["national"] = national
    if missing:
        raise SystemExit(
            f"no {', '.join(missing)} account with a known password ({', '.join(PASSWORDS)})"
        )
    return found, reissue_key(owner=found["api"][0], name="benchmark")

"""The API's anonymous rate counts callers by the platform's one client-address rule
(renovation.security.client_ip), the login throttle's: X-Forwarded-For is believed only behind
the configured number of proxies."""

from __future__ import annotations

from django.urls import reverse


def _schema(anonymous, **headers):
    return anonymous.get(reverse("api:schema"), **headers)


def test_an_invented_x_forwarded_for_does_not_escape_the_anonymous_rate(settings, anonymous, db):
    settings.RENOVATION_TRUSTED_PROXIES = 0
    settings.RENOVATION_API_RATES = {"user": "100/min", "anon": "2/min"}

    statuses = [
        _schema(
            anonymous, REMOTE_ADDR="198.51.100.20", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}"
        ).status_code
        for n in range(3)
    ]

    assert statuses == [200, 200, 429]


def test_behind_a_trusted_proxy_each_anonymous_caller_has_its_own_rate(settings, anonymous, db):
    settings.RENOVATION_TRUSTED_PROXIES = 1
    settings.RENOVATION_API_RATES = {"user": "100/min", "anon": "1/min"}
    proxy = {"REMOTE_ADDR": "10.0.0.1"}

    first = _schema(anonymous, HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy)
    again = _schema(anonymous, HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy)
    # The caller's own claim on the left changes nothing: the proxy's entry is the address.
    claimed = _schema(anonymous, HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.5", **proxy)
    other = _schema(anonymous, HTTP_X_FORWARDED_FOR="203.0.113.6", **proxy)

    assert [first.status_code, again.status_code, claimed.status_code] == [200, 429, 429]
    assert other.status_code == 200

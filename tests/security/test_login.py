"""Login throttling (django-axes): five failures for one username from one address lock that
pair out for the cool-off period with a clear 429 page; a success resets the count; a much higher
limit holds for one username across all addresses; X-Forwarded-For counts only behind the
configured number of proxies."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from renovation.security import client_ip

PASSWORD = "pw"  # tests.factories.UserFactory's password
LOCKOUT_MESSAGE = (
    "Too many failed log-in attempts. For your security, logging in to this account is blocked "
    "for %(minutes)s minutes; try again later or ask the platform administrator to unlock it."
)


def attempt(client, username: str, password: str, address: str = "10.0.0.1", **extra):
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        **extra,
    )


def test_login_throttling_is_on_with_the_documented_limits():
    assert settings.AXES_ENABLED is True
    assert settings.AXES_FAILURE_LIMIT == 5
    assert pytest.approx(0.25) == settings.AXES_COOLOFF_TIME  # hours: 15 minutes
    assert settings.AXES_LOCKOUT_PARAMETERS[0] == ["username", "ip_address"]
    assert settings.AXES_RESET_ON_SUCCESS is True
    assert settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"


def test_five_failures_lock_the_pair_out_with_a_429_page_in_chinese(client, district_official):
    for _ in range(4):
        response = attempt(client, "district", "wrong-password")
        assert response.status_code == 200
        assert "用户名和密码不匹配" in response.content.decode() or response.context["form"].errors

    locked = attempt(client, "district", "wrong-password")

    assert locked.status_code == 429
    text = locked.content.decode()
    assert '<html lang="zh-hans">' in text
    with translation.override("zh-hans"):
        message = gettext(LOCKOUT_MESSAGE) % {"minutes": 15}
    assert message in text
    assert locked["Retry-After"] == "900"
    assert 'name="password"' in text  # the login page, with the form, not a bare message


def test_the_lockout_page_follows_the_language_cookie(client, district_official):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    for _ in range(5):
        response = attempt(client, "district", "wrong-password")

    assert response.status_code == 429
    assert LOCKOUT_MESSAGE % {"minutes": 15} in response.content.decode()


def test_the_right_password_is_refused_while_locked_out(client, district_official):
    for _ in range(5):
        attempt(client, "district", "wrong-password")

    response = attempt(client, "district", PASSWORD)

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_another_address_or_another_username_is_not_locked(
    client, district_official, street_officer
):
    for _ in range(5):
        attempt(client, "district", "wrong-password", address="10.0.0.1")

    other_address = attempt(client, "district", PASSWORD, address="10.0.0.2")
    assert other_address.status_code == 302
    client.logout()
    other_user = attempt(client, "street_a", PASSWORD, address="10.0.0.1")
    assert other_user.status_code == 302


def test_a_success_resets_the_count(client, district_official):
    for _ in range(4):
        attempt(client, "district", "wrong-password")
    assert attempt(client, "district", PASSWORD).status_code == 302
    client.logout()

    for _ in range(4):
        response = attempt(client, "district", "wrong-password")

    assert response.status_code == 200  # four more failures, not nine


def test_guessing_one_username_from_many_addresses_hits_the_username_limit(
    client, district_official, street_officer, settings
):
    settings.RENOVATION_LOGIN_USERNAME_FAILURE_LIMIT = 12
    for n in range(11):  # 11 addresses, one failure each: no pair near its limit of 5
        assert attempt(client, "district", "wrong", address=f"10.1.0.{n}").status_code == 200

    locked = attempt(client, "district", "wrong", address="10.1.0.99")

    assert locked.status_code == 429
    assert attempt(client, "district", PASSWORD, address="10.1.0.100").status_code == 429
    assert AccessAttempt.objects.filter(username="district").count() >= 12
    # Other accounts are untouched, even from the same addresses.
    assert attempt(client, "street_a", PASSWORD, address="10.1.0.99").status_code == 302


def test_x_forwarded_for_is_ignored_without_trusted_proxies(client, district_official, settings):
    settings.RENOVATION_TRUSTED_PROXIES = 0
    for n in range(5):
        # A client inventing a new X-Forwarded-For each time stays the same address.
        attempt(client, "district", "wrong", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")

    assert attempt(client, "district", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.77").status_code == (
        429
    )


def test_behind_one_trusted_proxy_the_client_is_the_last_forwarded_address(settings):
    settings.RENOVATION_TRUSTED_PROXIES = 1
    factory = RequestFactory()

    request = factory.get("/", REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7")
    assert client_ip(request) == "198.51.100.7"  # what the proxy saw; 1.2.3.4 is the client's claim
    assert client_ip(factory.get("/", REMOTE_ADDR="10.9.9.9")) == "10.9.9.9"
    garbage = factory.get("/", REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR="not-an-address")
    assert client_ip(garbage) == "10.9.9.9"

    settings.RENOVATION_TRUSTED_PROXIES = 2
    assert client_ip(request) == "1.2.3.4"
    settings.RENOVATION_TRUSTED_PROXIES = 0
    assert client_ip(request) == "10.9.9.9"


def test_behind_a_trusted_proxy_each_client_is_counted_apart(client, district_official, settings):
    settings.RENOVATION_TRUSTED_PROXIES = 1
    for _ in range(5):
        attempt(client, "district", "wrong", address="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5")

    blocked = attempt(
        client, "district", PASSWORD, address="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5"
    )
    allowed = attempt(
        client, "district", PASSWORD, address="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.6"
    )

    assert blocked.status_code == 429
    assert allowed.status_code == 302


def test_force_login_and_api_keys_are_not_throttled(client, district_official):
    for _ in range(5):
        attempt(client, "district", "wrong-password")

    client.force_login(district_official)  # tests and sessions log in without a password

    assert client.get(reverse("home")).status_code == 200


@pytest.mark.parametrize("url", ["/accounts/login/", "/admin/login/"])
@pytest.mark.parametrize("length", [151, 256, 5000])
def test_over_long_username_is_a_form_error_not_a_500(client, db, url, length):
    response = client.post(url, {"username": "a" * length, "password": "x"})

    assert response.status_code == 200
    assert response.context["form"].errors["username"]
    assert not AccessAttempt.objects.exists()

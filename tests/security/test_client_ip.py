"""The one rule for the client's address (renovation.security.client_ip, django-ipware): what
the trusted proxies wrote, parsed as an address whatever its spelling; nothing the client can
write by itself."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from renovation.security import client_ip

factory = RequestFactory()


@pytest.mark.parametrize(
    ("forwarded", "expected"),
    [
        ("203.0.113.9:51234", "203.0.113.9"),  # a proxy that adds the client's port
        ("[2001:db8::7]:443", "2001:db8::7"),
        ("2001:DB8:0:0::7", "2001:db8::7"),  # one address, one spelling (one bucket)
        ("::ffff:203.0.113.9", "203.0.113.9"),  # IPv4-mapped IPv6 is the IPv4 client
        ("junk, 203.0.113.9", "203.0.113.9"),  # the client's own entries may be anything
    ],
)
def test_behind_a_proxy_the_forwarded_address_is_read_in_any_spelling(
    settings, forwarded, expected
):
    settings.RENOVATION_TRUSTED_PROXIES = 1

    request = factory.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)

    assert client_ip(request) == expected


def test_a_private_client_behind_a_public_proxy_is_still_the_client(settings):
    # Government networks often give servers public-range addresses and desks private ones.
    settings.RENOVATION_TRUSTED_PROXIES = 1

    request = factory.get("/", REMOTE_ADDR="59.255.1.10", HTTP_X_FORWARDED_FOR="192.168.3.25")

    assert client_ip(request) == "192.168.3.25"


@pytest.mark.parametrize(
    "header",
    ["HTTP_X_REAL_IP", "HTTP_CLIENT_IP", "HTTP_FORWARDED", "HTTP_CF_CONNECTING_IP"],
)
@pytest.mark.parametrize("proxies", [0, 1])
def test_no_other_header_is_believed(settings, header, proxies):
    settings.RENOVATION_TRUSTED_PROXIES = proxies
    value = "for=192.0.2.44" if header == "HTTP_FORWARDED" else "192.0.2.44"

    request = factory.get("/", REMOTE_ADDR="10.0.0.1", **{header: value})

    assert client_ip(request) == "10.0.0.1"


def test_too_few_forwarded_entries_fall_back_to_the_peer(settings):
    settings.RENOVATION_TRUSTED_PROXIES = 2  # two proxies: the client is second from the right

    short = factory.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.9")
    full = factory.get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.9, 10.0.0.1"
    )

    assert client_ip(short) == "10.0.0.2"
    assert client_ip(full) == "203.0.113.9"


def test_the_peer_is_normalised_too(settings):
    settings.RENOVATION_TRUSTED_PROXIES = 0

    assert client_ip(factory.get("/", REMOTE_ADDR="::ffff:10.9.9.9")) == "10.9.9.9"
    assert client_ip(factory.get("/", REMOTE_ADDR="not-an-address")) is None

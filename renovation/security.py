"""Logging in safely: the client's address, login throttling and the lockout page.

django-axes counts failed log-ins (settings: AXES_*). Two limits apply, both over the cool-off
period: AXES_FAILURE_LIMIT failures for one username from one address (a person mistyping,
or one machine guessing), and the higher RENOVATION_LOGIN_USERNAME_FAILURE_LIMIT for one
username from all addresses together (guessing spread over many machines). A username alone
is not locked at the first limit, or anyone who knows an official's username could lock them
out with five requests.
"""

from __future__ import annotations

import math

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from ipware import get_client_ip

TOO_MANY_REQUESTS = 429


def client_ip(request: HttpRequest) -> str | None:
    """The address of the person at the other end: the one rule for login throttling (axes),
    API throttling and the public objection form's limit.

    REMOTE_ADDR, unless `RENOVATION_TRUSTED_PROXIES` (env DJANGO_TRUSTED_PROXIES) says how many
    reverse proxies in front of the app append the address they received from to
    X-Forwarded-For: then the client is the entry that many places from the right (the entries
    further left were written by the client and prove nothing). django-ipware parses the
    entries (ports, bracketed IPv6, IPv4-mapped IPv6 as IPv4) and skips ones that are not
    addresses; no other header is believed, since any of them can be sent by the client."""
    proxies = settings.RENOVATION_TRUSTED_PROXIES
    if proxies > 0:
        # ipware counts the proxies listed in X-Forwarded-For; the last proxy is REMOTE_ADDR
        # itself, so behind N proxies the header holds the client and N - 1 proxies. Not
        # strict: entries the client wrote on the left may be anything, and the position is
        # counted from the right, where only the proxies write.
        forwarded, _routable = get_client_ip(
            request,
            proxy_count=proxies - 1,
            request_header_order=["HTTP_X_FORWARDED_FOR"],
            strict=False,
        )
        if forwarded:
            return forwarded
    # Too few forwarded entries (a request that reached the app past the proxies): the peer.
    remote, _routable = get_client_ip(request, request_header_order=["REMOTE_ADDR"], strict=False)
    return remote


class LoginThrottleHandler(AxesDatabaseHandler):
    """Axes' database handler with one limit per lockout parameter set.

    AXES_LOCKOUT_PARAMETERS lists (username, address) first and username second; axes compares
    the largest failure count of the sets with one limit, so the username count is scaled to
    reach AXES_FAILURE_LIMIT exactly when it reaches RENOVATION_LOGIN_USERNAME_FAILURE_LIMIT."""

    def get_failures(self, request, credentials: dict | None = None) -> int:
        limit = settings.AXES_FAILURE_LIMIT
        username_limit = max(settings.RENOVATION_LOGIN_USERNAME_FAILURE_LIMIT, limit)
        counts = []
        for index, attempts in enumerate(self.get_user_attempts(request, credentials)):
            failures = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            if index > 0:  # the username across all addresses
                failures = failures * limit // username_limit
            counts.append(failures)
        return max(counts, default=0)


def lockout_response(request: HttpRequest, original_response=None, credentials=None):
    """The login page again, with the reason and when to retry, answered 429."""
    cool_off = get_cool_off(request)
    minutes = math.ceil(cool_off.total_seconds() / 60) if cool_off else None
    if minutes:
        message = _(
            "Too many failed log-in attempts. For your security, logging in to this account "
            "is blocked for %(minutes)s minutes; try again later or ask the platform "
            "administrator to unlock it."
        ) % {"minutes": minutes}
    else:
        message = _(
            "Too many failed log-in attempts. Ask the platform administrator to unlock the account."
        )
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    form = AuthenticationForm(request, initial={"username": username})
    response: HttpResponse = render(
        request,
        "registration/login.html",
        {"form": form, "lockout_message": message, "next": request.POST.get("next", "")},
        status=TOO_MANY_REQUESTS,
    )
    if minutes:
        response["Retry-After"] = str(minutes * 60)
    return response


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's rule with a message of the project's catalogue: Django 5.2's own wording is not
    translated into Chinese yet, and the refusal must be understood by the person typing."""

    def get_error_message(self) -> str:
        return ngettext(
            "This password is too short: use at least %(min_length)d character.",
            "This password is too short: use at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}

    def get_help_text(self) -> str:
        return ngettext(
            "Use at least %(min_length)d character.",
            "Use at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}

"""Logging in safely: the client's address, login throttling and the lockout page.

django-axes counts failed log-ins (settings: AXES_*). Two limits apply, both over the cool-off
period: AXES_FAILURE_LIMIT failures for one username from one address (a person mistyping,
or one machine guessing), and the higher RENOVATION_LOGIN_USERNAME_FAILURE_LIMIT for one
username from all addresses together (guessing spread over many machines). A username alone
is not locked at the first limit, or anyone who knows an official's username could lock them
out with five requests.
"""

from __future__ import annotations

import ipaddress
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

TOO_MANY_REQUESTS = 429


def _valid_ip(value: str) -> str | None:
    value = (value or "").strip()
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The address of the person at the other end.

    REMOTE_ADDR, unless `RENOVATION_TRUSTED_PROXIES` (env DJANGO_TRUSTED_PROXIES) says how many
    reverse proxies in front of the app append the address they received from to
    X-Forwarded-For: then the client is the entry that many places from the right (the entries
    further left were written by the client and prove nothing)."""
    remote = _valid_ip(request.META.get("REMOTE_ADDR", ""))
    proxies = getattr(settings, "RENOVATION_TRUSTED_PROXIES", 0)
    if proxies <= 0:
        return remote
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if len(forwarded) < proxies:
        return remote
    return _valid_ip(forwarded[-proxies]) or remote


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

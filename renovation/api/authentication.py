"""API keys: DRF tokens, created and revoked in admin, each tied to a user with a role and
scope. Clients send `Authorization: Token <key>`; `Bearer <key>` is accepted too, because many
HTTP client libraries and dashboards offer only that scheme."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication, get_authorization_header
from rest_framework.request import Request

KEYWORDS = (b"token", b"bearer")


class ApiKeyAuthentication(TokenAuthentication):
    def authenticate(self, request: Request):
        auth = get_authorization_header(request).split()
        if not auth or auth[0].lower() not in KEYWORDS:
            return None
        if len(auth) == 1:
            # DRF's own messages: its catalogue translates them.
            raise exceptions.AuthenticationFailed(
                _("Invalid token header. No credentials provided.")
            )
        if len(auth) > 2:
            raise exceptions.AuthenticationFailed(
                _("Invalid token header. Token string should not contain spaces.")
            )
        try:
            key = auth[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(
                _("Invalid token header. Token string should not contain invalid characters.")
            ) from None
        return self.authenticate_credentials(key)

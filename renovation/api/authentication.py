"""API keys: named keys (renovation/api_keys.py), issued and revoked by district officials on
the people pages and at `/api/v1/api-keys/`, each held by a user whose role and scope it
inherits, narrowed by the key's permission. Clients send `Authorization: Token <key>`;
`Bearer <key>` is accepted too, because many HTTP client libraries and dashboards offer only
that scheme.

A key is found by the digest's unique index in one query (with its holder). A key that is not
found there may be a DRF token created in admin before named keys existed (they were moved into
named keys by a migration; admin can still create one): those are still accepted, one more
query, until the admin's token pages are retired."""

from __future__ import annotations

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication, get_authorization_header
from rest_framework.request import Request

from renovation.api_keys import LAST_USED_EVERY, ApiKey, digest_of

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

    def authenticate_credentials(self, key: str):
        api_key = ApiKey.objects.select_related("owner").filter(digest=digest_of(key)).first()
        if api_key is None:
            return super().authenticate_credentials(key)  # a legacy token, or "Invalid token."
        if api_key.revoked_at is not None:
            raise exceptions.AuthenticationFailed(
                _("This API key was revoked on %(date)s. Ask your district for a new key.")
                % {"date": formats.date_format(timezone.localtime(api_key.revoked_at).date())}
            )
        if api_key.is_expired:
            raise exceptions.AuthenticationFailed(
                _("This API key expired on %(date)s. Ask your district for a new key.")
                % {"date": formats.date_format(api_key.expires_on)}
            )
        if not api_key.owner.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        now = timezone.now()
        if api_key.last_used_at is None or now - api_key.last_used_at >= LAST_USED_EVERY:
            # At most one write a minute per key; the filter keeps concurrent requests from
            # writing it twice.
            ApiKey.objects.filter(pk=api_key.pk).exclude(
                last_used_at__gt=now - LAST_USED_EVERY
            ).update(last_used_at=now)
            api_key.last_used_at = now
        return api_key.owner, api_key

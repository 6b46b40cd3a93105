"""The request of a signed-in user, typed once.

Behind `login_required` (pages) or `IsAuthenticated` (API) `request.user` is a `User`, never an
`AnonymousUser`; Django and DRF type it as either. A view behind login declares its request as
`AuthedHttpRequest` (pages) or `AuthedRequest` (API) and passes `request.user` on to services
and selectors that take a `User`, with no cast at each call.

These are annotations only: Django and DRF build the request objects as always.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest
from rest_framework.request import Request

if TYPE_CHECKING:
    from renovation.models import User


class AuthedHttpRequest(HttpRequest):
    """A page request behind `login_required`."""

    user: User


if TYPE_CHECKING:

    class AuthedRequest(Request):
        """An API request behind `IsAuthenticated` (the API's default permission)."""

        @property
        def user(self) -> User: ...

        @user.setter
        def user(self, value: User) -> None: ...

else:
    AuthedRequest = Request

"""Log-in forms that refuse an over-long username before anything looks it up.

Django's AuthenticationForm sets the username field's max_length after the field is built, so
its length validator never runs: a 256-character username reached the authentication backends,
and django-axes then failed to record the attempt in its 255-character column (a 500 on
PostgreSQL). Here the limit is a real validator, so such a post is a form error and nothing is
authenticated or recorded."""

from __future__ import annotations

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator


class _UsernameLengthChecked:
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length))


class LoginForm(_UsernameLengthChecked, AuthenticationForm):
    pass


class AdminLoginForm(_UsernameLengthChecked, AdminAuthenticationForm):
    pass

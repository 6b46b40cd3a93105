"""Password rules: at least 12 characters, not common, not all digits; the change page."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation


def test_minimum_length_is_twelve():
    rule = next(
        v
        for v in settings.AUTH_PASSWORD_VALIDATORS
        if v["NAME"] == "renovation.security.MinimumLengthValidator"
    )
    assert rule["OPTIONS"]["min_length"] >= 12
    with pytest.raises(ValidationError):
        validate_password("Tr0ub4dor&3")  # 11 characters
    validate_password("correct horse battery")


@pytest.mark.parametrize("weak", ["short1!", "123456789012345", "password1234"])
def test_weak_passwords_are_refused(weak):
    with pytest.raises(ValidationError):
        validate_password(weak)


def test_password_change_refuses_a_weak_password_in_chinese(client, district_official):
    client.force_login(district_official)

    response = client.post(
        reverse("password_change"),
        {"old_password": "pw", "new_password1": "abc12345", "new_password2": "abc12345"},
    )

    assert response.status_code == 200
    text = response.content.decode()
    with translation.override("zh-hans"):
        too_short = translation.ngettext(
            "This password is too short: use at least %(min_length)d character.",
            "This password is too short: use at least %(min_length)d characters.",
            12,
        ) % {"min_length": 12}
        common = translation.gettext("This password is too common.")
    assert too_short in text  # the project's catalogue (renovation.security)
    assert common in text  # Django's catalogue
    assert "这个密码太常见了" in common
    district_official.refresh_from_db()
    assert district_official.check_password("pw")


def test_password_change_in_english(client, district_official):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(district_official)

    response = client.post(
        reverse("password_change"),
        {"old_password": "pw", "new_password1": "123456789012", "new_password2": "123456789012"},
    )

    text = response.content.decode()
    assert "This password is entirely numeric." in text
    assert "This password is too short" not in text  # 12 characters are enough


def test_password_change_accepts_a_strong_password(client, district_official):
    client.force_login(district_official)

    response = client.post(
        reverse("password_change"),
        {
            "old_password": "pw",
            "new_password1": "青羊区-老旧小区-2026",
            "new_password2": "青羊区-老旧小区-2026",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("password_change_done")
    district_official.refresh_from_db()
    assert district_official.check_password("青羊区-老旧小区-2026")
    assert client.get(reverse("home")).status_code == 200  # still logged in


def test_password_change_needs_a_login(client, db):
    response = client.get(reverse("password_change"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))

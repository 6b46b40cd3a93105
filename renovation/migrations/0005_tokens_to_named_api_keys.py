"""Existing DRF tokens become named API keys (same secret, stored as its digest, valid for one
year from the upgrade); the tokens themselves are deleted, so no key lives without an expiry."""

import datetime as dt
import hashlib

from django.db import migrations
from django.utils import timezone


def tokens_to_keys(apps, schema_editor):
    Token = apps.get_model("authtoken", "Token")
    ApiKey = apps.get_model("renovation", "ApiKey")
    expires_on = timezone.localdate() + dt.timedelta(days=365)
    for token in Token.objects.select_related("user", "user__street", "user__district"):
        user = token.user
        district = user.district or (user.street.district if user.street_id else None)
        ApiKey.objects.create(
            name=f"Token {token.key[:6]}",
            owner=user,
            permission="read" if user.role in ("api_client", "auditor") else "write_progress",
            prefix=token.key[:8],
            digest=hashlib.sha256(token.key.encode()).hexdigest(),
            district=district,
            city_id=district.city_id if district else user.city_id,
            expires_on=expires_on,
        )
    Token.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("authtoken", "0004_alter_tokenproxy_options"),
        ("renovation", "0004_people_keys_province"),
    ]

    operations = [migrations.RunPython(tokens_to_keys, migrations.RunPython.noop)]

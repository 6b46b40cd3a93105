"""A little data for a database the test process cannot reach through Django (the private
PostgreSQL cluster): run in a subprocess whose DATABASE_URL points at it, prints JSON.

    python -c "from tests.faults.seed import main; main()"
"""

from __future__ import annotations

import json


def main() -> None:
    import django

    django.setup()

    from django.db import transaction
    from rest_framework.authtoken.models import Token

    from renovation.models import User
    from tests import factories

    with transaction.atomic():
        street = factories.StreetFactory(name="草堂街道")
        officer = factories.UserFactory(
            username="faults_street", role=User.Role.STREET_OFFICER, street=street
        )
        project = factories.ProjectFactory(
            compound__street=street, compound__name="水井坊小区", in_construction=True
        )
        item = factories.WorkItemFactory(project=project)
        token = Token.objects.create(user=officer)
    print(
        json.dumps(
            {
                "username": officer.username,
                "project": project.pk,
                "project_url": project.get_absolute_url(),
                "item": item.pk,
                "token": token.key,
            }
        )
    )

"""Admin cannot leave figures stale or break rules: domain records are read-only there (the
services behind the pages and API are the only writers); reference data is never deleted."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib import admin
from django.urls import reverse

from renovation.admin_site import DOMAIN_APPS, EDITABLE
from renovation.models import DirtyScope
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    return client


def test_every_domain_model_admin_is_read_only_but_for_reference_data(rf):
    request = rf.get("/")
    request.user = UserFactory.build(is_superuser=True, is_staff=True)
    checked = 0
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in DOMAIN_APPS:
            continue
        checked += 1
        assert not model_admin.has_delete_permission(request), model
        editable = model._meta.label_lower in EDITABLE
        assert model_admin.has_change_permission(request) is editable, model
        assert model_admin.has_add_permission(request) is editable, model
    assert checked >= 30


def test_a_project_edited_or_deleted_through_admin_changes_and_marks_nothing(
    superuser_client, project
):
    url = reverse("admin:programmes_project_change", args=[project.pk])
    assert superuser_client.get(url).status_code == 200  # still readable, with its history

    response = superuser_client.post(url, {"budget": "1", "contractor": "某公司"})
    assert response.status_code == 403
    delete = superuser_client.post(
        reverse("admin:programmes_project_delete", args=[project.pk]), {"post": "yes"}
    )
    assert delete.status_code == 403

    project.refresh_from_db()
    assert project.budget != Decimal("1")
    assert not DirtyScope.objects.exists()


def test_reference_data_is_edited_but_never_deleted(superuser_client, district):
    url = reverse("admin:programmes_district_delete", args=[district.pk])
    assert superuser_client.post(url, {"post": "yes"}).status_code == 403
    assert type(district).objects.filter(pk=district.pk).exists()

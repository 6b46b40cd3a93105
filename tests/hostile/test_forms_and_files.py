"""Smaller findings of issue 17 (finding 9): an error on the hidden version field shows a
visible message, replaced minutes leave no file behind, and the "published" box of the
disclosure create form is honoured."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from governance import services
from governance.models import Disclosure
from programmes.models import SiteProblem
from tests import factories

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_a_garbled_version_shows_a_visible_message_and_saves_nothing(
    client, street_officer, project
):
    problem = factories.SiteProblemFactory(project=project, title="井盖缺失")
    client.force_login(street_officer)

    response = client.post(
        reverse("programmes:problem-close", args=[problem.pk]),
        {"resolution": "已补装井盖", "version": "not-a-number"},
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["version"]
    assert form.non_field_errors()
    assert escape(form.non_field_errors()[0]) in response.content.decode()
    assert SiteProblem.objects.get().status == SiteProblem.Status.OPEN


def _minutes_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / "governance" / "minutes"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_replaced_minutes_are_deleted_from_storage(
    project, street_officer, today, settings, django_capture_on_commit_callbacks
):
    meeting = services.meeting_record(
        compound=project.compound,
        by=street_officer,
        kind="courtyard",
        held_on=today,
        attendance=30,
        topics="方案",
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_minutes_attach(
            meeting=meeting, by=street_officer, minutes=SimpleUploadedFile("一.pdf", PDF_BYTES)
        )
    first = _minutes_files(settings)

    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_minutes_attach(
            meeting=meeting, by=street_officer, minutes=SimpleUploadedFile("二.pdf", PDF_BYTES)
        )

    assert len(first) == 1
    remaining = _minutes_files(settings)
    assert len(remaining) == 1
    assert remaining != first


def test_disclosure_created_with_the_published_box_ticked_is_published(
    client, street_officer, project, today
):
    client.force_login(street_officer)

    response = client.post(
        reverse("governance:disclosure-create", args=[project.pk]),
        {
            "title": "改造方案公示",
            "summary": "改造雨污管网和屋面。",
            "window_starts_on": today.isoformat(),
            "window_ends_on": (today + dt.timedelta(days=7)).isoformat(),
            "objection_deadline": (today + dt.timedelta(days=5)).isoformat(),
            "published": "on",
        },
    )

    assert response.status_code == 302
    disclosure = Disclosure.objects.get()
    assert disclosure.published
    assert disclosure.published_at is not None
    assert client.get(disclosure.get_absolute_url()).status_code == 200


def test_disclosure_created_without_the_box_stays_a_draft(client, street_officer, project, today):
    client.force_login(street_officer)

    client.post(
        reverse("governance:disclosure-create", args=[project.pk]),
        {
            "title": "改造方案公示",
            "summary": "改造雨污管网和屋面。",
            "window_starts_on": today.isoformat(),
            "window_ends_on": (today + dt.timedelta(days=7)).isoformat(),
            "objection_deadline": (today + dt.timedelta(days=5)).isoformat(),
        },
    )

    assert not Disclosure.objects.get().published

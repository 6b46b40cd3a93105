"""Reminders: generated once a day per object, to the street officers of the street and the
officials of the district, in the app and by e-mail; flagged on the dashboard panel."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from governance.models import Disclosure
from programmes.models import Project, SiteProblem, Stage
from reporting.context_processors import notifications as notifications_context
from reporting.models import Notification
from reporting.notifications.selectors import dashboard_reminders
from reporting.notifications.services import reminders_generate
from reporting.tasks import reminders_generate_task
from tests import factories


@pytest.fixture
def people(street_officer, street_officer_b, district_official, other_district_official):
    for user, address in (
        (street_officer, "a@example.cn"),
        (street_officer_b, "b@example.cn"),
        (district_official, "district@example.cn"),
        (other_district_official, "other@example.cn"),
    ):
        user.email = address
        user.save(update_fields=["email"])
    return {
        "street_a": street_officer,
        "street_b": street_officer_b,
        "district": district_official,
        "other": other_district_official,
    }


@pytest.fixture
def silent_project(project):
    """Street A's project under construction, started 30 days ago, never reported."""
    return project


def recipients(kind: str) -> set[str]:
    return set(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


def test_overdue_report_notifies_the_street_and_the_district_once_a_day(
    people, silent_project, now
):
    result = reminders_generate(now=now)

    assert recipients(Notification.Kind.REPORT_OVERDUE) == {"street_a", "district"}
    assert result.created == 2
    assert sorted(message.to[0] for message in mail.outbox) == [
        "a@example.cn",
        "district@example.cn",
    ]
    assert silent_project.compound.name in mail.outbox[0].body
    notification = Notification.objects.get(recipient=people["street_a"])
    assert notification.link == silent_project.compound.get_absolute_url()
    assert notification.emailed_at is not None

    again = reminders_generate(now=now + dt.timedelta(hours=3))
    assert again.created == 0
    assert Notification.objects.count() == 2
    assert len(mail.outbox) == 2

    reminders_generate(now=now + dt.timedelta(days=1))
    assert Notification.objects.count() == 4
    assert len(mail.outbox) == 4


def test_a_recent_report_or_a_longer_allowance_is_not_overdue(
    people, silent_project, item_small, file_report, today, now
):
    file_report(project=silent_project, by=people["street_a"], quantities={item_small.pk: "5"})
    reminders_generate(now=now)
    assert not Notification.objects.exists()

    Project.objects.filter(pk=silent_project.pk).update(last_report_on=today - dt.timedelta(days=5))
    silent_project.programme.report_overdue_days = 7
    silent_project.programme.save()
    reminders_generate(now=now)
    assert not Notification.objects.exists()

    silent_project.programme.report_overdue_days = 4
    silent_project.programme.save()
    reminders_generate(now=now)
    assert recipients(Notification.Kind.REPORT_OVERDUE) == {"street_a", "district"}


def test_problem_open_past_a_day_is_a_reminder(people, programme, street_b, now):
    old = factories.SiteProblemFactory(
        project__programme=programme, project__compound__street=street_b, title="围墙倒塌"
    )
    SiteProblem.objects.filter(pk=old.pk).update(created_at=now - dt.timedelta(hours=30))
    Project.objects.filter(pk=old.project_id).update(last_report_on=now.date())
    factories.SiteProblemFactory(project=old.project, title="刚发现的问题")

    reminders_generate(now=now)

    problems = Notification.objects.filter(kind=Notification.Kind.PROBLEM_OVERDUE)
    assert recipients(Notification.Kind.PROBLEM_OVERDUE) == {"street_b", "district"}
    assert {n.object_key for n in problems} == {f"problem:{old.pk}"}
    assert "围墙倒塌" in problems.first().message


def test_survey_below_threshold_is_a_reminder(people, programme, street_a, now):
    low = factories.ProjectFactory(
        programme=programme, compound__street=street_a, stage=Stage.CONSULTATION
    )
    factories.OpinionSurveyFactory(project=low, support=80, oppose=20)
    high = factories.ProjectFactory(
        programme=programme, compound__street=street_a, stage=Stage.CONSULTATION
    )
    factories.OpinionSurveyFactory(project=high, support=95, oppose=5)

    reminders_generate(now=now)

    keys = set(
        Notification.objects.filter(kind=Notification.Kind.SURVEY_BELOW).values_list(
            "object_key", flat=True
        )
    )
    assert keys == {f"survey:{low.surveys.get().pk}"}


def test_disclosure_window_closing_is_a_reminder(people, project, today, now):
    Project.objects.filter(pk=project.pk).update(last_report_on=today)
    closing = Disclosure.objects.create(
        project=project,
        title="改造方案公示",
        summary="方案",
        window_starts_on=today - dt.timedelta(days=5),
        window_ends_on=today + dt.timedelta(days=1),
        objection_deadline=today,
        published=True,
    )
    Disclosure.objects.create(
        project=project,
        title="远期公示",
        summary="方案",
        window_starts_on=today,
        window_ends_on=today + dt.timedelta(days=10),
        objection_deadline=today,
        published=True,
    )

    reminders_generate(now=now)

    assert set(Notification.objects.values_list("object_key", flat=True)) == {
        f"disclosure:{closing.pk}"
    }


def test_users_without_e_mail_get_the_notification_only(street_officer, silent_project, now):
    reminders_generate(now=now)

    assert Notification.objects.filter(recipient=street_officer).exists()
    assert mail.outbox == []


def test_daily_task_runs_the_reminders(people, silent_project):
    assert reminders_generate_task()["created"] == 2
    assert reminders_generate_task()["created"] == 0


def test_notification_list_mark_read_and_bell(client, people, silent_project, now):
    reminders_generate(now=now)
    officer = people["street_a"]
    client.force_login(officer)

    response = client.get(reverse("reports:notification-list"))
    assert response.status_code == 200
    assert silent_project.compound.name in response.content.decode()
    request = RequestFactory().get("/")
    request.user = officer
    context = notifications_context(request)
    assert context["unread_notifications"] == 1
    bell = render_to_string("reports/_notifications_bell.html", {**context, "user": officer})
    assert 'class="bell-count">1<' in bell

    notification = Notification.objects.get(recipient=officer)
    response = client.post(reverse("reports:notification-read", args=[notification.pk]))
    assert response.status_code == 302
    notification.refresh_from_db()
    assert notification.read_at is not None
    others = Notification.objects.get(recipient=people["district"])
    assert client.post(reverse("reports:notification-read", args=[others.pk])).status_code == 404
    others.refresh_from_db()
    assert others.read_at is None
    assert client.get(reverse("reports:notification-read", args=[others.pk])).status_code == 405


def test_dashboard_panel_counts_only_the_users_scope(
    people, silent_project, other_street_records, now
):
    SiteProblem.objects.filter(pk=other_street_records["problem"].pk).update(
        created_at=now - dt.timedelta(days=2)
    )
    mine = dashboard_reminders(user=people["street_a"])
    district = dashboard_reminders(user=people["district"])

    counts = {group.kind: group.count for group in mine.groups}
    assert counts == {
        "report_overdue": 1,
        "problem_overdue": 0,
        "survey_below": 0,
        "disclosure_closing": 0,
    }
    assert {group.kind: group.count for group in district.groups}["problem_overdue"] == 1
    assert dashboard_reminders(user=people["other"]).total == 0
    html = render_to_string("reports/_dashboard_reminders.html", {"reminders": district})
    assert silent_project.compound.name in html
    assert "<script" not in html


def test_dashboard_panel_query_count_is_constant(people, programme, street_a, now):
    def make(n):
        for _ in range(n):
            project = factories.ProjectFactory(
                programme=programme, compound__street=street_a, in_construction=True
            )
            problem = factories.SiteProblemFactory(project=project)
            SiteProblem.objects.filter(pk=problem.pk).update(created_at=now - dt.timedelta(days=2))

    make(2)
    with CaptureQueriesContext(connection) as small:
        dashboard_reminders(user=people["district"])
    make(9)
    with CaptureQueriesContext(connection) as large:
        panel = dashboard_reminders(user=people["district"])

    assert len(large.captured_queries) == len(small.captured_queries)
    assert {group.kind: group.count for group in panel.groups}["problem_overdue"] == 11

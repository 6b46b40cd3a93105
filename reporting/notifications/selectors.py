"""Reads: the dashboard's reminder panel and the notification list."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import QuerySet
from django.utils import translation

from governance.models import Disclosure, OpinionSurvey
from programmes.models import Project, SiteProblem
from renovation.api.caching import remember

from ..models import Notification
from . import rules
from .messages import render

if TYPE_CHECKING:
    from renovation.models import User

PANEL_ITEMS = 5
REMINDERS_SECONDS = 60  # reminders also age with the clock: kept a minute at most


@dataclass
class ReminderGroup:
    kind: str
    label: str
    count: int
    items: list = field(default_factory=list)


@dataclass
class DashboardReminders:
    groups: list[ReminderGroup]

    @property
    def total(self) -> int:
        return sum(group.count for group in self.groups)


def dashboard_reminders(*, user: User) -> DashboardReminders:
    """What is due in the user's scope: counts and the first few of each kind. Nine queries at
    most, whatever the number of projects, kept for a minute unless the data changes first
    (over a whole country they scan every project under construction)."""
    key = f"renovation:reminders:{user.pk}:{translation.get_language()}"
    timeout = min(REMINDERS_SECONDS, settings.RENOVATION_STATISTICS_CACHE_SECONDS)
    return remember(key, lambda: _dashboard_reminders(user=user), timeout=timeout)


def _dashboard_reminders(*, user: User) -> DashboardReminders:
    now, today = rules.now_and_today()
    reports = rules.overdue_reports(Project.objects.visible_to(user), today=today)
    problems = rules.overdue_problems(SiteProblem.objects.visible_to(user), now=now)
    surveys = rules.surveys_below_threshold(OpinionSurvey.objects.visible_to(user))
    disclosures = rules.disclosures_closing(Disclosure.objects.visible_to(user), today=today)
    labels = dict(Notification.Kind.choices)
    groups = []
    for kind, queryset, related, order in (
        ("report_overdue", reports, "compound", "report_reference_day"),
        ("problem_overdue", problems, "project__compound", "created_at"),
        ("survey_below", surveys, "project__compound", "held_on"),
        ("disclosure_closing", disclosures, "project__compound", "window_ends_on"),
    ):
        items = list(queryset.select_related(related).order_by(order, "pk")[:PANEL_ITEMS])
        groups.append(ReminderGroup(kind, str(labels[kind]), queryset.count(), items))
    return DashboardReminders(groups)


def notification_list(*, user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-id")


def unread_count(*, user: User) -> int:
    """Unread notifications: one COUNT on the (recipient, read_at) index."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def display_message(notification: Notification) -> str:
    return render(notification.kind, notification.params) or notification.message

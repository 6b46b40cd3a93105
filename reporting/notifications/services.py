"""The daily reminder run and marking notifications read.

`reminders_generate` is idempotent: a notification is unique per recipient, kind, object and
day (a database constraint), so a second run on the same day creates and e-mails nothing new.
Recipients are the street officers of the object's street and the officials of its district.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from governance.models import Disclosure, OpinionSurvey
from programmes.models import Project, SiteProblem
from renovation.access import is_street_officer, responsible_users_q
from renovation.models import User

from ..models import Notification
from . import rules
from .messages import render

if TYPE_CHECKING:
    from collections.abc import Iterable


@dataclass(frozen=True)
class Due:
    """One thing that needs attention, before it is addressed to anyone."""

    kind: str
    object_key: str
    street_id: int
    district_id: int
    params: dict
    link: str


def due_items(*, now: dt.datetime, today: dt.date) -> list[Due]:
    """Everything due today, across all districts (six queries)."""
    items: list[Due] = []
    for project in (
        rules.overdue_reports(Project.objects.all(), today=today)
        .select_related("compound__street", "programme")
        .order_by("id")
    ):
        compound = project.compound
        items.append(
            Due(
                Notification.Kind.REPORT_OVERDUE,
                f"project:{project.pk}",
                compound.street_id,
                compound.street.district_id,
                {
                    "compound": compound.name,
                    "since": (project.report_reference_day or today).isoformat(),
                    "days": project.programme.report_overdue_days,
                },
                compound.get_absolute_url(),
            )
        )
    for problem in (
        rules.overdue_problems(SiteProblem.objects.all(), now=now)
        .select_related("project__compound__street")
        .order_by("id")
    ):
        compound = problem.project.compound
        items.append(
            Due(
                Notification.Kind.PROBLEM_OVERDUE,
                f"problem:{problem.pk}",
                compound.street_id,
                compound.street.district_id,
                {
                    "compound": compound.name,
                    "title": problem.title,
                    "since": timezone.localtime(problem.created_at).date().isoformat(),
                },
                compound.get_absolute_url(),
            )
        )
    for survey in (
        rules.surveys_below_threshold(OpinionSurvey.objects.all())
        .select_related("project__compound__street", "project__programme")
        .order_by("id")
    ):
        compound = survey.project.compound
        items.append(
            Due(
                Notification.Kind.SURVEY_BELOW,
                f"survey:{survey.pk}",
                compound.street_id,
                compound.street.district_id,
                {
                    "compound": compound.name,
                    "rate": str(survey.support_rate),
                    "threshold": str(survey.project.programme.support_threshold),
                },
                compound.get_absolute_url(),
            )
        )
    for disclosure in (
        rules.disclosures_closing(Disclosure.objects.all(), today=today)
        .select_related("project__compound__street")
        .order_by("id")
    ):
        compound = disclosure.project.compound
        items.append(
            Due(
                Notification.Kind.DISCLOSURE_CLOSING,
                f"disclosure:{disclosure.pk}",
                compound.street_id,
                compound.street.district_id,
                {
                    "compound": compound.name,
                    "title": disclosure.title,
                    "ends": disclosure.window_ends_on.isoformat(),
                },
                compound.get_absolute_url(),
            )
        )
    return items


def responsible_users(items: Iterable[Due]) -> tuple[dict[int, list[User]], dict[int, list[User]]]:
    """Active street officers by street and district officials by district (one query)."""
    streets = {item.street_id for item in items}
    districts = {item.district_id for item in items}
    by_street: dict[int, list[User]] = defaultdict(list)
    by_district: dict[int, list[User]] = defaultdict(list)
    users = User.objects.filter(is_active=True).filter(
        responsible_users_q(street_ids=streets, district_ids=districts)
    )
    for user in users.order_by("id"):
        # responsible_users_q finds street officers by their street, officials by district.
        if is_street_officer(user) and user.street_id is not None:
            by_street[user.street_id].append(user)
        elif user.district_id is not None:
            by_district[user.district_id].append(user)
    return by_street, by_district


@dataclass
class RunResult:
    due: int
    created: int
    emailed: int


def reminders_generate(*, now: dt.datetime | None = None) -> RunResult:
    """Create today's notifications for everything due and e-mail each recipient a summary of
    their new ones. Safe to run any number of times a day."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    items = due_items(now=now, today=today)
    by_street, by_district = responsible_users(items)
    wanted: dict[tuple[int, str, str], tuple[Due, User]] = {}
    for item in items:
        for user in [*by_street.get(item.street_id, []), *by_district.get(item.district_id, [])]:
            wanted[(user.pk, item.kind, item.object_key)] = (item, user)
    if not wanted:
        return RunResult(len(items), 0, 0)
    existing = set(
        Notification.objects.filter(
            day=today, recipient__in={key[0] for key in wanted}
        ).values_list("recipient", "kind", "object_key")
    )
    fresh = [value for key, value in wanted.items() if key not in existing]
    with override(settings.LANGUAGE_CODE):
        notifications = [
            Notification(
                recipient=user,
                kind=item.kind,
                object_key=item.object_key,
                day=today,
                message=render(item.kind, item.params)[:500],
                params=item.params,
                link=item.link,
                created_at=now,
            )
            for item, user in fresh
        ]
    with transaction.atomic():
        # The constraint keeps a concurrent run from adding the same reminder twice.
        Notification.objects.bulk_create(notifications, ignore_conflicts=True, batch_size=500)
    emailed = _email(fresh, now=now, today=today)
    return RunResult(len(items), len(notifications), emailed)


def _email(fresh: list[tuple[Due, User]], *, now: dt.datetime, today: dt.date) -> int:
    """One message per recipient listing their new reminders; users without an address get
    only the in-app notification."""
    per_user: dict[int, tuple[User, list[Due]]] = {}
    for item, user in fresh:
        if user.email:
            per_user.setdefault(user.pk, (user, []))[1].append(item)
    if not per_user:
        return 0
    base = getattr(settings, "RENOVATION_SITE_URL", "").rstrip("/")
    messages = []
    with override(settings.LANGUAGE_CODE):
        for user, items in per_user.values():
            lines = [f"- {render(item.kind, item.params)} {base}{item.link}" for item in items]
            body = "\n".join(
                [
                    _("Reminders for %(date)s:") % {"date": today.isoformat()},
                    "",
                    *lines,
                    "",
                    _("All notifications: %(url)s")
                    % {"url": base + reverse("reports:notification-list")},
                ]
            )
            subject = _("Renovation platform: %(n)s reminders") % {"n": len(items)}
            messages.append(EmailMessage(subject, body, to=[user.email]))
    sent = get_connection(fail_silently=True).send_messages(messages) or 0
    if sent:
        Notification.objects.filter(
            day=today,
            recipient__in=list(per_user),
            emailed_at__isnull=True,
        ).update(emailed_at=now)
    return sent


def notification_mark_read(*, user: User, pk: int | None = None) -> int:
    """Mark one of the user's notifications (or all of them) read; returns how many."""
    notifications = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if pk is not None:
        notifications = notifications.filter(pk=pk)
    return notifications.update(read_at=timezone.now())

"""The public objection form works while Redis is down, and its per-address limit holds when
many messages arrive at once (issue 17, findings 4 and 5)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, connections
from django.urls import reverse

from governance import services
from governance.models import Suggestion
from governance.public_limits import PublicSubmissionCount

UNREACHABLE_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}


@pytest.fixture
def disclosure(project, street_officer, today):
    created = services.disclosure_create(
        project=project,
        by=street_officer,
        title="水井坊小区改造方案公示",
        summary="改造雨污管网和屋面。",
        window_starts_on=today - dt.timedelta(days=2),
        window_ends_on=today + dt.timedelta(days=5),
        objection_deadline=today + dt.timedelta(days=3),
    )
    return services.disclosure_update(
        disclosure=created,
        by=street_officer,
        version=created.version,
        title=created.title,
        summary=created.summary,
        window_starts_on=created.window_starts_on,
        window_ends_on=created.window_ends_on,
        objection_deadline=created.objection_deadline,
        published=True,
    )


def test_public_objection_is_saved_while_redis_is_down(client, disclosure, settings):
    settings.CACHES = UNREACHABLE_REDIS
    url = reverse("governance:public-disclosure", args=[disclosure.token])

    response = client.post(url, {"kind": "objection", "text": "反对拆除自行车棚，请保留。"})

    assert response.status_code == 302
    assert Suggestion.objects.get().text == "反对拆除自行车棚，请保留。"


def test_the_limit_holds_while_redis_is_down(client, disclosure, settings):
    settings.CACHES = UNREACHABLE_REDIS
    settings.GOVERNANCE_PUBLIC_SUBMISSIONS_PER_HOUR = 2
    url = reverse("governance:public-disclosure", args=[disclosure.token])

    statuses = [
        client.post(url, {"kind": "suggestion", "text": f"第{i}条建议内容"}).status_code
        for i in range(3)
    ]

    assert statuses == [302, 302, 429]
    assert Suggestion.objects.count() == 2


def test_an_invalid_message_takes_no_slot(client, disclosure, settings):
    settings.GOVERNANCE_PUBLIC_SUBMISSIONS_PER_HOUR = 1
    url = reverse("governance:public-disclosure", args=[disclosure.token])

    client.post(url, {"kind": "suggestion", "text": "短"})
    saved = client.post(url, {"kind": "suggestion", "text": "这是一条完整的建议内容"})

    assert saved.status_code == 302
    assert PublicSubmissionCount.objects.get().count == 1


@pytest.mark.skipif(
    "sqlite" in connection.vendor,
    reason="concurrent writers need PostgreSQL (SQLite serialises the whole file)",
)
@pytest.mark.django_db(transaction=True)
def test_twenty_messages_sent_at_once_respect_a_limit_of_five(
    project, street_officer, today, settings
):
    settings.GOVERNANCE_PUBLIC_SUBMISSIONS_PER_HOUR = 5
    created = services.disclosure_create(
        project=project,
        by=street_officer,
        title="公示",
        summary="改造内容。",
        window_starts_on=today,
        window_ends_on=today + dt.timedelta(days=5),
        objection_deadline=today + dt.timedelta(days=3),
    )
    disclosure = services.disclosure_update(
        disclosure=created,
        by=street_officer,
        version=created.version,
        title=created.title,
        summary=created.summary,
        window_starts_on=created.window_starts_on,
        window_ends_on=created.window_ends_on,
        objection_deadline=created.objection_deadline,
        published=True,
    )
    start = threading.Barrier(20)
    outcomes: list[str] = []

    def send(i: int) -> None:
        try:
            start.wait()
            services.suggestion_submit_public(
                disclosure=disclosure,
                kind="objection",
                text=f"同时发送的第{i}条反对意见",
                client="10.0.0.9",
            )
            outcomes.append("saved")
        except services.RateLimitedError:
            outcomes.append("limited")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=(i,)) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes).count("saved") == 5
    assert outcomes.count("limited") == 15
    assert Suggestion.objects.filter(channel="public").count() == 5

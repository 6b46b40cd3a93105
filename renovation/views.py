"""The core's own views: health checks, run by django-health-check.

`/healthz/` is the check of load balancers and of the web container, and its contract does not
change: 200 `{"status": "ok"}` when the database answers (a new connection and `SELECT 1`),
otherwise 503 `{"status": "error", "database": "unreachable"}`; no login, no HTTPS redirect.
It checks the database only: with Redis down the platform still saves (the stale marks wait in
the database and the beat catches up), which is no reason to take a web process out.

`/healthz/detail/` is the platform administrator's status page (superusers): the database, the
cache, the upload storage, and when tasks go to a broker, the broker and a worker on every
queue, and the mail server when SMTP is configured. HTML, or `?format=json`, `text` or
`openmetrics` for monitoring; 503 when a check fails. From a shell, without a login:
`manage.py health_check healthz-detail --no-http` (exit status 1 when a check fails).
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
from collections.abc import Iterator
from functools import partial
from typing import Any

from celery import Celery
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext_lazy as _
from health_check.base import HealthCheck
from health_check.checks import Cache, Database, Mail, Storage
from health_check.contrib.celery import Ping
from health_check.contrib.redis import Redis
from health_check.views import HealthCheckView
from redis.asyncio import Redis as RedisClient

from renovation.access import can_see_system_health
from renovation.celery import app as celery_app

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


@dataclasses.dataclass
class Workers(Ping):
    """The library's worker ping on the platform's Celery app, named without the app object
    (a report's keys stay the same from one process to the next)."""

    app: Celery = dataclasses.field(default_factory=lambda: celery_app, repr=False)
    timeout: dt.timedelta = dataclasses.field(default=dt.timedelta(seconds=2), repr=False)


LABELS = {
    Database: _("Database"),
    Cache: _("Cache"),
    Storage: _("Uploaded files (storage)"),
    Redis: _("Task broker (Redis)"),
    Workers: _("Background workers (Celery)"),
    Mail: _("Mail server"),
}


class Liveness(HealthCheckView):
    checks = (Database,)

    async def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        results = await asyncio.gather(*(check.get_result() for check in self.get_checks()))
        if any(result.error for result in results):
            return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
        return JsonResponse({"status": "ok"})


def detail_checks() -> list[HealthCheck]:
    """What the platform runs on, as configured now (tasks run in-process without a broker)."""
    checks: list[HealthCheck] = [Database(), Cache(), Storage()]
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        broker = settings.CELERY_BROKER_URL
        if broker.startswith(("redis://", "rediss://")):
            client = partial(
                RedisClient.from_url, broker, socket_connect_timeout=2, socket_timeout=2
            )
            checks.append(Redis(client_factory=client))
        checks.append(Workers())
    if settings.EMAIL_BACKEND == SMTP_BACKEND:
        checks.append(Mail(timeout=dt.timedelta(seconds=5)))
    return checks


class Detail(HealthCheckView):
    template_name = "renovation/health_detail.html"

    async def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = await request.auser()
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not can_see_system_health(user):
            raise PermissionDenied
        response = await super().dispatch(request, *args, **kwargs)
        if response.status_code == 500:  # the library's "a check failed": unavailable, not a bug
            response.status_code = 503
        return response

    def get_checks(self) -> Iterator[HealthCheck]:
        yield from detail_checks()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["rows"] = [
            (LABELS.get(type(result.check), type(result.check).__name__), result)
            for result in self.results
        ]
        return context


healthz = Liveness.as_view()
health_detail = Detail.as_view()

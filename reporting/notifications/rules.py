"""What is due: one queryset per kind of reminder, each restricted to a user's scope or to
everything (the daily run). A fixed number of queries each, whatever the number of rows."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, TypedDict

from django.conf import settings
from django.db.models import (
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
)
from django.utils import timezone

from governance.models import Disclosure, OpinionSurvey, ScopeKind
from programmes.figures import report_overdue_q
from programmes.models import Programme, Project, SiteProblemQuerySet, Stage
from programmes.selectors import REPORT_REFERENCE_DAY

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class ReportReference(TypedDict):
    # The last submitted report's date, or the start of construction (REPORT_REFERENCE_DAY).
    report_reference_day: dt.date | None


def disclosure_closing_days() -> int:
    return getattr(settings, "RENOVATION_DISCLOSURE_CLOSING_DAYS", 2)


def overdue_reports(
    projects: QuerySet[Project], *, today: dt.date
) -> QuerySet[WithAnnotations[Project, ReportReference]]:
    """Projects under construction whose last submitted report (or, with none, the start of
    construction) is older than their programme's `report_overdue_days`. Two queries: the
    distinct thresholds, then the projects (one condition per threshold, so no date arithmetic
    in SQL that databases disagree on)."""
    days = (
        Programme.objects.filter(projects__in=projects.filter(stage=Stage.CONSTRUCTION))
        .values_list("report_overdue_days", flat=True)
        .distinct()
        .order_by()
    )
    return projects.annotate(report_reference_day=REPORT_REFERENCE_DAY).filter(
        report_overdue_q(today=today, thresholds=days)
    )


def overdue_problems(problems: SiteProblemQuerySet, *, now: dt.datetime) -> SiteProblemQuerySet:
    """Open for longer than RENOVATION_PROBLEM_OVERDUE_HOURS (每日调度、次日报告、当日解决)."""
    return problems.overdue(now=now)


def surveys_below_threshold(surveys: QuerySet[OpinionSurvey]) -> QuerySet[OpinionSurvey]:
    """The latest compound survey of each project still in consultation (the one the design
    gate reads) whose support rate (in favour per returned form) is below its programme's
    threshold."""
    latest = (
        OpinionSurvey.objects.filter(project=OuterRef("project"), scope_kind=ScopeKind.COMPOUND)
        .order_by("-held_on", "-id")
        .values("pk")[:1]
    )
    decimal = DecimalField(max_digits=20, decimal_places=4)
    return (
        surveys.filter(project__stage=Stage.CONSULTATION, pk=Subquery(latest))
        .annotate(
            support_x100=ExpressionWrapper(F("support") * Value(100), output_field=decimal),
            needed=ExpressionWrapper(
                F("project__programme__support_threshold") * F("forms_returned"),
                output_field=decimal,
            ),
        )
        .filter(support_x100__lt=F("needed"))
    )


def disclosures_closing(
    disclosures: QuerySet[Disclosure], *, today: dt.date
) -> QuerySet[Disclosure]:
    """Published disclosures whose window ends within the next few days (today included)."""
    until = today + dt.timedelta(days=disclosure_closing_days())
    return disclosures.filter(published=True, window_ends_on__gte=today, window_ends_on__lte=until)


def now_and_today() -> tuple[dt.datetime, dt.date]:
    return timezone.now(), timezone.localdate()

"""The weekly report and the monthly bulletin of a district (周报告、月通报): what happened in
the period — reports filed, compounds started and completed, progress by street office, site
problems opened, closed and overdue, money received — with the year's plan against progress.
A fixed number of queries whatever the size of the district."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from funding import figures as ff
from funding.models import Kind, Receipt
from programmes import figures as pf
from programmes.models import District, ProgressReport, Project, SiteProblem, Street
from renovation.figures import aggregates, cleaned
from renovation.figures.rounding import money_rows

from .returns import DistrictFigures, district_figures

if TYPE_CHECKING:
    from renovation.models import User


def week_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """Monday to Sunday of the week containing `day`."""
    start = day - dt.timedelta(days=day.weekday())
    return start, start + dt.timedelta(days=6)


def month_of(year: int, month: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, month, 1)
    following = dt.date(year + (month == 12), month % 12 + 1, 1)
    return start, following - dt.timedelta(days=1)


def _moment(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@dataclass
class StreetPeriodRow:
    street: Street
    in_construction: int = 0
    average_progress: Decimal | None = None
    reports: int = 0
    started: int = 0
    completed: int = 0
    problems_opened: int = 0
    problems_closed: int = 0
    problems_open: int = 0
    problems_overdue: int = 0


@dataclass
class PeriodReport:
    district: District
    start: dt.date
    end: dt.date
    reports_filed: int
    reports_returned: int
    projects_reporting: int
    started: int
    started_households: int
    completed: int
    completed_households: int
    problems_opened: int
    problems_closed: int
    problems_open: int
    problems_overdue: int
    received_total: Decimal
    received_by_kind: list[tuple[str, Decimal]]
    streets: list[StreetPeriodRow]
    year: DistrictFigures
    overdue_problems: list[SiteProblem] = field(default_factory=list)

    @property
    def received_shown(self) -> tuple[list[tuple[str, Decimal]], Decimal]:
        """Money received by kind in 万元 as the report shows it, the kinds adding up exactly
        to the total shown (largest remainder), and that total."""
        amounts, total = money_rows([amount for _, amount in self.received_by_kind], "wan")
        labels = [label for label, _ in self.received_by_kind]
        return list(zip(labels, amounts, strict=True)), total


def period_report(*, user: User, district: District, start: dt.date, end: dt.date) -> PeriodReport:
    """Figures of `district` from `start` to `end` (inclusive), within the user's scope."""
    after = _moment(end + dt.timedelta(days=1))
    since = _moment(start)
    now = timezone.now()
    cutoff = min(now, after) - dt.timedelta(hours=settings.RENOVATION_PROBLEM_OVERDUE_HOURS)
    in_district = Q(compound__street__district=district)

    projects = Project.objects.visible_to(user).filter(in_district)
    counted = (pf.IN_CONSTRUCTION, pf.PROGRESS_SUM)
    in_period = (pf.STARTED, pf.STARTED_HOUSEHOLDS, pf.COMPLETED, pf.COMPLETED_HOUSEHOLDS)
    project_rows: dict[int, dict[str, Any]] = {
        row["compound__street"]: {
            **cleaned(counted, row),
            **cleaned(in_period, row),
        }
        for row in projects.order_by()
        .values("compound__street")
        .annotate(
            **aggregates(counted),
            **{f.alias: f.aggregate(within=f.period_q(start, end)) for f in in_period},
        )
    }
    reports = ProgressReport.objects.visible_to(user).filter(
        project__compound__street__district=district, report_date__gte=start, report_date__lte=end
    )
    report_rows: dict[int, Mapping[str, Any]] = {
        row["project__compound__street"]: row
        for row in reports.order_by()
        .values("project__compound__street")
        .annotate(
            n=Count("id"),
            returned=Count("id", filter=Q(status=ProgressReport.Status.RETURNED)),
            projects=Count("project", distinct=True),
        )
    }
    opened = Q(created_at__gte=since, created_at__lt=after)
    closed = Q(closed_at__gte=since, closed_at__lt=after)
    open_at_end = Q(created_at__lt=after) & (Q(closed_at__isnull=True) | Q(closed_at__gte=after))
    problems = SiteProblem.objects.visible_to(user).filter(
        project__compound__street__district=district
    )
    problem_rows: dict[int, Mapping[str, Any]] = {
        row["project__compound__street"]: row
        for row in problems.order_by()
        .values("project__compound__street")
        .annotate(
            opened=Count("id", filter=opened),
            closed=Count("id", filter=closed),
            open=Count("id", filter=open_at_end),
            overdue=Count("id", filter=open_at_end & Q(created_at__lt=cutoff)),
        )
    }
    received_in = ff.RECEIVED.period_q(start, end)
    receipts = (
        Receipt.objects.visible_to(user)
        .filter(received_in, commitment__programme__district=district)
        .order_by()
        .values("commitment__source__kind")
        .annotate(**aggregates((ff.RECEIVED,), within=received_in))
    )
    received: dict[str, Decimal] = {
        row["commitment__source__kind"]: cleaned((ff.RECEIVED,), row)["received"]
        for row in receipts
    }

    streets = []
    for street in Street.objects.visible_to(user).filter(district=district).order_by("name"):
        p = project_rows.get(street.pk, {})
        r = report_rows.get(street.pk, {})
        q = problem_rows.get(street.pk, {})
        streets.append(
            StreetPeriodRow(
                street=street,
                in_construction=p.get("in_construction", 0),
                average_progress=pf.AVERAGE_PROGRESS.value(p) if p else None,
                reports=r.get("n", 0),
                started=p.get("started", 0),
                completed=p.get("completed", 0),
                problems_opened=q.get("opened", 0),
                problems_closed=q.get("closed", 0),
                problems_open=q.get("open", 0),
                problems_overdue=q.get("overdue", 0),
            )
        )

    def total(rows: dict, key: str) -> int:
        return sum(row.get(key) or 0 for row in rows.values())

    overdue = list(
        problems.filter(open_at_end & Q(created_at__lt=cutoff))
        .select_related("project__compound__street")
        .order_by("created_at", "id")[:20]
    )
    return PeriodReport(
        district=district,
        start=start,
        end=end,
        reports_filed=total(report_rows, "n"),
        reports_returned=total(report_rows, "returned"),
        projects_reporting=total(report_rows, "projects"),
        started=total(project_rows, "started"),
        started_households=total(project_rows, "started_households"),
        completed=total(project_rows, "completed"),
        completed_households=total(project_rows, "completed_households"),
        problems_opened=total(problem_rows, "opened"),
        problems_closed=total(problem_rows, "closed"),
        problems_open=total(problem_rows, "open"),
        problems_overdue=total(problem_rows, "overdue"),
        received_total=sum(received.values(), ff.RECEIVED.clean(None)),
        received_by_kind=[
            (str(label), received.get(kind, Decimal(0))) for kind, label in Kind.choices
        ],
        streets=streets,
        year=district_figures(user=user, district=district, year=end.year, as_of=end),
        overdue_problems=overdue,
    )

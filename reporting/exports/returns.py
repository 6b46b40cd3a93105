"""Statutory returns of the national survey of old-compound renovation (城镇老旧小区改造统计),
for one district and year: the annual plan (年度计划), progress (改造进展), effects (改造效果) and
project basic information (项目基本情况), and the monthly progress table (月度进展表).

Rows are the district's street offices, with the district total first, as the 住建 returns are
laid out. A compound counts as started (新开工) when its project entered construction and as
completed (完工) at acceptance; start and completion rates are given by compounds and by
households against the year's plan (the projects of that plan year). Every figure is a grouped
SQL aggregate: a fixed number of queries whatever the size of the district.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext as _

from funding import figures as ff
from funding.models import Expenditure, Receipt
from programmes import figures as pf
from programmes.models import (
    Category,
    District,
    Project,
    Street,
    WorkItem,
    WorkType,
    YearTarget,
)
from programmes.selectors import StatisticsScope, work_effects
from renovation.figures import Figure, aggregates, cleaned
from renovation.figures.rounding import largest_remainder, money_rows, round_half_up
from renovation.xlsx import Column, Table, money, percent_cell, ratio, unit_label

if TYPE_CHECKING:
    from renovation.models import User

TEN_THOUSAND = Decimal(10_000)
# Money columns of the progress tables, each shown with its rows adding up to the total row.
MONEY_COLUMNS = ("budget", "received", "received_in_period", "spent")


def year_end(year: int) -> dt.date:
    return dt.date(year, 12, 31)


def as_of_for(year: int, month: int | None = None) -> dt.date:
    """The day the figures are taken at: the end of the period, or today if that is later."""
    end = year_end(year) if month is None else dt.date(year, month, last_day(year, month))
    return min(end, timezone.localdate())


def last_day(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def plan_projects(*, user: User, district: District, year: int) -> QuerySet[Project]:
    """The year's plan: the district's projects of that plan year that the user may see."""
    return Project.objects.visible_to(user).filter(compound__street__district=district, year=year)


@dataclass
class StreetFigures:
    """One row of the progress tables: a street office, or the district total (street None)."""

    name: str
    street_id: int | None = None
    planned: int = 0
    planned_households: int = 0
    buildings: int = 0
    floor_area: Decimal = Decimal(0)
    built_by_2000: int = 0
    by_category: dict[str, int] = field(default_factory=dict)
    budget: Decimal = Decimal(0)
    started: int = 0
    started_households: int = 0
    started_in_period: int = 0
    started_households_in_period: int = 0
    in_construction: int = 0
    completed: int = 0
    completed_households: int = 0
    completed_in_period: int = 0
    received: Decimal = Decimal(0)
    received_in_period: Decimal = Decimal(0)
    spent: Decimal = Decimal(0)

    ADDABLE = (
        "planned",
        "planned_households",
        "buildings",
        "floor_area",
        "built_by_2000",
        "budget",
        "started",
        "started_households",
        "started_in_period",
        "started_households_in_period",
        "in_construction",
        "completed",
        "completed_households",
        "completed_in_period",
        "received",
        "received_in_period",
        "spent",
    )

    # Rates in percent against the year's plan, by the registry's rule (one decimal, half up).
    @property
    def start_rate(self) -> Decimal | None:
        return pf.PLAN_START_RATE.of(self.started, self.planned)

    @property
    def start_rate_households(self) -> Decimal | None:
        return pf.PLAN_START_RATE_HOUSEHOLDS.of(self.started_households, self.planned_households)

    @property
    def completion_rate(self) -> Decimal | None:
        return pf.PLAN_COMPLETION_RATE.of(self.completed, self.planned)

    @property
    def completion_rate_households(self) -> Decimal | None:
        return pf.PLAN_COMPLETION_RATE_HOUSEHOLDS.of(
            self.completed_households, self.planned_households
        )

    @property
    def received_rate(self) -> Decimal | None:
        return ff.INVESTMENT_RECEIVED_RATE.of(self.received, self.budget)

    def add(self, other: StreetFigures) -> None:
        for name in self.ADDABLE:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for key, value in other.by_category.items():
            self.by_category[key] = self.by_category.get(key, 0) + value


@dataclass
class DistrictFigures:
    district: District
    year: int
    as_of: dt.date
    period_start: dt.date
    total: StreetFigures
    streets: list[StreetFigures]
    target_compounds: int | None
    target_households: int | None

    @property
    def rows(self) -> list[StreetFigures]:
        return [self.total, *self.streets]

    def money_shown(self, unit: str) -> list[dict[str, Decimal]]:
        """The money of `rows` in `unit`: the total converted once, the streets adding up to
        it exactly (largest remainder)."""
        columns = {}
        for name in MONEY_COLUMNS:
            streets, total = money_rows([getattr(row, name) for row in self.streets], unit)
            columns[name] = [total, *streets]
        return [
            {name: columns[name][index] for name in MONEY_COLUMNS}
            for index in range(len(self.rows))
        ]


# The figures dated up to the day of the return, by the name StreetFigures gives them ("in
# period": from the first day of the month or year).
DATED = {
    "started": pf.STARTED,
    "started_households": pf.STARTED_HOUSEHOLDS,
    "started_in_period": pf.STARTED,
    "started_households_in_period": pf.STARTED_HOUSEHOLDS,
    "completed": pf.COMPLETED,
    "completed_households": pf.COMPLETED_HOUSEHOLDS,
    "completed_in_period": pf.COMPLETED,
}
PLAN_COMPOUND = (pf.HOUSEHOLDS, pf.BUILDINGS, pf.FLOOR_AREA, pf.BUILT_BY_2000)
PLAN_PROJECT = (pf.PROJECTS, pf.BUDGET, pf.IN_CONSTRUCTION)


def _to_date(figure: Figure, as_of: dt.date, start: dt.date | None = None) -> Any:
    return figure.aggregate(within=figure.period_q(start, as_of))


def _plan_by_street(
    projects: QuerySet[Project], as_of: dt.date, period_start: dt.date
) -> dict[int, Mapping[str, Any]]:
    """The plan's registry figures per street office (one grouped query)."""
    rows = (
        projects.order_by()
        .values("compound__street")
        .annotate(
            **aggregates(PLAN_PROJECT),
            **aggregates(PLAN_COMPOUND, prefix="compound__"),
            **{
                name: _to_date(figure, as_of, period_start if "in_period" in name else None)
                for name, figure in DATED.items()
            },
            **{
                f"cat_{value}": pf.PROJECTS.aggregate(within=Q(category=value))
                for value in Category.values
            },
        )
    )
    return {row["compound__street"]: row for row in rows}


def _money_by_street(
    user: User, projects: QuerySet[Project], as_of: dt.date, period_start: dt.date
) -> dict[int, dict[str, Decimal]]:
    """Money received and spent for the plan's projects per street office, to date and in the
    period (two grouped queries)."""
    result: dict[int, dict[str, Decimal]] = {}
    for model, figure in ((Receipt, ff.RECEIVED), (Expenditure, ff.SPENT)):
        name = figure.key
        booked = (
            model.objects.visible_to(user)
            .filter(project__in=projects.values("pk"))
            .order_by()
            .values("project__compound__street")
            .annotate(
                **{
                    name: _to_date(figure, as_of),
                    f"{name}_in_period": _to_date(figure, as_of, period_start),
                }
            )
        )
        for line in booked:
            values: Mapping[str, Any] = line
            cash = result.setdefault(line["project__compound__street"], {})
            cash[name] = figure.clean(values[name])
            cash[f"{name}_in_period"] = figure.clean(values[f"{name}_in_period"])
    return result


def _street_figures(
    street: Street, row: Mapping[str, Any], cash: Mapping[str, Decimal]
) -> StreetFigures:
    values = cleaned((*PLAN_PROJECT, *PLAN_COMPOUND), row)
    zero = ff.RECEIVED.clean(None)
    return StreetFigures(
        name=street.name,
        street_id=street.pk,
        planned=values["projects"],
        planned_households=values["households"],
        buildings=values["buildings"],
        floor_area=values["floor_area"],
        built_by_2000=values["built_by_2000"],
        by_category={
            value: pf.PROJECTS.clean(row.get(f"cat_{value}")) for value in Category.values
        },
        budget=values["budget"],
        in_construction=values["in_construction"],
        **{name: figure.clean(row.get(name)) for name, figure in DATED.items()},
        received=cash.get("received", zero),
        received_in_period=cash.get("received_in_period", zero),
        spent=cash.get("spent", zero),
    )


def district_figures(
    *,
    user: User,
    district: District,
    year: int,
    month: int | None = None,
    as_of: dt.date | None = None,
) -> DistrictFigures:
    """The year's plan against progress, by street office, as of the end of the year (or of
    `month`, or `as_of`); "in period" figures are those of `month` (or the whole year). Five
    queries (six with the yearly target)."""
    as_of = min(as_of, as_of_for(year, month)) if as_of else as_of_for(year, month)
    period_start = dt.date(year, month or 1, 1)
    projects = plan_projects(user=user, district=district, year=year)
    by_street = _plan_by_street(projects, as_of, period_start)
    money_by_street = _money_by_street(user, projects, as_of, period_start)
    total = StreetFigures(name=_("Total"))
    result = []
    for street in Street.objects.visible_to(user).filter(district=district).order_by("name"):
        figures = _street_figures(
            street, by_street.get(street.pk, {}), money_by_street.get(street.pk, {})
        )
        total.add(figures)
        result.append(figures)
    target: dict[str, Any] | None = None
    if not user.street_id or user.is_superuser:
        raw = (
            YearTarget.objects.filter(programme__district=district, year=year)
            .filter(programme__in=district.programmes.visible_to(user))
            .aggregate(**aggregates(pf.YEAR_TARGETS))
        )
        # No target row for the year: no target (None), not a target of zero.
        if raw[pf.TARGET_COMPOUNDS.alias] is not None:
            target = cleaned(pf.YEAR_TARGETS, raw)
    return DistrictFigures(
        district=district,
        year=year,
        as_of=as_of,
        period_start=period_start,
        total=total,
        streets=result,
        target_compounds=target["target_compounds"] if target else None,
        target_households=target["target_households"] if target else None,
    )


def _area_wan(figures: DistrictFigures) -> list[Decimal]:
    """Floor area of `rows` in 10,000 m², two places: the total rounded once (half up), the
    streets adding up to it exactly (largest remainder), as money is shown."""
    total = round_half_up(figures.total.floor_area / TEN_THOUSAND, 2)
    streets = largest_remainder(
        [row.floor_area / TEN_THOUSAND for row in figures.streets], 2, total=total
    )
    return [total, *streets]


def annual_plan_table(figures: DistrictFigures, unit: str) -> Table:
    u = unit_label(unit)
    columns = [
        Column(pgettext_lazy("return", "District"), width=10),
        Column(pgettext_lazy("return", "Street office"), width=14),
        Column(pgettext_lazy("return", "Compounds planned"), "int", 10),
        Column(pgettext_lazy("return", "Households"), "int", 10),
        Column(pgettext_lazy("return", "Buildings"), "int", 10),
        Column(pgettext_lazy("return", "Floor area (10,000 m²)"), "decimal", 12),
        Column(pgettext_lazy("return", "Of which built by 2000"), "int", 12),
        Column(pgettext_lazy("return", "Basic"), "int", 8),
        Column(pgettext_lazy("return", "Improvement"), "int", 8),
        Column(pgettext_lazy("return", "Enhancement"), "int", 8),
        Column(pgettext_lazy("return", "Planned investment (%(unit)s)") % {"unit": u}, "money", 14),
        Column(pgettext_lazy("return", "Yearly target (compounds)"), "int", 12),
        Column(pgettext_lazy("return", "Yearly target (households)"), "int", 12),
    ]
    rows = []
    shown = figures.money_shown(unit)
    area = _area_wan(figures)
    for index, row in enumerate(figures.rows):
        rows.append(
            [
                figures.district.name,
                row.name,
                row.planned,
                row.planned_households,
                row.buildings,
                area[index],
                row.built_by_2000,
                row.by_category.get(Category.BASIC, 0),
                row.by_category.get(Category.IMPROVEMENT, 0),
                row.by_category.get(Category.ENHANCEMENT, 0),
                shown[index]["budget"],
                figures.target_compounds if index == 0 else None,
                figures.target_households if index == 0 else None,
            ]
        )
    return Table(_("Annual plan"), columns, rows)


def progress_table(figures: DistrictFigures, unit: str) -> Table:
    u = unit_label(unit)
    columns = [
        Column(pgettext_lazy("return", "District"), width=10),
        Column(pgettext_lazy("return", "Street office"), width=14),
        Column(pgettext_lazy("return", "Compounds planned"), "int", 10),
        Column(pgettext_lazy("return", "Households planned"), "int", 10),
        Column(pgettext_lazy("return", "Compounds started"), "int", 10),
        Column(pgettext_lazy("return", "Households started"), "int", 10),
        Column(pgettext_lazy("return", "Start rate (compounds)"), "percent", 10),
        Column(pgettext_lazy("return", "Start rate (households)"), "percent", 10),
        Column(pgettext_lazy("return", "Under construction"), "int", 10),
        Column(pgettext_lazy("return", "Compounds completed"), "int", 10),
        Column(pgettext_lazy("return", "Households completed"), "int", 10),
        Column(pgettext_lazy("return", "Completion rate (compounds)"), "percent", 10),
        Column(pgettext_lazy("return", "Completion rate (households)"), "percent", 10),
        Column(pgettext_lazy("return", "Planned investment (%(unit)s)") % {"unit": u}, "money", 14),
        Column(pgettext_lazy("return", "Funds received (%(unit)s)") % {"unit": u}, "money", 14),
        Column(pgettext_lazy("return", "Funds received rate"), "percent", 10),
        Column(
            pgettext_lazy("return", "Investment completed (%(unit)s)") % {"unit": u}, "money", 14
        ),
        Column(pgettext_lazy("return", "As of"), "date", 11),
    ]
    shown = figures.money_shown(unit)
    rows = [
        [
            figures.district.name,
            row.name,
            row.planned,
            row.planned_households,
            row.started,
            row.started_households,
            percent_cell(row.start_rate),
            percent_cell(row.start_rate_households),
            row.in_construction,
            row.completed,
            row.completed_households,
            percent_cell(row.completion_rate),
            percent_cell(row.completion_rate_households),
            money_of["budget"],
            money_of["received"],
            percent_cell(row.received_rate),
            money_of["spent"],
            figures.as_of,
        ]
        for row, money_of in zip(figures.rows, shown, strict=True)
    ]
    return Table(_("Progress"), columns, rows)


def effects_table(*, user: User, district: District, year: int, unit: str) -> Table:
    """Work done by type: metres of pipe, elevators, parking spaces, chargers ... planned and
    completed to date (each work item's latest cumulative figure), projects of the plan year."""
    u = unit_label(unit)
    columns = [
        Column(pgettext_lazy("return", "District"), width=10),
        Column(pgettext_lazy("return", "Work type"), width=24),
        Column(pgettext_lazy("return", "Category"), width=8),
        Column(pgettext_lazy("return", "Unit"), width=8),
        Column(pgettext_lazy("return", "Projects"), "int", 8),
        Column(pgettext_lazy("return", "Planned quantity"), "decimal", 14),
        Column(pgettext_lazy("return", "Completed quantity"), "decimal", 14),
        Column(pgettext_lazy("return", "Completion rate"), "percent", 10),
        Column(pgettext_lazy("return", "Investment (%(unit)s)") % {"unit": u}, "money", 14),
    ]
    rows = work_effects(user=user, scope=StatisticsScope(district=district, year=year))
    units = dict(WorkType.Unit.choices)
    categories = dict(Category.choices)
    english = (get_language() or "").startswith("en")  # the work type's name in that language
    table_rows = [
        [
            district.name,
            row["work_type__name_en"] if english else row["work_type__name_zh"],
            str(categories.get(row["work_type__category"], "")),
            str(units.get(row["work_type__unit"], "")),
            row["projects"],
            row["planned_quantity"],
            row["completed_quantity"],
            ratio(row["completed_quantity"], row["planned_quantity"]),
            money(row["budget"], unit),
        ]
        for row in rows
    ]
    return Table(_("Effects"), columns, table_rows)


def project_basics_table(*, user: User, district: District, year: int, unit: str) -> Table:
    u = unit_label(unit)
    as_of = as_of_for(year)
    columns = [
        Column(pgettext_lazy("return", "No."), "int", 6),
        Column(pgettext_lazy("return", "District"), width=10),
        Column(pgettext_lazy("return", "Street office"), width=12),
        Column(pgettext_lazy("return", "Community"), width=12),
        Column(pgettext_lazy("return", "Compound"), width=20),
        Column(pgettext_lazy("return", "Address"), width=24),
        Column(pgettext_lazy("return", "Year built"), "int", 8),
        Column(pgettext_lazy("return", "Buildings"), "int", 8),
        Column(pgettext_lazy("return", "Households"), "int", 9),
        Column(pgettext_lazy("return", "Floor area (m²)"), "decimal", 12),
        Column(pgettext_lazy("return", "Category"), width=8),
        Column(pgettext_lazy("return", "Batch"), width=10),
        Column(pgettext_lazy("return", "Planned start"), "date", 11),
        Column(pgettext_lazy("return", "Planned completion"), "date", 11),
        Column(pgettext_lazy("return", "Started on"), "date", 11),
        Column(pgettext_lazy("return", "Completed on"), "date", 11),
        Column(pgettext_lazy("return", "Stage"), width=10),
        Column(pgettext_lazy("return", "Progress"), "percent", 9),
        Column(pgettext_lazy("return", "Total investment (%(unit)s)") % {"unit": u}, "money", 14),
        Column(pgettext_lazy("return", "Funds received (%(unit)s)") % {"unit": u}, "money", 14),
        Column(pgettext_lazy("return", "Contractor"), width=20),
        Column(pgettext_lazy("return", "Main works"), width=40),
    ]
    projects = (
        plan_projects(user=user, district=district, year=year)
        .select_related("compound__street", "compound__community", "batch")
        .prefetch_related(
            Prefetch(
                "work_items",
                queryset=WorkItem.objects.select_related("work_type").order_by(
                    "work_type__sort_order", "id"
                ),
            )
        )
        .order_by("compound__street__name", "compound__name", "id")
    )
    received = dict(
        Receipt.objects.visible_to(user)
        .filter(project__in=projects.values("pk"), received_on__lte=as_of)
        .values_list("project")
        .annotate(total=Sum("amount"))
        .values_list("project", "total")
        .order_by()
    )
    rows = []
    for number, p in enumerate(projects, start=1):
        c = p.compound
        rows.append(
            [
                number,
                district.name,
                c.street.name,
                c.community.name if c.community else "",
                c.name,
                c.address,
                c.year_built,
                c.building_count,
                c.households,
                c.floor_area,
                p.get_category_display(),
                p.batch.name if p.batch else "",
                p.planned_start,
                p.planned_end,
                p.started_on,
                p.completed_on,
                p.get_stage_display(),
                ratio(p.progress, 100),
                money(p.budget, unit),
                money(received.get(p.pk, Decimal(0)), unit),
                p.contractor,
                "、".join(
                    f"{item.work_type.name} {item.planned_quantity.normalize():f}"
                    f"{item.work_type.get_unit_display()}"
                    for item in p.work_items.all()
                ),
            ]
        )
    return Table(_("Project basic information"), columns, rows)


def annual_return_tables(*, user: User, district: District, year: int, unit: str) -> list[Table]:
    """The four tables of the national survey, one sheet each."""
    figures = district_figures(user=user, district=district, year=year)
    return [
        annual_plan_table(figures, unit),
        progress_table(figures, unit),
        effects_table(user=user, district=district, year=year, unit=unit),
        project_basics_table(user=user, district=district, year=year, unit=unit),
    ]


def monthly_progress_table(
    *, user: User, district: District, year: int, month: int, unit: str
) -> Table:
    """The monthly progress table: new and cumulative starts and completions with start rates
    by compounds and by households, funds received in the month and to date."""
    figures = district_figures(user=user, district=district, year=year, month=month)
    u = unit_label(unit)
    columns = [
        Column(pgettext_lazy("return", "District"), width=10),
        Column(pgettext_lazy("return", "Street office"), width=14),
        Column(pgettext_lazy("return", "Compounds planned"), "int", 10),
        Column(pgettext_lazy("return", "Households planned"), "int", 10),
        Column(pgettext_lazy("return", "Started this month (compounds)"), "int", 12),
        Column(pgettext_lazy("return", "Started this month (households)"), "int", 12),
        Column(pgettext_lazy("return", "Started to date (compounds)"), "int", 12),
        Column(pgettext_lazy("return", "Started to date (households)"), "int", 12),
        Column(pgettext_lazy("return", "Start rate (compounds)"), "percent", 10),
        Column(pgettext_lazy("return", "Start rate (households)"), "percent", 10),
        Column(pgettext_lazy("return", "Completed this month (compounds)"), "int", 12),
        Column(pgettext_lazy("return", "Completed to date (compounds)"), "int", 12),
        Column(pgettext_lazy("return", "Completed to date (households)"), "int", 12),
        Column(pgettext_lazy("return", "Completion rate (compounds)"), "percent", 10),
        Column(
            pgettext_lazy("return", "Funds received this month (%(unit)s)") % {"unit": u},
            "money",
            14,
        ),
        Column(
            pgettext_lazy("return", "Funds received to date (%(unit)s)") % {"unit": u}, "money", 14
        ),
        Column(
            pgettext_lazy("return", "Investment completed (%(unit)s)") % {"unit": u}, "money", 14
        ),
    ]
    shown = figures.money_shown(unit)
    rows = [
        [
            district.name,
            row.name,
            row.planned,
            row.planned_households,
            row.started_in_period,
            row.started_households_in_period,
            row.started,
            row.started_households,
            percent_cell(row.start_rate),
            percent_cell(row.start_rate_households),
            row.completed_in_period,
            row.completed,
            row.completed_households,
            percent_cell(row.completion_rate),
            money_of["received_in_period"],
            money_of["received"],
            money_of["spent"],
        ]
        for row, money_of in zip(figures.rows, shown, strict=True)
    ]
    title = _("Monthly progress %(year)s-%(month)02d") % {"year": year, "month": month}
    return Table(title, columns, rows)

"""The projects sheet of the ledger, with each project's money planned, received and spent
(four grouped queries) and a total row."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from funding import figures as ff
from funding.models import Allocation, Commitment, Expenditure, Receipt
from renovation.figures import Figure, Source
from renovation.xlsx import Column, Table, ratio, unit_label

from ..scope import LedgerScope
from .common import CHUNK, MEASURES_OF_PROJECT, MoneyColumns, sheet_titles

if TYPE_CHECKING:
    from renovation.models import User


def _by_project(queryset, figure: Figure, source: Source | None = None) -> dict[int, Decimal]:
    rows = (
        queryset.filter(project__isnull=False)
        .values("project")
        .annotate(**{figure.alias: figure.aggregate(source=source)})
        .order_by()
    )
    return {row["project"]: figure.clean(row[figure.alias]) for row in rows}


def project_money(*, user: User, scope: LedgerScope) -> dict[str, dict[int, Decimal]]:
    """Planned (own commitments plus allocations), received and spent per project in scope:
    four grouped queries. Only what the user may see of each (a street officer sees money
    booked for its street's projects)."""
    in_scope = scope.projects(user).values("pk")
    planned = _by_project(
        Commitment.objects.visible_to(user).filter(project__in=in_scope), ff.PLANNED
    )
    for project_id, total in _by_project(
        Allocation.objects.visible_to(user).filter(project__in=in_scope),
        ff.PLANNED,
        source=ff.COMMITTED[2],
    ).items():
        planned[project_id] = planned.get(project_id, Decimal(0)) + total
    return {
        "planned": planned,
        "received": _by_project(
            Receipt.objects.visible_to(user).filter(project__in=in_scope), ff.RECEIVED
        ),
        "spent": _by_project(
            Expenditure.objects.visible_to(user).filter(project__in=in_scope), ff.SPENT
        ),
    }


def projects_table(*, user: User, scope: LedgerScope, unit: str) -> Table:
    u = unit_label(unit)
    columns = [
        Column(pgettext_lazy("ledger", "District"), width=10),
        Column(pgettext_lazy("ledger", "Street office"), width=12),
        Column(pgettext_lazy("ledger", "Compound"), width=20),
        Column(pgettext_lazy("ledger", "Registry code"), width=14),
        Column(pgettext_lazy("ledger", "Project"), width=24),
        Column(pgettext_lazy("ledger", "Programme"), width=24),
        Column(pgettext_lazy("ledger", "Batch"), width=10),
        Column(pgettext_lazy("ledger", "Plan year"), "int", 8),
        Column(pgettext_lazy("ledger", "Category"), width=8),
        Column(pgettext_lazy("ledger", "Stage"), width=10),
        Column(pgettext_lazy("ledger", "Planned start"), "date", 11),
        Column(pgettext_lazy("ledger", "Planned completion"), "date", 11),
        Column(pgettext_lazy("ledger", "Started on"), "date", 11),
        Column(pgettext_lazy("ledger", "Completed on"), "date", 11),
        Column(pgettext_lazy("ledger", "Contractor"), width=20),
        Column(pgettext_lazy("ledger", "Households"), "int", 9),
        Column(pgettext_lazy("ledger", "Budget (%(unit)s)") % {"unit": u}, "money", 14),
        Column(pgettext_lazy("ledger", "Funds planned (%(unit)s)") % {"unit": u}, "money", 14),
        Column(pgettext_lazy("ledger", "Funds received (%(unit)s)") % {"unit": u}, "money", 14),
        Column(pgettext_lazy("ledger", "Funds spent (%(unit)s)") % {"unit": u}, "money", 14),
        Column(pgettext_lazy("ledger", "Progress"), "percent", 9),
        Column(pgettext_lazy("ledger", "Last progress report"), "date", 11),
    ]

    def rows() -> Iterator[list]:
        figures = project_money(user=user, scope=scope)
        projects = (
            scope.projects(user)
            .select_related("compound__street__district", "programme", "batch")
            .order_by(
                "compound__street__district_id", "compound__street_id", "compound__name", "id"
            )
        )
        columns = MoneyColumns(unit, ("budget", "planned", "received", "spent"))

        def amounts(pk: int, budget: Decimal) -> dict[str, Decimal]:
            return {
                "budget": budget,
                **{name: figures[name].get(pk, Decimal(0)) for name in MEASURES_OF_PROJECT},
            }

        if columns.needs_first_pass:
            for pk, budget in projects.values_list("pk", "budget").iterator(chunk_size=CHUNK):
                columns.count(amounts(pk, budget))
        for p in projects.iterator(chunk_size=CHUNK):
            c = p.compound
            shown = columns.shown(amounts(p.pk, p.budget))
            yield [
                c.street.district.name,
                c.street.name,
                c.name,
                c.code or "",
                str(p),
                p.programme.name,
                p.batch.name if p.batch else "",
                p.year,
                p.get_category_display(),
                p.get_stage_display(),
                p.planned_start,
                p.planned_end,
                p.started_on,
                p.completed_on,
                p.contractor,
                c.households,
                shown["budget"],
                shown["planned"],
                shown["received"],
                shown["spent"],
                ratio(p.progress, 100),
                p.last_report_on,
            ]
        total = columns.total()
        yield [_("Total"), *[""] * 15, *total.values(), None, None]

    return Table(sheet_titles()["projects"], columns, rows())

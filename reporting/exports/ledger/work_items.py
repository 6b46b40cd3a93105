"""The work items sheet of the ledger: one row per work item of the projects in scope."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.utils.translation import pgettext_lazy

from renovation.xlsx import Column, Table, money, percent_cell, unit_label

from ..scope import LedgerScope
from .common import CHUNK, sheet_titles

if TYPE_CHECKING:
    from renovation.models import User


def work_items_table(*, user: User, scope: LedgerScope, unit: str) -> Table:
    u = unit_label(unit)
    columns = [
        Column(pgettext_lazy("ledger", "District"), width=10),
        Column(pgettext_lazy("ledger", "Street office"), width=12),
        Column(pgettext_lazy("ledger", "Compound"), width=20),
        Column(pgettext_lazy("ledger", "Plan year"), "int", 8),
        Column(pgettext_lazy("ledger", "Work type"), width=20),
        Column(pgettext_lazy("ledger", "Category"), width=8),
        Column(pgettext_lazy("ledger", "Unit"), width=8),
        Column(pgettext_lazy("ledger", "Description"), width=24),
        Column(pgettext_lazy("ledger", "Planned quantity"), "decimal", 12),
        Column(pgettext_lazy("ledger", "Completed to date"), "decimal", 12),
        Column(pgettext_lazy("ledger", "Completion"), "percent", 9),
        Column(pgettext_lazy("ledger", "Budget (%(unit)s)") % {"unit": u}, "money", 14),
    ]

    def rows() -> Iterator[list]:
        items = (
            scope.work_items(user)
            .select_related("project__compound__street__district", "work_type")
            .order_by(
                "project__compound__street__district_id",
                "project__compound__street_id",
                "project__compound__name",
                "project_id",
                "work_type__sort_order",
                "id",
            )
        )
        for item in items.iterator(chunk_size=CHUNK):
            p = item.project
            c = p.compound
            completion = percent_cell(item.completion_percent) if item.planned_quantity else None
            yield [
                c.street.district.name,
                c.street.name,
                c.name,
                p.year,
                item.work_type.name,
                item.work_type.get_category_display(),
                item.work_type.get_unit_display(),
                item.description,
                item.planned_quantity,
                item.completed_quantity,
                completion,
                money(item.budget, unit),
            ]

    return Table(sheet_titles()["work_items"], columns, rows())

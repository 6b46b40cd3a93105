"""The compounds sheet of the ledger: one row per compound in scope, with its current project."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.utils.translation import pgettext_lazy

from renovation.xlsx import Column, Table, ratio

from ..scope import LedgerScope
from .common import CHUNK, sheet_titles

if TYPE_CHECKING:
    from renovation.models import User


def compounds_table(*, user: User, scope: LedgerScope, unit: str) -> Table:
    columns = [
        Column(pgettext_lazy("ledger", "Registry code"), width=14),
        Column(pgettext_lazy("ledger", "District"), width=10),
        Column(pgettext_lazy("ledger", "Street office"), width=12),
        Column(pgettext_lazy("ledger", "Community"), width=12),
        Column(pgettext_lazy("ledger", "Area"), width=12),
        Column(pgettext_lazy("ledger", "Compound"), width=20),
        Column(pgettext_lazy("ledger", "Address"), width=24),
        Column(pgettext_lazy("ledger", "Year built"), "int", 8),
        Column(pgettext_lazy("ledger", "Buildings"), "int", 8),
        Column(pgettext_lazy("ledger", "Households"), "int", 9),
        Column(pgettext_lazy("ledger", "Residents"), "int", 9),
        Column(pgettext_lazy("ledger", "Floor area (m²)"), "decimal", 13),
        Column(pgettext_lazy("ledger", "Survey status"), width=12),
        Column(pgettext_lazy("ledger", "Problems found"), width=24),
        Column(pgettext_lazy("ledger", "Plan year"), "int", 8),
        Column(pgettext_lazy("ledger", "Stage"), width=10),
        Column(pgettext_lazy("ledger", "Progress"), "percent", 9),
    ]

    def rows() -> Iterator[list]:
        compounds = (
            scope.compounds(user)
            .select_related("street__district", "community", "area", "current_project")
            .order_by("street__district_id", "street_id", "name", "id")
        )
        for c in compounds.iterator(chunk_size=CHUNK):
            p = c.current_project
            yield [
                c.code or "",
                c.street.district.name,
                c.street.name,
                c.community.name if c.community else "",
                c.area.name if c.area else "",
                c.name,
                c.address,
                c.year_built,
                c.building_count,
                c.households,
                c.residents,
                c.floor_area,
                c.get_survey_status_display(),
                "、".join(c.problem_flag_labels),
                p.year if p else None,
                p.get_stage_display() if p else "",
                ratio(p.progress, 100) if p else None,
            ]

    return Table(sheet_titles()["compounds"], columns, rows())

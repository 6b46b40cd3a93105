"""The whole ledger: every sheet's builder in order, and the counts that decide how an export
runs."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from renovation.xlsx import Table

from ..scope import LedgerScope
from .compounds import compounds_table
from .funding import funding_table
from .governance import governance_table, members_table
from .projects import projects_table
from .work_items import work_items_table

if TYPE_CHECKING:
    from renovation.models import User


BUILDERS: dict[str, Callable[..., Table]] = {
    "compounds": compounds_table,
    "projects": projects_table,
    "work_items": work_items_table,
    "funding": funding_table,
    "governance": governance_table,
    "members": members_table,
}


def ledger_tables(*, user: User, scope: LedgerScope, unit: str) -> list[Table]:
    """All sheets of the ledger; rows are read lazily, sheet by sheet, as they are written."""
    return [build(user=user, scope=scope, unit=unit) for build in BUILDERS.values()]


def ledger_size(*, user: User, scope: LedgerScope) -> int:
    """Compounds in scope: what decides whether an export runs at once or as a job."""
    return scope.compounds(user).count()


def ledger_row_estimate(*, user: User, scope: LedgerScope) -> int:
    """Rows the ledger will have, roughly (for a job's progress bar): three counts."""
    return (
        scope.compounds(user).count() * 2
        + scope.projects(user).count() * 2
        + scope.work_items(user).count()
    )

"""The funding sheet of the ledger: one row per line of money (a project-level commitment, an
allocation, or an unassigned pool), ending with a total row."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from funding import figures as ff
from funding.models import Allocation, Commitment, Kind, SubType
from renovation.figures import Figure
from renovation.xlsx import Column, Table, unit_label

from ..scope import LedgerScope
from .common import CHUNK, MoneyColumns, sheet_titles

if TYPE_CHECKING:
    from renovation.models import User


def _line_totals(figure: Figure, user: User, lines: Q) -> dict[tuple[int, int | None], Decimal]:
    """Received or spent per (commitment, project) line (one grouped query)."""
    rows = (
        figure.sources[0]
        .model_class()
        ._default_manager.visible_to(user)  # type: ignore[attr-defined]
        .filter(lines)
        .values("commitment", "project")
        .annotate(**{figure.alias: figure.aggregate()})
        .order_by()
    )
    return {(r["commitment"], r["project"]): figure.clean(r[figure.alias]) for r in rows}


# The commitment's columns of a funding line, and the place of its project.
LINE_FIELDS = (
    "pk",
    "programme__name",
    "source__kind",
    "source__sub_type",
    "source__funder",
    "year",
    "status",
    "reference",
)
LINE_PLACE = (
    "project__compound__street__district__name",
    "project__compound__street__name",
    "project__compound__name",
    "project__year",
)
Line = tuple[dict, int | None, list, str, Decimal]


def _pool_q(scope: LedgerScope, prefix: str = "commitment__") -> Q:
    """Programme-level money of the scope not booked for a project (the unassigned pool)."""
    q = Q()
    if scope.district is not None:
        q &= Q(**{f"{prefix}programme__district": scope.district.pk})
    if scope.programme is not None:
        q &= Q(**{f"{prefix}programme": scope.programme.pk})
    return q


def _funding_lines(
    *, user: User, scope: LedgerScope, in_scope: QuerySet, with_pool: bool
) -> Iterator[Line]:
    """(commitment, project, place, line, planned) of every line, in sheet order: the
    project-level commitments, the allocations, then (with_pool) the unassigned pools."""
    own = (
        Commitment.objects.visible_to(user)
        .filter(project__in=in_scope)
        .order_by("programme_id", "project__compound__street_id", "project_id", "id")
        .values(*LINE_FIELDS, *LINE_PLACE, "project", "amount")
    )
    for c in own.iterator(chunk_size=CHUNK):
        yield c, c["project"], [c[f] for f in LINE_PLACE], _("Project"), c["amount"]
    prefixed = [f"commitment__{f}" if f != "pk" else "commitment" for f in LINE_FIELDS]
    allocations = (
        Allocation.objects.visible_to(user)
        .filter(project__in=in_scope)
        .order_by("commitment__programme_id", "project__compound__street_id", "project_id", "id")
        .values(*prefixed, *LINE_PLACE, "project", "amount")
    )
    for a in allocations.iterator(chunk_size=CHUNK):
        c = {f: a[p] for f, p in zip(LINE_FIELDS, prefixed, strict=True)}
        yield c, a["project"], [a[f] for f in LINE_PLACE], _("Allocation"), a["amount"]
    if not with_pool:
        return
    allocated = (
        Allocation.objects.filter(commitment=OuterRef("pk"))
        .values("commitment")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    pools = (
        Commitment.objects.visible_to(user)
        .filter(_pool_q(scope, prefix=""), project__isnull=True)
        .annotate(allocated=Coalesce(Subquery(allocated), Decimal(0)))
        .annotate(unassigned=F("amount") - F("allocated"))
        .order_by("programme_id", "id")
        .values(*LINE_FIELDS, "programme__district__name", "unassigned")
    )
    for c in pools.iterator(chunk_size=CHUNK):
        place_row = [c["programme__district__name"], "", "", None]
        yield c, None, place_row, _("Unassigned pool"), c["unassigned"]


def _line_cells(commitment: dict, place_row: list, line: str) -> list:
    return [
        *place_row,
        commitment["programme__name"],
        line,
        str(Kind(commitment["source__kind"]).label),
        str(SubType(commitment["source__sub_type"]).label),
        commitment["source__funder"],
        commitment["year"],
        str(Commitment.Status(commitment["status"]).label),
        commitment["reference"],
    ]


def funding_table(*, user: User, scope: LedgerScope, unit: str) -> Table:
    """One row per line of money: a project-level commitment, the allocation of a
    programme-level commitment to a project, or (for district-level readers and scopes without
    a street, area or year) the unassigned pool of a programme-level commitment. Each yuan
    appears once, so the sheet's totals equal the funding-mix report of the same scope."""
    u = unit_label(unit)
    columns = [
        Column(pgettext_lazy("ledger", "District"), width=10),
        Column(pgettext_lazy("ledger", "Street office"), width=12),
        Column(pgettext_lazy("ledger", "Compound"), width=20),
        Column(pgettext_lazy("ledger", "Plan year"), "int", 8),
        Column(pgettext_lazy("ledger", "Programme"), width=24),
        Column(pgettext_lazy("ledger", "Line"), width=14),
        Column(pgettext_lazy("ledger", "Funding kind"), width=8),
        Column(pgettext_lazy("ledger", "Sub-type"), width=14),
        Column(pgettext_lazy("ledger", "Funder"), width=20),
        Column(pgettext_lazy("ledger", "Budget year"), "int", 8),
        Column(pgettext_lazy("ledger", "Status"), width=10),
        Column(pgettext_lazy("ledger", "Document reference"), width=18),
        Column(pgettext_lazy("ledger", "Planned (%(unit)s)") % {"unit": u}, "money", 14),
        Column(pgettext_lazy("ledger", "Received (%(unit)s)") % {"unit": u}, "money", 14),
        Column(pgettext_lazy("ledger", "Spent (%(unit)s)") % {"unit": u}, "money", 14),
    ]
    street_user = bool(user.street_id) and not user.is_superuser
    with_pool = not (street_user or scope.below_district or scope.year is not None)

    def rows() -> Iterator[list]:
        in_scope = scope.projects(user).values("pk")
        lines = Q(project__in=in_scope)
        if with_pool:
            lines |= Q(project__isnull=True, commitment__project__isnull=True) & _pool_q(scope)
        received = _line_totals(ff.RECEIVED, user, lines)
        spent = _line_totals(ff.SPENT, user, lines)

        def amounts(commitment: dict, project: int | None, planned: Decimal) -> dict[str, Decimal]:
            key = (commitment["pk"], project)
            return {
                "planned": ff.PLANNED.clean(planned),
                "received": received.get(key, Decimal(0)),
                "spent": spent.get(key, Decimal(0)),
            }

        def lines_of() -> Iterator[Line]:
            return _funding_lines(user=user, scope=scope, in_scope=in_scope, with_pool=with_pool)

        money_columns = MoneyColumns(unit, ("planned", "received", "spent"))
        if money_columns.needs_first_pass:
            for commitment, project, _place, _line, planned in lines_of():
                money_columns.count(amounts(commitment, project, planned))
        for commitment, project, place_row, line, planned in lines_of():
            shown = money_columns.shown(amounts(commitment, project, planned))
            yield [*_line_cells(commitment, place_row, line), *shown.values()]
        yield [_("Total"), *[""] * 11, *money_columns.total().values()]

    return Table(sheet_titles()["funding"], columns, rows())

"""The catalogue of figures: every figure of the registry, for any scope.

Importing this module registers every figure (programmes, funding and governance define their
own, renovation.figures holds the mechanism). `figures_for` computes all of them for one scope
straight from the registry's definitions: for each source that serves the scope's kind, one
aggregate query holding every figure read from that source, then the derived rates. It is the
reference the readers are tested against (tests/rollups/test_figure_equality.py): live
selectors, snapshots, API statistics, statutory returns, periodic reports, the ledger's totals
and the benchmark's bare SQL each compute the same figures their own way (grouped, scoped to a
user, over a period) from the same aggregates, and must give the same values.

Scopes are those of the snapshots (renovation.models.ScopeKind): street, area, district,
programme, city, province and all. With `year`, figures dated by an event (started, completed,
received, a target's year, a commitment's budget year) count only that year's rows; the others
count what is there now.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import F, Q

from funding import figures as funding_figures
from governance import figures as governance_figures
from programmes import figures as programme_figures
from renovation.figures import (
    Derived,
    Figure,
    Moment,
    Share,
    Source,
    aggregates,
    cleaned,
    registered,
)

MODULES = (programme_figures, funding_figures, governance_figures)

Value = int | Decimal | None


@dataclass(frozen=True)
class FigureScope:
    kind: str
    pk: int = 0
    year: int | None = None

    def period(self) -> tuple[dt.date | None, dt.date | None]:
        if self.year is None:
            return None, None
        return dt.date(self.year, 1, 1), dt.date(self.year, 12, 31)


def base_figures() -> list[Figure]:
    return [f for f in registered() if isinstance(f, Figure)]


def derived_figures() -> list[Derived]:
    return [f for f in registered() if isinstance(f, Derived)]


def share_figures() -> list[Share]:
    return [f for f in registered() if isinstance(f, Share)]


def _by_source(figures: Iterable[Figure], kind: str) -> list[tuple[Source, list[Figure]]]:
    """Figures grouped by the source that serves `kind` (a source object shared by figures
    is read once)."""
    groups: dict[int, tuple[Source, list[Figure]]] = {}
    for figure in figures:
        for source in figure.sources_for(kind):
            groups.setdefault(id(source), (source, []))[1].append(figure)
    return list(groups.values())


def _aggregates(
    figures: list[Figure], source: Source, scope: FigureScope, moment: Moment
) -> dict[str, Any]:
    start, end = scope.period()
    return {
        figure.alias: figure.aggregate(
            source=source,
            within=figure.period_q(start, end, prefix=source.prefix) if start else None,
            moment=moment,
        )
        for figure in figures
    }


def figures_for(
    scope: FigureScope,
    *,
    figures: Iterable[Figure] | None = None,
    moment: Moment | None = None,
) -> dict[str, Value]:
    """Every figure (or those given) of `scope`, with the derived ones: one query per source."""
    moment = moment or Moment.current()
    chosen = list(figures) if figures is not None else base_figures()
    totals: dict[str, Any] = {}
    for source, group in _by_source(chosen, scope.kind):
        rows = source.queryset().filter(source.scope_q(scope.kind, scope.pk))
        result = rows.aggregate(**_aggregates(group, source, scope, moment))
        for figure in group:
            raw = result[figure.alias]
            if raw is not None or not figure.none_when_empty:
                totals[figure.key] = totals.get(figure.key, 0) + figure.clean(raw)
    values: dict[str, Value] = {
        f.key: None if f.none_when_empty and f.key not in totals else f.clean(totals.get(f.key))
        for f in chosen
    }
    return with_derived(values)


def figures_by(
    scope: FigureScope,
    breakdown: str,
    *,
    figures: Iterable[Figure] | None = None,
    moment: Moment | None = None,
) -> dict[Any, dict[str, Value]]:
    """The figures of `scope` broken down by `breakdown` ("stage", "kind", "sub_type",
    "work_type", "rule", "category"), from the sources that name that breakdown."""
    moment = moment or Moment.current()
    chosen = list(figures) if figures is not None else base_figures()
    result: dict[Any, dict[str, Any]] = defaultdict(dict)
    used: set[str] = set()
    for source, group in _by_source(chosen, scope.kind):
        if breakdown not in source.breakdowns:
            continue
        rows = (
            source.queryset()
            .filter(source.scope_q(scope.kind, scope.pk))
            .values(_group=F(source.breakdowns[breakdown]))
            .annotate(**_aggregates(group, source, scope, moment))
            .order_by()
        )
        for row in rows:
            slot = result[row["_group"]]
            for figure in group:
                used.add(figure.key)
                slot[figure.key] = slot.get(figure.key, 0) + figure.clean(row[figure.alias])
    by_key = {f.key: f for f in chosen}
    return {
        group: with_derived({key: by_key[key].clean(values.get(key)) for key in used})
        for group, values in result.items()
    }


def plan_figures(kind: str, pk: int, year: int, as_of: dt.date) -> dict[str, Value]:
    """The figures of a year's plan, as the statutory returns count them: the projects of plan
    year `year` in the scope (a district or a street), their compounds, what they started and
    completed and the money received and spent for them, up to `as_of`."""
    source = programme_figures.PROJECTS.sources[0]
    projects = source.queryset().filter(source.scope_q(kind, pk), year=year)
    by_project = (
        programme_figures.PROJECTS,
        programme_figures.BUDGET,
        programme_figures.IN_CONSTRUCTION,
        *programme_figures.YEAR_COUNTS,
    )
    by_compound = (
        programme_figures.HOUSEHOLDS,
        programme_figures.BUILDINGS,
        programme_figures.FLOOR_AREA,
        programme_figures.BUILT_BY_2000,
    )
    row = projects.aggregate(
        **{f.alias: f.aggregate(within=f.period_q(None, as_of)) for f in by_project},
        **aggregates(by_compound, prefix="compound__"),
    )
    values: dict[str, Value] = cleaned((*by_project, *by_compound), row)
    for figure in (funding_figures.RECEIVED, funding_figures.SPENT):
        lines = figure.sources[-1].queryset().filter(project__in=projects.values("pk"))
        total = lines.aggregate(
            **{figure.alias: figure.aggregate(within=figure.period_q(None, as_of))}
        )
        values[figure.key] = figure.clean(total[figure.alias])
    return with_derived(values)


def with_derived(values: dict[str, Value]) -> dict[str, Value]:
    """The values with every derived figure whose parts are among them."""
    result = dict(values)
    for derived in derived_figures():
        if all(part in values for part in derived.parts):
            result[derived.key] = derived.value(values)
    return result


def scope_q(figure: Figure, kind: str, pk: int) -> Q:
    """The rows of one scope in the figure's first source serving `kind` (for readers that
    filter rather than group)."""
    return figure.sources_for(kind)[0].scope_q(kind, pk)

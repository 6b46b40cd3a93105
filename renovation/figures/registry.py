"""The registry of figures: each figure the platform shows is defined here once.

A **figure** (`Figure`) is an SQL aggregate over the rows of one model: its key, translated
label and unit; the aggregate function (`Count`, `Sum`) with the field and the condition on the
rows that count; the date that places a row in a period (`dated_by`: a compound is started in
the year of its project's `started_on`); and its **sources**: the models whose rows it can be
read from, with the path from each to every kind of scope (street, area, district, programme,
city, province, all). A **derived** figure (`Derived`) is computed from figures: a rate a/b or
an average, rounded by the one rule of `rounding.rate`.

Readers never restate an aggregate: they ask a figure for it (`STARTED.aggregate()`, grouped and
filtered as the reader needs) and derive rates with `Derived.value`. The live selectors, the
snapshots, the API, the exports and the benchmark's bare SQL (which compiles these same
expressions with Django's SQL compiler) therefore agree by construction.

The mechanism lives in the core so that every layer can use it; each layer defines the figures
of the data it owns (`programmes/figures.py`, `funding/figures.py`, `governance/figures.py`),
registered when the module is imported; `reporting/figures.py` imports them all and computes
every figure for a scope.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Union

from django.apps import apps
from django.db import models
from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.expressions import Combinable, Expression
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from . import rounding

Label = Union[str, Promise]  # noqa: UP007 - a lazy translation or a plain string


class Unit(models.TextChoices):
    """What a figure counts or measures."""

    COUNT = "count", _("count")
    HOUSEHOLDS = "households", _("households")
    PEOPLE = "people", _("people")
    YUAN = "yuan", _("yuan")
    PERCENT = "percent", _("percent")
    SQUARE_METRES = "m2", _("m²")
    QUANTITY = "quantity", _("quantity in the work type's unit")


@dataclass(frozen=True)
class Moment:
    """When figures are taken: some conditions depend on it (a report overdue today, a problem
    open for more than a day now)."""

    today: dt.date
    now: dt.datetime

    @classmethod
    def current(cls) -> Moment:
        return cls(today=timezone.localdate(), now=timezone.now())


Condition = Q | Callable[[Moment], Q] | None


def prefixed(value: Any, prefix: str) -> Any:
    """A lookup, an F(), an expression or a Q seen from another model: every field path gets
    `prefix` ("compound__" to read a compound's field from its project)."""
    if not prefix:
        return value
    if isinstance(value, str):
        return prefix + value
    if isinstance(value, Q):
        q = Q()
        q.connector, q.negated = value.connector, value.negated
        # A child is a (lookup, value) pair, whose value is prefixed only if it reads a field
        # (an F() or an expression): a plain string is a value ("construction"), not a path.
        q.children = [
            (prefixed(c[0], prefix), c[1] if isinstance(c[1], str) else prefixed(c[1], prefix))
            if isinstance(c, tuple)
            else prefixed(c, prefix)
            for c in value.children
        ]
        return q
    if isinstance(value, F):
        return F(prefix + value.name)  # type: ignore[attr-defined]  # set in F.__init__
    if isinstance(value, Expression):
        copy = value.copy()
        copy.set_source_expressions([prefixed(e, prefix) for e in copy.get_source_expressions()])
        return copy
    return value


ScopePath = str | Callable[[int], Q] | None


@dataclass(frozen=True)
class Source:
    """Rows a figure can be read from.

    `model` is "app_label.Model"; `prefix` leads from its rows to the figure's own model
    (empty when they are the same), except for the fields named in `fields`, which the source
    holds itself (an allocation's own amount, not its commitment's); `paths` gives, for each
    kind of scope the source serves, the lookup from a row to the scope's id (None: every row
    counts, as for "all"; a function of the id for a rule no lookup states); `rows` restricts
    which rows count at all (e.g. only the latest survey of each project); `breakdowns` names
    the lookups a reader may group the figure by ("stage", "kind", ...)."""

    model: str
    paths: Mapping[str, ScopePath]
    prefix: str = ""
    fields: Mapping[str, str] = field(default_factory=dict)
    rows: Q | None = None
    breakdowns: Mapping[str, str] = field(default_factory=dict)

    def model_class(self) -> type[models.Model]:
        return apps.get_model(self.model)

    def queryset(self) -> QuerySet:
        objects = self.model_class()._default_manager.all()
        return objects if self.rows is None else objects.filter(self.rows)

    def scope_q(self, kind: str, pk: int) -> Q:
        """The rows of one scope (KeyError for a kind the source does not serve)."""
        path = self.paths[kind]
        if path is None:
            return Q()
        if callable(path):
            return path(pk)
        return Q(**{path: pk})


@dataclass(frozen=True)
class Figure:
    """One aggregate figure (see the module docstring)."""

    key: str
    label: Label
    unit: Unit
    model: str
    function: type[Count] | type[Sum] = Count
    field: str | Combinable = "pk"
    condition: Condition = None
    dated_by: str | None = None
    # True when `dated_by` holds a year (a target's plan year), not a date.
    yearly: bool = False
    # True when no rows means "none" rather than zero (no target set is not a target of 0).
    none_when_empty: bool = False
    distinct: bool = False
    sources: tuple[Source, ...] = ()
    description: Label = ""

    @property
    def alias(self) -> str:
        """The name of the aggregate in a query (a key like "budget" would clash with the field
        it sums)."""
        return f"v_{self.key}"

    def condition_q(self, *, prefix: str = "", moment: Moment | None = None) -> Q:
        """The rows that count, as a filter (seen through `prefix`)."""
        condition = self.condition
        if callable(condition):
            condition = condition(moment or Moment.current())
        return prefixed(condition, prefix) if condition is not None else Q()

    def period_q(
        self, start: dt.date | None = None, end: dt.date | None = None, *, prefix: str = ""
    ) -> Q:
        """Rows dated within [start, end] (either end open); every row if not dated. A yearly
        figure counts the years from the start's to the end's."""
        q = Q()
        if self.dated_by is None:
            return q
        lookup = prefix + self.dated_by
        if start is not None:
            q &= Q(**{f"{lookup}__gte": start.year if self.yearly else start})
        if end is not None:
            q &= Q(**{f"{lookup}__lte": end.year if self.yearly else end})
        return q

    def in_year(self, year: int, *, prefix: str = "") -> Q:
        """Rows dated in `year`."""
        return self.period_q(dt.date(year, 1, 1), dt.date(year, 12, 31), prefix=prefix)

    @property
    def date_field(self) -> str:
        """The field that dates the figure's rows (ValueError if it is not dated)."""
        if self.dated_by is None:
            raise ValueError(f"The figure {self.key!r} is not dated")
        return self.dated_by

    def year_lookup(self, prefix: str = "") -> str:
        """What to group by for figures per year ("started_on__year", a target's "year")."""
        return prefix + (self.date_field if self.yearly else f"{self.date_field}__year")

    def aggregate(
        self,
        *,
        prefix: str = "",
        within: Q | None = None,
        moment: Moment | None = None,
        source: Source | None = None,
    ) -> Count | Sum:
        """The figure's SQL aggregate over rows reached through `prefix` (or read from
        `source`), restricted further by `within` (a period, a scope) when given."""
        if source is not None:
            prefix = source.prefix
        condition = self.condition_q(prefix=prefix, moment=moment)
        if within is not None:
            condition &= within
        kwargs: dict[str, Any] = {"filter": condition} if condition else {}
        if self.distinct:
            kwargs["distinct"] = True
        own = source.fields.get(self.field) if source and isinstance(self.field, str) else None
        target = own if own is not None else prefixed(self.field, prefix)
        if self.function is Count:
            return Count(target, **kwargs)
        output: models.Field
        if self.unit == Unit.YUAN:
            output = models.DecimalField(max_digits=30, decimal_places=2)
        elif self.unit in (Unit.SQUARE_METRES, Unit.QUANTITY, Unit.PERCENT):
            output = models.DecimalField(max_digits=30, decimal_places=4)
        else:
            output = models.BigIntegerField()
        return Sum(target, output_field=output, **kwargs)

    def sources_for(self, kind: str) -> list[Source]:
        """The sources that serve scopes of `kind` (their figures add up)."""
        return [source for source in self.sources if kind in source.paths]

    def clean(self, value: object) -> Any:
        """A database result as the figure's value: an int for counts, households and people,
        yuan with two places, other measures as exact Decimals; no rows count as zero. (Typed
        `Any`: which of int and Decimal depends on the figure's unit, known to its reader.)"""
        if self.unit in (Unit.COUNT, Unit.HOUSEHOLDS, Unit.PEOPLE):
            return int(rounding.as_decimal(value))
        if self.unit == Unit.YUAN:
            return rounding.money(value)
        return rounding.as_decimal(value)


@dataclass(frozen=True)
class Derived:
    """A figure computed from others: `numerator` over `denominator` (× `scale`), rounded once
    by the rate rule, or `compute` for anything else (its own rounding stated there)."""

    key: str
    label: Label
    unit: Unit = Unit.PERCENT
    numerator: str = ""
    denominator: str = ""
    scale: Decimal = rounding.HUNDRED
    compute: Callable[[Mapping[str, Any]], Decimal | None] | None = None
    # The figures `compute` reads (a rate's are its numerator and denominator).
    needs: tuple[str, ...] = ()
    description: Label = ""

    @property
    def parts(self) -> tuple[str, ...]:
        return self.needs or tuple(p for p in (self.numerator, self.denominator) if p)

    def value(self, figures: Mapping[str, Any]) -> Decimal | None:
        if self.compute is not None:
            return self.compute(figures)
        return rounding.rate(
            figures.get(self.numerator), figures.get(self.denominator), scale=self.scale
        )

    def of(self, numerator: object, denominator: object) -> Decimal | None:
        """The rate from its two parts given directly."""
        return self.value({self.numerator: numerator, self.denominator: denominator})


@dataclass(frozen=True)
class Share:
    """Each row's share of a figure's total over rows shown together (kinds of funding, say),
    in percent adding up to exactly 100.0 (`rounding.shares`, largest remainder)."""

    key: str
    label: Label
    of: str
    unit: Unit = Unit.PERCENT
    description: Label = ""

    def values(self, rows: Iterable[Mapping[str, Any]]) -> list[Decimal | None]:
        return rounding.shares([row.get(self.of) or 0 for row in rows])


AnyFigure = Figure | Derived | Share

_REGISTRY: dict[str, AnyFigure] = {}


def register(*figures: AnyFigure) -> None:
    """Add figures to the registry (at import of the module that defines them). A key is
    defined once: registering another figure under a taken key is an error."""
    for figure in figures:
        existing = _REGISTRY.get(figure.key)
        if existing is not None and existing is not figure:
            raise ValueError(f"The figure {figure.key!r} is already defined")
        _REGISTRY[figure.key] = figure


def get(key: str) -> AnyFigure:
    return _REGISTRY[key]


def registered() -> list[AnyFigure]:
    """Every registered figure, in the order they were defined."""
    return list(_REGISTRY.values())


def aggregates(
    figures: Iterable[Figure],
    *,
    prefix: str = "",
    within: Q | None = None,
    moment: Moment | None = None,
) -> dict[str, Count | Sum]:
    """`annotate(**aggregates(...))`: several figures at once, named by their aliases."""
    return {f.alias: f.aggregate(prefix=prefix, within=within, moment=moment) for f in figures}


def cleaned(figures: Iterable[Figure], row: Mapping[str, object]) -> dict[str, Any]:
    """A result row's figures as their values by key: ints for counts, households and people,
    Decimals for the rest (see `Figure.clean`)."""
    return {f.key: f.clean(row.get(f.alias)) for f in figures}

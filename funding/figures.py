"""The figures of funding: money planned, approved, received (到位) and spent, per kind of source
(政府补一点、市场投一点、居民出一点、社会帮一点) and sub-type, their rates and shares, and
resident contributions. Each is defined here once (see renovation/figures/registry.py).

Money is summed in yuan as Decimal and converted once when shown. Two ways of counting
programme-level money (funding.selectors explains them): **whole programme** at district,
programme, city and national scopes (programme-level commitments count in full, with their
receipts and expenditures), **attributed to projects** below the district (project-level
commitments plus the allocated parts of programme-level ones, and the receipts and expenditures
booked for projects). Each yuan counts once either way: the sources below say which rows serve
which scope.

Adding a figure (issue 14: money in kind, pooled money) is adding a definition here, which every
reader and the equality test then pick up: e.g. money in kind is `PLANNED` with a condition on
the commitment's form (`Figure("planned_in_kind", ..., condition=Q(in_kind=True), sources=
COMMITTED)`), money received into a programme's pool and not yet attributed is a figure over
the receipts without a project (`Source(..., rows=Q(project__isnull=True))`) serving the
district and programme scopes, and a derived figure gives attributed versus pooled.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db.models import Q, Sum
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from programmes.figures import PROJECT_PATHS, through
from renovation.figures import Derived, Figure, Share, Source, Unit, register
from renovation.figures.rounding import as_decimal, money

from .models import Commitment

WHOLE_PATHS: dict[str, str | None] = {
    "district": "programme__district",
    "programme": "programme",
    "city": "programme__district__city",
    "province": "programme__district__city__province",
    "all": None,
}
ATTRIBUTED_PATHS: dict[str, str | None] = {
    "street": "project__compound__street",
    "area": "project__compound__area",
}
BY_KIND = {"kind": "source__kind", "sub_type": "source__sub_type"}
LINE_BY_KIND = {"kind": "commitment__source__kind", "sub_type": "commitment__source__sub_type"}
BOOKED_FOR_PROJECTS = Q(project__isnull=False)

COMMITTED = (
    Source("funding.Commitment", WHOLE_PATHS, breakdowns=BY_KIND),
    Source("funding.Commitment", ATTRIBUTED_PATHS, rows=BOOKED_FOR_PROJECTS, breakdowns=BY_KIND),
    # The allocated part of a programme-level commitment, counted for the project.
    Source(
        "funding.Allocation",
        ATTRIBUTED_PATHS,
        prefix="commitment__",
        fields={"amount": "amount"},
        breakdowns=LINE_BY_KIND,
    ),
)


def lines(model: str) -> tuple[Source, ...]:
    """Receipts or expenditures: the whole programme's, or those booked for projects."""
    return (
        Source(model, through("commitment__", WHOLE_PATHS), breakdowns=LINE_BY_KIND),
        Source(model, ATTRIBUTED_PATHS, rows=BOOKED_FOR_PROJECTS, breakdowns=LINE_BY_KIND),
    )


PLANNED = Figure(
    "planned",
    pgettext_lazy("money", "Planned"),
    Unit.YUAN,
    "funding.Commitment",
    Sum,
    "amount",
    dated_by="year",
    yearly=True,
    sources=COMMITTED,
)
APPROVED = Figure(
    "approved",
    pgettext_lazy("money", "Approved"),
    Unit.YUAN,
    "funding.Commitment",
    Sum,
    "amount",
    condition=Q(status=Commitment.Status.APPROVED),
    dated_by="year",
    yearly=True,
    sources=COMMITTED,
)
RECEIVED = Figure(
    "received",
    pgettext_lazy("money", "Received"),
    Unit.YUAN,
    "funding.Receipt",
    Sum,
    "amount",
    dated_by="received_on",
    sources=lines("funding.Receipt"),
    description=_("Money received (到位)."),
)
SPENT = Figure(
    "spent",
    pgettext_lazy("money", "Spent"),
    Unit.YUAN,
    "funding.Expenditure",
    Sum,
    "amount",
    dated_by="spent_on",
    sources=lines("funding.Expenditure"),
)
# Resident contributions collected: receipts on the commitments raised under a rule, booked
# for the projects in scope.
RESIDENTS_COLLECTED = Figure(
    "residents_collected",
    _("Resident contributions collected"),
    Unit.YUAN,
    "funding.Receipt",
    Sum,
    "amount",
    condition=Q(commitment__rule__isnull=False),
    dated_by="received_on",
    sources=(
        Source(
            "funding.Receipt",
            through("project__", PROJECT_PATHS),
            rows=BOOKED_FOR_PROJECTS,
            breakdowns={"rule": "commitment__rule"},
        ),
    ),
)


def _gap(figures: Mapping[str, Any]) -> Decimal:
    return money(as_decimal(figures.get("planned")) - as_decimal(figures.get("received")))


GAP = Derived(
    "gap",
    _("Gap (planned − received)"),
    Unit.YUAN,
    compute=_gap,
    needs=("planned", "received"),
)
RECEIVED_RATE = Derived(
    "received_rate", _("Received of planned"), numerator="received", denominator="planned"
)
SPENT_RATE = Derived(
    "spent_rate", _("Spent of received"), numerator="spent", denominator="received"
)
# The statutory returns compare money received with the planned investment (budgets).
INVESTMENT_RECEIVED_RATE = Derived(
    "investment_received_rate",
    _("Funds received rate"),
    numerator="received",
    denominator="budget",
)
COLLECTION_RATE = Derived(
    "collection_rate",
    _("Collection rate"),
    numerator="residents_collected",
    denominator="residents_expected",
)
SHARE_PLANNED = Share("share_planned", _("Share"), of="planned")
SHARE_RECEIVED = Share("share_received", _("Share received"), of="received")
SHARE_SPENT = Share("share_spent", _("Share spent"), of="spent")


def expected_contribution(rate: object, quantity: object) -> Decimal:
    """What a rule expects: its rate (yuan per m² or per household) × the floor area or the
    households it applies to, in yuan."""
    return money(as_decimal(rate) * as_decimal(quantity))


register(
    PLANNED,
    APPROVED,
    RECEIVED,
    SPENT,
    RESIDENTS_COLLECTED,
    GAP,
    RECEIVED_RATE,
    SPENT_RATE,
    INVESTMENT_RECEIVED_RATE,
    COLLECTION_RATE,
    SHARE_PLANNED,
    SHARE_RECEIVED,
    SHARE_SPENT,
)

MONEY_FIGURES = (PLANNED, APPROVED, RECEIVED, SPENT)
SHARES = (SHARE_PLANNED, SHARE_RECEIVED, SHARE_SPENT)

"""The funding mix from SQL: planned, approved, received and spent per kind and sub-type, in
whole-programme or attributed counting (see the package docstring), and resident contributions."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import F, Q

from programmes import figures as programme_figures
from renovation.figures import aggregates, cleaned

from .. import figures as fig
from ..models import (
    ZERO,
    Allocation,
    Commitment,
    ContributionRule,
    Expenditure,
    Kind,
    Receipt,
    SubType,
)
from .mix_report import MEASURES, Figures, FundingMix, KindRow, ResidentRow, SubTypeRow
from .rounding import money_
from .scope import FundingScope

if TYPE_CHECKING:
    from renovation.models import User


def _attributed(user: User, scope: FundingScope) -> bool:
    street_user = bool(user.street_id) and not user.is_superuser
    return street_user or scope.below_district


def _grouped(queryset, prefix: str, figures, **kwargs) -> dict[tuple[str, str], dict]:
    """The figures per (kind, sub-type) of the commitments' sources (one grouped query)."""
    rows = (
        queryset.values(f"{prefix}source__kind", f"{prefix}source__sub_type")
        .annotate(**{f.alias: f.aggregate(**kwargs) for f in figures})
        .order_by()
    )
    return {
        (row[f"{prefix}source__kind"], row[f"{prefix}source__sub_type"]): cleaned(figures, row)
        for row in rows
    }


def funding_mix(*, user: User, scope: FundingScope | None = None) -> FundingMix:
    """Planned, approved, received and spent per kind and sub-type, their shares (adding up to
    exactly 100.0%), the gap, and resident contributions against expectation.

    Four grouped SQL aggregates for the money (three in whole-programme counting) and two for
    resident contributions, whatever the number of rows."""
    scope = scope or FundingScope()
    attributed = _attributed(user, scope)

    commitments = Commitment.objects.visible_to(user).filter(
        scope.commitment_q() & scope.project_q()
    )
    if attributed:
        commitments = commitments.filter(project__isnull=False)
    committed = (fig.PLANNED, fig.APPROVED)
    money: dict[tuple[str, str], dict[str, Decimal]] = defaultdict(dict)
    for key, values in _grouped(commitments, "", committed).items():
        money[key].update(values)

    line_filter = scope.commitment_q("commitment__") & scope.project_q()
    if attributed:
        line_filter &= Q(project__isnull=False)
        allocations = Allocation.objects.visible_to(user).filter(line_filter)
        allocated = fig.COMMITTED[2]  # the allocation's own amount, its commitment's status
        for key, values in _grouped(
            allocations, "commitment__", committed, source=allocated
        ).items():
            for name, value in values.items():
                money[key][name] = money[key].get(name, ZERO) + value
    for model, figure in ((Receipt, fig.RECEIVED), (Expenditure, fig.SPENT)):
        records = model.objects.visible_to(user).filter(line_filter)
        for key, values in _grouped(records, "commitment__", (figure,)).items():
            money[key].update(values)

    kind_rows, total = mix_rows(money)
    return FundingMix(
        scope=scope,
        attributed=attributed,
        kinds=kind_rows,
        total=total,
        residents=resident_contributions(user=user, scope=scope),
    )


def mix_rows(
    money: Mapping[tuple[str, str], Mapping[str, Decimal | None]],
) -> tuple[list[KindRow], Figures]:
    """Kind rows (with their sub-type rows) and the total from amounts per (kind, sub-type) and
    measure, with shares that add up to exactly 100.0%. Shared by the live report and the
    rollup snapshots, so both present the same figures the same way."""
    kinds = {kind: KindRow(kind=kind) for kind in Kind.values}
    for (kind, sub_type), values in sorted(
        money.items(), key=lambda item: (Kind.values.index(item[0][0]), _order(item[0][1]))
    ):
        if not any(money_(values.get(name)) for name in MEASURES):
            continue  # only counter-entries (冲销) or a line split into its sub-types: net zero
        row = SubTypeRow(
            kind=kind,
            sub_type=sub_type,
            **{name: money_(values.get(name)) for name in MEASURES},
        )
        kinds[kind].sub_types.append(row)
        kinds[kind].add(row)
    total = Figures()
    for kind_row in kinds.values():
        total.add(kind_row)
    kind_rows = list(kinds.values())
    _apply_shares(kind_rows)
    _apply_shares([row for kind in kind_rows for row in kind.sub_types])
    return kind_rows, total


def _order(sub_type: str) -> int:
    return SubType.values.index(sub_type)


def _apply_shares(rows: Sequence[Figures]) -> None:
    for share in fig.SHARES:
        for row, value in zip(rows, share.values([vars(r) for r in rows]), strict=True):
            setattr(row, share.key, value)


def resident_contributions(*, user: User, scope: FundingScope) -> list[ResidentRow]:
    """Expected (rate × floor area or households of the compounds in scope) against collected
    (receipts on the commitments raised under each rule), per rule. Two grouped queries."""
    projects = scope.projects(user)
    quantities = (
        programme_figures.PROJECTS,
        programme_figures.HOUSEHOLDS,
        programme_figures.FLOOR_AREA,
    )
    through_projects = "programme__projects__"
    rules = (
        ContributionRule.objects.filter(
            Q(programme__projects__in=projects)
            & (Q(year__isnull=True) | Q(year=F("programme__projects__year")))
        )
        .values("id", "name", "sub_type", "basis", "rate")
        .annotate(
            v_projects=programme_figures.PROJECTS.aggregate(prefix=through_projects),
            **{
                f.alias: f.aggregate(prefix=f"{through_projects}compound__") for f in quantities[1:]
            },
        )
        .order_by("programme_id", "name")
    )
    collected = {
        row["commitment__rule"]: cleaned((fig.RESIDENTS_COLLECTED,), row)["residents_collected"]
        for row in Receipt.objects.visible_to(user)
        .filter(project__in=projects, commitment__rule__isnull=False)
        .values("commitment__rule")
        .annotate(**aggregates((fig.RESIDENTS_COLLECTED,)))
        .order_by()
    }
    result = []
    for rule in rules:
        values = cleaned(quantities, rule)
        per_m2 = rule["basis"] == ContributionRule.Basis.PER_M2
        quantity = money_(values["floor_area"]) if per_m2 else Decimal(values["households"])
        result.append(
            ResidentRow(
                name=rule["name"],
                sub_type=rule["sub_type"],
                basis=rule["basis"],
                rate=rule["rate"],
                quantity=quantity,
                projects=values["projects"],
                expected=fig.expected_contribution(rule["rate"], quantity),
                collected=collected.get(rule["id"], money_(None)),
            )
        )
    return result

"""Reads: the funding-mix report, scope resolution, project and compound funding panels.

Every function takes the user and starts from `visible_to(user)`. Aggregates are SQL (`Sum` with
`filter=`, grouped by kind and sub-type) in a fixed number of queries, whatever the number of
commitments, receipts and expenditures.

Two ways of counting programme-level money (a district bond issue allocated to projects):

* **Whole programme** (district, programme, batch or year scopes, read by district-level users):
  programme-level commitments count in full, with their receipts and expenditures, including the
  unassigned pool; allocations are a breakdown and are not added again.
* **Attributed to projects** (street, area or project scopes, and anything a street officer
  reads): only money booked for projects counts — project-level commitments plus the allocated
  parts of programme-level ones, and the receipts and expenditures booked for those projects.

Either way each yuan is counted once, and the street officer never sees the district's pool.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import (
    DecimalField,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils.translation import pgettext

from programmes import figures as programme_figures
from programmes.models import Area, Batch, Compound, District, Programme, Project, Street
from programmes.selectors import scope_parameters
from renovation.figures import aggregates, cleaned, rounding

from . import figures as fig
from .models import (
    ZERO,
    Allocation,
    Commitment,
    ContributionRule,
    Expenditure,
    FundingSource,
    Kind,
    Receipt,
    SubType,
)
from .records import commitments_shown, expenditures_shown, receipts_shown, voucher_count

if TYPE_CHECKING:
    from renovation.models import User

MEASURES = ("planned", "approved", "received", "spent")


# --- Rounding (the registry's rules: renovation.figures.rounding) ----------------------------


def shares_percent(values: list[Decimal], places: int = 1) -> list[Decimal | None]:
    """Each value's share of their sum in percent, adding up to exactly 100 (largest
    remainder); None for every value when the sum is zero."""
    return rounding.shares(values, places)


def money_(value: Decimal | float | int | str | None) -> Decimal:
    """An aggregate as yuan with two places (SQLite returns sums with float-length scales)."""
    return rounding.money(value)


def percent(part: Decimal, whole: Decimal) -> Decimal | None:
    return rounding.rate(part, whole)


# --- Scope ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class FundingScope:
    """What a funding figure covers. Fields combine (青羊区 + 2022; a programme's batch)."""

    programme: Programme | None = None
    district: District | None = None
    street: Street | None = None
    area: Area | None = None
    project: Project | None = None
    batch: Batch | None = None
    year: int | None = None

    PARAMS = ("programme", "district", "street", "area", "project", "batch", "year")

    @property
    def below_district(self) -> bool:
        return any((self.street, self.area, self.project))

    def params(self) -> dict[str, int]:
        """The GET parameters that select this scope (for links and exports)."""
        values = {}
        for name in self.PARAMS:
            value = getattr(self, name)
            if value is not None:
                values[name] = value if name == "year" else value.pk
        return values

    def label_parts(self) -> list[str]:
        return [str(getattr(self, n)) for n in self.PARAMS if getattr(self, n) is not None]

    def commitment_q(self, prefix: str = "") -> Q:
        """Filters on the commitment itself (budget year, batch, programme, district)."""
        q = Q()
        if self.programme is not None:
            q &= Q(**{f"{prefix}programme": self.programme.pk})
        if self.district is not None:
            q &= Q(**{f"{prefix}programme__district": self.district.pk})
        if self.batch is not None:
            q &= Q(**{f"{prefix}batch": self.batch.pk})
        if self.year is not None:
            q &= Q(**{f"{prefix}year": self.year})
        return q

    def project_q(self, prefix: str = "project__") -> Q:
        """Filters on the project the money is for (street, area, project)."""
        q = Q()
        if self.project is not None:
            q &= Q(**{prefix.removesuffix("__") or "pk": self.project.pk})
        if self.street is not None:
            q &= Q(**{f"{prefix}compound__street": self.street.pk})
        if self.area is not None:
            q &= Q(**{f"{prefix}compound__area": self.area.pk})
        return q

    def projects(self, user: User) -> QuerySet[Project]:
        """The projects in scope (for resident contributions, which are owed per compound)."""
        q = self.project_q(prefix="")
        if self.programme is not None:
            q &= Q(programme=self.programme.pk)
        if self.district is not None:
            q &= Q(programme__district=self.district.pk)
        if self.batch is not None:
            q &= Q(batch=self.batch.pk)
        if self.year is not None:
            q &= Q(year=self.year)
        return Project.objects.visible_to(user).filter(q)


def funding_scope_resolve(*, user: User, params) -> FundingScope:
    """Read a scope from GET parameters; an id outside the user's scope raises ScopeNotFound.
    One query per named parameter at most."""
    return FundingScope(**scope_parameters(user=user, names=FundingScope.PARAMS, params=params))


@dataclass
class ScopeOptions:
    programmes: list[Programme]
    districts: list[District]
    streets: list[Street]
    areas: list[Area]
    batches: list[Batch]
    years: list[int]


def funding_scope_options(*, user: User) -> ScopeOptions:
    """What the scope selector offers: only what the user may see (at most seven queries)."""
    programmes = Programme.objects.visible_to(user).select_related("district")
    years = set(
        Commitment.objects.visible_to(user).values_list("year", flat=True).distinct().order_by()
    )
    if user.street_id and not user.is_superuser:
        # A street officer's programme money comes through allocations to its projects.
        years |= set(
            Allocation.objects.visible_to(user)
            .values_list("commitment__year", flat=True)
            .distinct()
            .order_by()
        )
    return ScopeOptions(
        programmes=list(programmes),
        districts=list(District.objects.visible_to(user)),
        streets=list(Street.objects.visible_to(user).select_related("district")),
        areas=list(Area.objects.visible_to(user)),
        batches=list(
            Batch.objects.filter(programme__in=Programme.objects.visible_to(user))
            .select_related("programme")
            .order_by("programme_id", "year", "sequence")
        ),
        years=sorted(set(years), reverse=True),
    )


# --- The funding mix -----------------------------------------------------------------------


@dataclass
class Figures:
    planned: Decimal = ZERO
    approved: Decimal = ZERO
    received: Decimal = ZERO
    spent: Decimal = ZERO
    share_planned: Decimal | None = None
    share_received: Decimal | None = None
    share_spent: Decimal | None = None

    @property
    def gap(self) -> Decimal:
        """Planned but not (yet) received."""
        return self.planned - self.received

    @property
    def received_rate(self) -> Decimal | None:
        return fig.RECEIVED_RATE.of(self.received, self.planned)

    @property
    def spent_rate(self) -> Decimal | None:
        return fig.SPENT_RATE.of(self.spent, self.received)

    def add(self, other: Figures) -> None:
        for name in MEASURES:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class SubTypeRow(Figures):
    kind: str = ""
    sub_type: str = ""

    @property
    def label(self) -> str:
        return str(SubType(self.sub_type).label)


@dataclass
class KindRow(Figures):
    kind: str = ""
    sub_types: list[SubTypeRow] = field(default_factory=list)

    @property
    def label(self) -> str:
        return str(Kind(self.kind).label)


@dataclass
class ResidentRow:
    """One resident contribution rule over the projects in scope."""

    name: str
    sub_type: str
    basis: str
    rate: Decimal
    quantity: Decimal  # m² or households the rule applies to
    projects: int
    expected: Decimal
    collected: Decimal

    @property
    def collection_rate(self) -> Decimal | None:
        return fig.COLLECTION_RATE.of(self.collected, self.expected)

    @property
    def basis_label(self) -> str:
        return str(ContributionRule.Basis(self.basis).label)


@dataclass
class FundingMix:
    scope: FundingScope
    attributed: bool  # counted as attributed to projects (see the module docstring)
    kinds: list[KindRow]
    total: Figures
    residents: list[ResidentRow]

    @property
    def sub_types(self) -> list[SubTypeRow]:
        return [row for kind in self.kinds for row in kind.sub_types]

    @property
    def residents_expected(self) -> Decimal:
        return sum((row.expected for row in self.residents), ZERO)

    @property
    def residents_collected(self) -> Decimal:
        return sum((row.collected for row in self.residents), ZERO)

    @property
    def residents_rate(self) -> Decimal | None:
        return fig.COLLECTION_RATE.of(self.residents_collected, self.residents_expected)

    def kind(self, kind: str) -> KindRow:
        return next(row for row in self.kinds if row.kind == kind)

    def shown(self, unit: str) -> ShownMix:
        """The report as shown in `unit` (元, 万元, 亿元): each total converted once, the kinds
        adding up exactly to the total shown, each kind's sub-types to the kind shown, the
        resident rules to their total (largest remainder, renovation.figures.rounding)."""
        totals = {name: rounding.in_unit(getattr(self.total, name), unit) for name in MEASURES}
        by_kind = _shown_rows(self.kinds, unit, totals)
        kinds = []
        for kind, values in zip(self.kinds, by_kind, strict=True):
            sub_types = [
                Shown(row, sub_values)
                for row, sub_values in zip(
                    kind.sub_types, _shown_rows(kind.sub_types, unit, values), strict=True
                )
            ]
            kinds.append(Shown(kind, values, sub_types))
        expected, residents_expected = rounding.money_rows(
            [row.expected for row in self.residents], unit
        )
        collected, residents_collected = rounding.money_rows(
            [row.collected for row in self.residents], unit
        )
        return ShownMix(
            unit=unit,
            total=Shown(self.total, {**totals, "gap": totals["planned"] - totals["received"]}),
            kinds=kinds,
            residents=[
                Shown(row, {"expected": e, "collected": c})
                for row, e, c in zip(self.residents, expected, collected, strict=True)
            ],
            residents_expected=residents_expected,
            residents_collected=residents_collected,
        )

    def chart_data(self, unit: str = "yuan") -> dict:
        """Plain JSON for the chart script (amounts as strings in the chosen unit, as the
        table shows them)."""
        shown = self.shown(unit)
        return {
            "kinds": [
                {
                    "kind": row.kind,
                    "label": row.label,
                    **{name: str(getattr(row, name)) for name in MEASURES},
                    "share": str(row.share_planned) if row.share_planned is not None else None,
                }
                for row in shown.kinds
            ],
            "measures": {
                "planned": pgettext("money", "Planned"),
                "approved": pgettext("money", "Approved"),
                "received": pgettext("money", "Received"),
                "spent": pgettext("money", "Spent"),
            },
        }


class Shown:
    """A row of the report with its money as shown in one unit: the shown amounts in place of
    the yuan, everything else (label, shares, rates) read from the row itself."""

    def __init__(
        self, row: object, values: Mapping[str, Decimal], sub_types: list[Shown] | None = None
    ) -> None:
        self.row = row
        self.values = dict(values)
        self.sub_types = sub_types or []

    def __getattr__(self, name: str) -> Any:
        values = self.__dict__.get("values", {})
        if name in values:
            return values[name]
        return getattr(self.__dict__["row"], name)


@dataclass
class ShownMix:
    unit: str
    total: Shown
    kinds: list[Shown]
    residents: list[Shown]
    residents_expected: Decimal
    residents_collected: Decimal


def _shown_rows(rows: list, unit: str, totals: Mapping[str, Decimal]) -> list[dict[str, Decimal]]:
    """Each measure of `rows` in `unit`, adding up to `totals` (already shown), and the gap of
    each row as shown (planned − received, so that gaps add up too)."""
    columns = {
        name: rounding.money_rows([getattr(r, name) for r in rows], unit, shown_total=totals[name])[
            0
        ]
        for name in MEASURES
    }
    result = []
    for index in range(len(rows)):
        values = {name: columns[name][index] for name in MEASURES}
        values["gap"] = values["planned"] - values["received"]
        result.append(values)
    return result


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


# --- Project funding page ------------------------------------------------------------------


@dataclass
class Line:
    """A commitment as it concerns one project: its own project-level money, or the part of a
    programme-level commitment allocated to the project."""

    commitment: Commitment
    allocation: Allocation | None
    planned: Decimal
    received: Decimal
    spent: Decimal

    @property
    def available(self) -> Decimal:
        return self.received - self.spent


def project_for_funding(*, user: User, pk: int) -> Project:
    return (
        Project.objects.visible_to(user)
        .select_related("compound", "compound__street", "compound__street__district", "programme")
        .get(pk=pk)
    )


def project_funding_lines(*, user: User, project: Project) -> list[Line]:
    """Every line of money for one project with what was received and spent (four queries)."""
    own = list(
        commitments_shown(
            Commitment.objects.filter(project=project).select_related(
                "source", "approved_by", "rule"
            )
        )
    )
    allocations = list(
        Allocation.objects.visible_to(user)
        .filter(project=project)
        .select_related("commitment__source", "commitment__approved_by", "commitment__reversed_by")
        .order_by("-commitment__year", "commitment_id")
    )
    received = dict(
        Receipt.objects.filter(project=project)
        .values_list("commitment")
        .annotate(t=Sum("amount"))
        .values_list("commitment", "t")
    )
    spent = dict(
        Expenditure.objects.filter(project=project)
        .values_list("commitment")
        .annotate(t=Sum("amount"))
        .values_list("commitment", "t")
    )
    lines = [
        Line(c, None, c.amount, money_(received.get(c.pk)), money_(spent.get(c.pk))) for c in own
    ]
    lines += [
        Line(
            a.commitment,
            a,
            a.amount,
            money_(received.get(a.commitment_id)),
            money_(spent.get(a.commitment_id)),
        )
        for a in allocations
    ]
    return lines


def project_receipts(*, user: User, project: Project) -> QuerySet[Receipt]:
    """With their counter-entries (冲销) paired and their voucher counts (one query)."""
    return receipts_shown(
        Receipt.objects.visible_to(user)
        .filter(project=project)
        .select_related("commitment__source", "created_by")
    )


def project_expenditures(*, user: User, project: Project) -> QuerySet[Expenditure]:
    return expenditures_shown(
        Expenditure.objects.visible_to(user)
        .filter(project=project)
        .select_related("commitment__source", "created_by", "work_item__work_type")
    )


def funding_line(
    *, user: User, commitment_id: int, project_id: int | None
) -> tuple[Commitment, Project | None]:
    """The commitment and project of a line the user may see (DoesNotExist otherwise).

    A street officer reaches a programme-level commitment only through a project of its street
    that has an allocation from it."""
    base = Commitment.objects.select_related(
        "programme", "programme__district", "source", "project", "project__compound"
    )
    if project_id is None:
        commitment = base.visible_to(user).get(pk=commitment_id)
        return commitment, commitment.project
    project = project_for_funding(user=user, pk=project_id)
    commitment = base.filter(
        Q(project=project) | Q(project__isnull=True, allocations__project=project)
    ).get(pk=commitment_id)
    return commitment, project


def commitment_detail(*, user: User, pk: int) -> Commitment:
    """A commitment the user may see, with its allocations, receipts and expenditures."""
    return (
        Commitment.objects.visible_to(user)
        .select_related(
            "source",
            "programme",
            "programme__district",
            "project",
            "project__compound",
            "project__compound__street",
            "batch",
            "rule",
            "approved_by",
            "created_by",
            "reverses",
            "reversed_by",
            "split_from",
        )
        .prefetch_related(
            Prefetch(
                "allocations",
                queryset=Allocation.objects.select_related("project", "project__compound"),
            ),
            Prefetch(
                "receipts",
                queryset=receipts_shown(Receipt.objects.select_related("project__compound")),
            ),
            Prefetch(
                "expenditures",
                queryset=expenditures_shown(
                    Expenditure.objects.select_related("project__compound", "work_item__work_type")
                ),
            ),
            Prefetch("split_parts", queryset=Commitment.objects.select_related("source")),
        )
        .get(pk=pk)
    )


def programme_commitments(*, user: User, programme: Programme) -> QuerySet[Commitment]:
    """Programme-level money with allocated, received and spent totals (one query)."""
    return commitments_shown(
        Commitment.objects.visible_to(user)
        .filter(programme=programme, project__isnull=True)
        .select_related("source", "batch")
        .annotate(
            allocated=Sum("allocations__amount"),
        )
    )


# --- Compound and dashboard panels ---------------------------------------------------------


@dataclass
class CompoundPanel:
    compound: Compound
    project: Project | None
    mix: FundingMix | None
    can_view_project: bool


def compound_funding_panel(*, user: User, compound: Compound) -> CompoundPanel:
    """Funding of a compound's current project and its residents' contributions (seven queries
    at most; the compound is already in the caller's scope)."""
    project = (
        Project.objects.visible_to(user)
        .select_related("programme", "compound")
        .filter(pk=compound.current_project_id)
        .first()
        if compound.current_project_id
        else None
    )
    mix = funding_mix(user=user, scope=FundingScope(project=project)) if project else None
    return CompoundPanel(compound, project, mix, project is not None)


def dashboard_funding_panel(*, user: User, year: int | None = None) -> FundingMix:
    """The funding mix of everything the user sees (or one budget year), for the home page."""
    return funding_mix(user=user, scope=FundingScope(year=year))


# --- API lists -----------------------------------------------------------------------------


def funding_source_list(*, user: User) -> QuerySet[FundingSource]:
    return FundingSource.objects.visible_to(user)


def _line_total(model) -> Coalesce:
    """The sum of a commitment's receipts, expenditures or allocations (a correlated subquery,
    so the list stays one query and joins never multiply rows)."""
    total = (
        model.objects.filter(commitment=OuterRef("pk"))
        .order_by()
        .values("commitment")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    money = DecimalField(max_digits=18, decimal_places=2)
    return Coalesce(Subquery(total, output_field=money), Value(ZERO), output_field=money)


def commitment_list(*, user: User) -> QuerySet[Commitment]:
    """Commitments the user may see with their allocated, received and spent totals."""
    return (
        Commitment.objects.visible_to(user)
        .select_related("source", "programme", "approved_by", "created_by", "reversed_by")
        .annotate(
            allocated=_line_total(Allocation),
            received=_line_total(Receipt),
            spent=_line_total(Expenditure),
        )
    )


def allocation_list(*, user: User) -> QuerySet[Allocation]:
    return Allocation.objects.visible_to(user).select_related("commitment__source")


def receipt_list(*, user: User) -> QuerySet[Receipt]:
    return (
        Receipt.objects.visible_to(user)
        .select_related("commitment__source", "created_by", "reversed_by")
        .annotate(voucher_count=voucher_count("receipt"))
    )


def expenditure_list(*, user: User) -> QuerySet[Expenditure]:
    return (
        Expenditure.objects.visible_to(user)
        .select_related("commitment__source", "created_by", "reversed_by")
        .annotate(voucher_count=voucher_count("expenditure"))
    )

"""The ledger (台账): one sheet per topic for any scope the user may see.

Sheets: compounds, projects, work items, funding lines, governance per compound and committee
members. Every sheet is read with a fixed number of queries (a streamed main query plus grouped
aggregates keyed by id), whatever the number of rows. Names and phone numbers of committee
members are masked for readers who may not see personal data (renovation.access).

Aggregates are the registry's figures (programmes, funding and governance `figures`). The
projects and funding sheets end with a total row; in 万元 their money is rounded by largest
remainder so that the rows add up exactly to that total, the total the funding-mix report shows
(renovation.figures.rounding.StreamingRounder: the rows are read twice, in the same order, so
memory stays flat for any size).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy

from funding import figures as ff
from funding.models import Allocation, Commitment, Expenditure, Kind, Receipt, SubType
from governance import figures as gf
from governance.masking import mask_name, mask_phone
from governance.models import (
    CommitteeMember,
    Meeting,
    OpinionSurvey,
    OwnerVote,
    ResidentCommittee,
    SatisfactionSurvey,
    Suggestion,
)
from renovation.access import can_see_personal_data
from renovation.figures import Figure, Source, aggregates
from renovation.figures.rounding import StreamingRounder, in_unit
from renovation.xlsx import Column, Table, money, percent_cell, ratio, unit_label

from .scope import LedgerScope

if TYPE_CHECKING:
    from renovation.models import User

CHUNK = 2000
SHEETS = ("compounds", "projects", "work_items", "funding", "governance", "members")
MEASURES_OF_PROJECT = ("planned", "received", "spent")


def sheet_titles() -> dict[str, str]:
    return {
        "compounds": pgettext("sheet", "Compounds"),
        "projects": _("Projects"),
        "work_items": _("Work items"),
        "funding": _("Funding"),
        "governance": _("Governance"),
        "members": _("Committee members"),
    }


def _yesno(value: bool) -> str:
    return _("yes") if value else _("no")


# --- Compounds -----------------------------------------------------------------------------


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


# --- Projects ------------------------------------------------------------------------------


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


class MoneyColumns:
    """Money columns of a sheet shown in `unit`, adding up exactly to their total row.

    Feed every row's yuan once with `count` (not needed in yuan, which is shown exactly), then
    `shown` converts each row's amounts in the same order; `total` gives the total row's."""

    def __init__(self, unit: str, names: tuple[str, ...]) -> None:
        self.unit = unit
        self.names = names
        self.rounders = {name: StreamingRounder(unit) for name in names}
        self.sums = dict.fromkeys(names, Decimal(0))

    @property
    def needs_first_pass(self) -> bool:
        return self.unit != "yuan"

    def count(self, amounts: dict[str, Decimal]) -> None:
        for name in self.names:
            self.rounders[name].count([amounts[name]])

    def shown(self, amounts: dict[str, Decimal]) -> dict[str, Decimal]:
        for name in self.names:
            self.sums[name] += amounts[name]
        if not self.needs_first_pass:
            return {name: in_unit(amounts[name], self.unit) for name in self.names}
        return {name: self.rounders[name].shown(amounts[name]) for name in self.names}

    def total(self) -> dict[str, Decimal]:
        return {name: in_unit(self.sums[name], self.unit) for name in self.names}


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


# --- Work items ----------------------------------------------------------------------------


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


# --- Funding -------------------------------------------------------------------------------


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


# --- Governance ----------------------------------------------------------------------------


def _grouped(queryset, key: str, figures: tuple[Figure, ...]) -> dict[int, dict]:
    """The figures per compound (one grouped query); a compound without rows is absent, so
    its cells stay empty where "none recorded" differs from zero."""
    return {
        row["_key"]: {f.key: f.clean(row[f.alias]) for f in figures}
        for row in queryset.order_by().values(_key=F(key)).annotate(**aggregates(figures))
    }


def _latest_of_current_project(model):
    """The latest record of each compound's current project (the survey that gates design,
    the evaluation that gates hand-over)."""
    latest = (
        model.objects.filter(project=OuterRef("project"))
        .order_by("-held_on", "-id")
        .values("pk")[:1]
    )
    return model.objects.filter(
        pk=Subquery(latest), project__compound__current_project=F("project")
    )


def governance_table(*, user: User, scope: LedgerScope, unit: str) -> Table:
    columns = [
        Column(pgettext_lazy("ledger", "District"), width=10),
        Column(pgettext_lazy("ledger", "Street office"), width=12),
        Column(pgettext_lazy("ledger", "Compound"), width=20),
        Column(pgettext_lazy("ledger", "Committees"), "int", 9),
        Column(pgettext_lazy("ledger", "Committee members"), "int", 9),
        Column(pgettext_lazy("ledger", "Meetings"), "int", 9),
        Column(pgettext_lazy("ledger", "Meeting attendance"), "int", 9),
        Column(pgettext_lazy("ledger", "Survey forms issued"), "int", 9),
        Column(pgettext_lazy("ledger", "Survey forms returned"), "int", 9),
        Column(pgettext_lazy("ledger", "In favour"), "int", 9),
        Column(pgettext_lazy("ledger", "Support rate"), "percent", 9),
        Column(pgettext_lazy("ledger", "Owners' votes"), "int", 9),
        Column(pgettext_lazy("ledger", "Votes passed"), "int", 9),
        Column(pgettext_lazy("ledger", "Suggestions"), "int", 9),
        Column(pgettext_lazy("ledger", "Suggestions open"), "int", 9),
        Column(pgettext_lazy("ledger", "Satisfaction respondents"), "int", 9),
        Column(pgettext_lazy("ledger", "Satisfied"), "int", 9),
        Column(pgettext_lazy("ledger", "Satisfaction rate"), "percent", 9),
    ]

    def rows() -> Iterator[list]:
        compounds = scope.compounds(user)
        in_scope = compounds.values("pk")
        committees = _grouped(
            ResidentCommittee.objects.visible_to(user).filter(compound__in=in_scope),
            "compound",
            gf.COMMITTEE_FIGURES,
        )
        meetings = _grouped(
            Meeting.objects.visible_to(user).filter(compound__in=in_scope),
            "compound",
            gf.MEETING_FIGURES,
        )
        surveys = _grouped(
            _latest_of_current_project(OpinionSurvey).filter(project__compound__in=in_scope),
            "project__compound",
            gf.SURVEY_FIGURES,
        )
        votes = _grouped(
            OwnerVote.objects.visible_to(user).filter(compound__in=in_scope),
            "compound",
            gf.VOTE_FIGURES,
        )
        suggestions = _grouped(
            Suggestion.objects.visible_to(user).filter(compound__in=in_scope),
            "compound",
            gf.SUGGESTION_FIGURES,
        )
        satisfaction = _grouped(
            _latest_of_current_project(SatisfactionSurvey).filter(project__compound__in=in_scope),
            "project__compound",
            gf.SATISFACTION_FIGURES,
        )
        empty: dict = {}
        ordered = compounds.select_related("street__district").order_by(
            "street__district_id", "street_id", "name", "id"
        )
        for c in ordered.only("name", "street__name", "street__district__name").iterator(
            chunk_size=CHUNK
        ):
            com = committees.get(c.pk, empty)
            meet = meetings.get(c.pk, empty)
            sur = surveys.get(c.pk, empty)
            vote = votes.get(c.pk, empty)
            sug = suggestions.get(c.pk, empty)
            sat = satisfaction.get(c.pk, empty)
            yield [
                c.street.district.name,
                c.street.name,
                c.name,
                com.get("committees", 0),
                com.get("committee_members", 0),
                meet.get("meetings", 0),
                meet.get("meeting_attendance", 0),
                sur.get("forms_issued"),
                sur.get("forms_returned"),
                sur.get("support"),
                percent_cell(gf.SUPPORT_RATE.value(sur)) if sur else None,
                vote.get("votes", 0),
                vote.get("votes_passed", 0),
                sug.get("suggestions", 0),
                sug.get("suggestions_open", 0),
                sat.get("respondents"),
                sat.get("satisfied"),
                percent_cell(gf.SATISFACTION_RATE.value(sat)) if sat else None,
            ]

    return Table(sheet_titles()["governance"], columns, rows())


def members_table(*, user: User, scope: LedgerScope, unit: str) -> Table:
    """Named committee members. Personal data (name, phone) is shown only to the street
    officers of the committee's street and the officials of its district; masked otherwise."""
    columns = [
        Column(pgettext_lazy("ledger", "District"), width=10),
        Column(pgettext_lazy("ledger", "Street office"), width=12),
        Column(pgettext_lazy("ledger", "Compound"), width=20),
        Column(pgettext_lazy("ledger", "Committee"), width=20),
        Column(pgettext_lazy("ledger", "Role"), width=10),
        Column(pgettext_lazy("ledger", "Name"), width=10),
        Column(pgettext_lazy("ledger", "Phone"), width=14),
        Column(pgettext_lazy("ledger", "Building"), width=8),
        Column(pgettext_lazy("ledger", "Unit"), width=8),
        Column(pgettext_lazy("ledger", "Party member"), width=8),
    ]

    def rows() -> Iterator[list]:
        members = (
            CommitteeMember.objects.visible_to(user)
            .filter(
                Q(committee__compound__in=scope.compounds(user).values("pk"))
                | (
                    Q(committee__compound__isnull=True, committee__area__isnull=False)
                    & _area_committee_q(scope)
                )
            )
            .select_related("committee__street__district", "committee__compound")
            .order_by(
                "committee__street__district_id", "committee__street_id", "committee_id", "id"
            )
        )
        for m in members.iterator(chunk_size=CHUNK):
            committee = m.committee
            street = committee.street
            personal = can_see_personal_data(
                user, street_id=street.pk, district_id=street.district_id
            )
            yield [
                street.district.name,
                street.name,
                committee.compound.name if committee.compound else "",
                committee.name,
                m.get_role_display(),
                m.name if personal else mask_name(m.name),
                m.phone if personal else mask_phone(m.phone),
                m.building,
                m.unit,
                _yesno(m.is_party_member),
            ]

    return Table(sheet_titles()["members"], columns, rows())


def _area_committee_q(scope: LedgerScope) -> Q:
    """Committees formed for a whole area (no compound) belong to the scope through their
    street and area; they have no project, so a programme or year scope leaves them out."""
    if scope.programme is not None or scope.year is not None:
        return Q(pk__in=[])
    q = Q()
    if scope.district is not None:
        q &= Q(committee__street__district=scope.district.pk)
    if scope.street is not None:
        q &= Q(committee__street=scope.street.pk)
    if scope.area is not None:
        q &= Q(committee__area=scope.area.pk)
    return q


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


__all__ = [
    "BUILDERS",
    "SHEETS",
    "ledger_row_estimate",
    "ledger_size",
    "ledger_tables",
]

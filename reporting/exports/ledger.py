"""The ledger (台账): one sheet per topic for any scope the user may see.

Sheets: compounds, projects, work items, funding lines, governance per compound and committee
members. Every sheet is read with a fixed number of queries (a streamed main query plus grouped
aggregates keyed by id), whatever the number of rows. Names and phone numbers of committee
members are masked for readers who may not see personal data (renovation.access).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Count, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy

from funding.models import Allocation, Commitment, Expenditure, Kind, Receipt, SubType
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
from renovation.xlsx import Column, Table, money, ratio, unit_label

from .scope import LedgerScope

if TYPE_CHECKING:
    from renovation.models import User

CHUNK = 2000
SHEETS = ("compounds", "projects", "work_items", "funding", "governance", "members")


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


def _by_project(queryset, field: str = "amount") -> dict[int, Decimal]:
    return dict(
        queryset.filter(project__isnull=False)
        .values_list("project")
        .annotate(total=Sum(field))
        .values_list("project", "total")
        .order_by()
    )


def project_money(*, user: User, scope: LedgerScope) -> dict[str, dict[int, Decimal]]:
    """Planned (own commitments plus allocations), received and spent per project in scope:
    four grouped queries. Only what the user may see of each (a street officer sees money
    booked for its street's projects)."""
    in_scope = scope.projects(user).values("pk")
    planned = _by_project(Commitment.objects.visible_to(user).filter(project__in=in_scope))
    for project_id, total in _by_project(
        Allocation.objects.visible_to(user).filter(project__in=in_scope)
    ).items():
        planned[project_id] = planned.get(project_id, Decimal(0)) + total
    return {
        "planned": planned,
        "received": _by_project(Receipt.objects.visible_to(user).filter(project__in=in_scope)),
        "spent": _by_project(Expenditure.objects.visible_to(user).filter(project__in=in_scope)),
    }


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
        for p in projects.iterator(chunk_size=CHUNK):
            c = p.compound
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
                money(p.budget, unit),
                money(figures["planned"].get(p.pk, Decimal(0)), unit),
                money(figures["received"].get(p.pk, Decimal(0)), unit),
                money(figures["spent"].get(p.pk, Decimal(0)), unit),
                ratio(p.progress, 100),
                p.last_report_on,
            ]

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
            share = ratio(item.completed_quantity, item.planned_quantity)
            completion = min(share, Decimal(1)) if share is not None else None
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


def _line_totals(model, user: User, lines: Q) -> dict[tuple[int, int | None], Decimal]:
    rows = (
        model.objects.visible_to(user)
        .filter(lines)
        .values_list("commitment", "project")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    return {(commitment, project): total for commitment, project, total in rows}


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
            pool = Q(project__isnull=True, commitment__project__isnull=True)
            if scope.district is not None:
                pool &= Q(commitment__programme__district=scope.district.pk)
            if scope.programme is not None:
                pool &= Q(commitment__programme=scope.programme.pk)
            lines |= pool
        received = _line_totals(Receipt, user, lines)
        spent = _line_totals(Expenditure, user, lines)
        kind_label = dict(Kind.choices)
        sub_type_label = dict(SubType.choices)
        status_label = dict(Commitment.Status.choices)

        def row(commitment, project, compound_row, line, planned):
            key = (commitment["pk"], project)
            return [
                compound_row[0],
                compound_row[1],
                compound_row[2],
                compound_row[3],
                commitment["programme__name"],
                line,
                str(kind_label[commitment["source__kind"]]),
                str(sub_type_label[commitment["source__sub_type"]]),
                commitment["source__funder"],
                commitment["year"],
                str(status_label[commitment["status"]]),
                commitment["reference"],
                money(planned, unit),
                money(received.get(key, Decimal(0)), unit),
                money(spent.get(key, Decimal(0)), unit),
            ]

        fields = (
            "pk",
            "programme__name",
            "source__kind",
            "source__sub_type",
            "source__funder",
            "year",
            "status",
            "reference",
        )
        place = (
            "project__compound__street__district__name",
            "project__compound__street__name",
            "project__compound__name",
            "project__year",
        )
        own = (
            Commitment.objects.visible_to(user)
            .filter(project__in=in_scope)
            .order_by("programme_id", "project__compound__street_id", "project_id", "id")
            .values(*fields, *place, "project", "amount")
        )
        for c in own.iterator(chunk_size=CHUNK):
            yield row(c, c["project"], [c[f] for f in place], _("Project"), c["amount"])
        prefixed = [f"commitment__{f}" if f != "pk" else "commitment" for f in fields]
        allocations = (
            Allocation.objects.visible_to(user)
            .filter(project__in=in_scope)
            .order_by("commitment__programme_id", "project__compound__street_id", "project_id")
            .values(*prefixed, *place, "project", "amount")
        )
        for a in allocations.iterator(chunk_size=CHUNK):
            c = {f: a[p] for f, p in zip(fields, prefixed, strict=True)}
            yield row(c, a["project"], [a[f] for f in place], _("Allocation"), a["amount"])
        if with_pool:
            allocated = (
                Allocation.objects.filter(commitment=OuterRef("pk"))
                .values("commitment")
                .annotate(total=Sum("amount"))
                .values("total")
            )
            pools = Commitment.objects.visible_to(user).filter(project__isnull=True)
            if scope.district is not None:
                pools = pools.filter(programme__district=scope.district.pk)
            if scope.programme is not None:
                pools = pools.filter(programme=scope.programme.pk)
            pools = (
                pools.annotate(allocated=Coalesce(Subquery(allocated), Decimal(0)))
                .annotate(unassigned=F("amount") - F("allocated"))
                .order_by("programme_id", "id")
                .values(*fields, "programme__district__name", "unassigned")
            )
            for c in pools.iterator(chunk_size=CHUNK):
                place_row = [c["programme__district__name"], "", "", None]
                yield row(c, None, place_row, _("Unassigned pool"), c["unassigned"])

    return Table(sheet_titles()["funding"], columns, rows())


# --- Governance ----------------------------------------------------------------------------


def _grouped(queryset, key: str, **aggregates) -> dict[int, dict]:
    return {
        row.pop("_key"): row
        for row in queryset.order_by().values(_key=F(key)).annotate(**aggregates)
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
            n=Count("id"),
            members=Coalesce(Sum("headcount"), 0),
        )
        meetings = _grouped(
            Meeting.objects.visible_to(user).filter(compound__in=in_scope),
            "compound",
            n=Count("id"),
            people=Coalesce(Sum("attendance"), 0),
        )
        surveys = _grouped(
            _latest_of_current_project(OpinionSurvey).filter(project__compound__in=in_scope),
            "project__compound",
            issued=Sum("forms_issued"),
            returned=Sum("forms_returned"),
            support=Sum("support"),
        )
        votes = _grouped(
            OwnerVote.objects.visible_to(user).filter(compound__in=in_scope),
            "compound",
            n=Count("id"),
            passed=Count("id", filter=Q(passed=True)),
        )
        suggestions = _grouped(
            Suggestion.objects.visible_to(user).filter(compound__in=in_scope),
            "compound",
            n=Count("id"),
            open=Count("id", filter=Q(status__in=["received", "assigned"])),
        )
        satisfaction = _grouped(
            _latest_of_current_project(SatisfactionSurvey).filter(project__compound__in=in_scope),
            "project__compound",
            respondents=Sum("respondents"),
            satisfied=Sum("satisfied"),
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
                com.get("n", 0),
                com.get("members", 0),
                meet.get("n", 0),
                meet.get("people", 0),
                sur.get("issued"),
                sur.get("returned"),
                sur.get("support"),
                ratio(sur.get("support"), sur.get("returned")),
                vote.get("n", 0),
                vote.get("passed", 0),
                sug.get("n", 0),
                sug.get("open", 0),
                sat.get("respondents"),
                sat.get("satisfied"),
                ratio(sat.get("satisfied"), sat.get("respondents")),
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

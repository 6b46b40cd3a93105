"""The national rollup as bare SQL: the figures the snapshots hold, for every scope at once.

One statement per section: the source rows grouped once at the finest level (street, area,
programme), then those groups added up to every scope kind (street, area, district, programme,
city and the whole country) with `GROUP BY GROUPING SETS`, so every figure is computed in the
database in one pass over the source table per section. `run_queries` is what the benchmark
times; bare_compare.py arranges the rows in the snapshot's JSON shape (reporting/rollups/
compute.py) and checks, scope by scope, that the SQL computed the same figures as the
application: the comparison is what makes the time ratio fair.

The aggregates are not restated here: the finest-level groups are the registry's figures
(programmes.figures, funding.figures, governance.figures), compiled to SQL by Django's own
compiler from the same expressions the application runs (`fine`). What is written by hand is
only the rollup around them: the GROUPING SETS that add the groups up to every scope kind, the
union of the funding lines, and the labels. City and national figures are the sums of their
districts, as in the rollup.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable, Mapping

from django.db import connection as default_connection
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce, ExtractYear

from funding import figures as ff
from funding.models import Allocation, Commitment, ContributionRule, Expenditure, Receipt
from governance import figures as gf
from governance.models import ResidentCommittee
from programmes import figures as pf
from programmes.models import Compound, Project, SiteProblem, WorkItem, YearTarget
from renovation.figures import Figure, Moment, Source, aggregates

Statement = tuple[str, list]

WITH_PROGRAMME = ("street", "area", "district", "programme", "city", "all")
REGISTRY = ("street", "area", "district", "city", "all")
ROLLUP_KEYS = {
    "street": "f.g_street",
    "area": "f.g_area",
    "district": "s.district_id",
    "programme": "f.g_programme",
    "city": "d.city_id",
    "all": None,
}


def compiled(queryset: QuerySet) -> Statement:
    """The SQL Django runs for `queryset`, with its parameters."""
    sql, params = queryset.query.get_compiler(connection=default_connection).as_sql()
    return sql, list(params)


def fine(
    queryset: QuerySet,
    figures: Iterable[Figure],
    *,
    place: str,
    programme: str | None = None,
    extra: Mapping[str, object] | None = None,
    source: Source | None = None,
    prefix: str = "",
    moment: Moment | None = None,
) -> Statement:
    """The finest groups of a section: `queryset` grouped by street and area (reached by
    `place`, the lookup to a compound), by programme (`programme`) and by `extra`, with the
    figures' aggregates (read through `source` or `prefix`) named by their aliases."""
    keys: dict[str, object] = {"g_street": F(f"{place}street"), "g_area": F(f"{place}area")}
    if programme is not None:
        keys["g_programme"] = F(programme)
    keys.update(extra or {})
    annotations = {
        f.alias: f.aggregate(source=source, prefix=prefix, moment=moment) for f in figures
    }
    return compiled(queryset.order_by().values(**keys).annotate(**annotations).order_by())


def grouped(keys: dict[str, str | None], extra: Iterable[str] = ()) -> tuple[str, str]:
    """(select list of `kind, key`, GROUP BY GROUPING SETS clause) over `keys` plus `extra`."""
    extra = list(extra)
    columns = [expr for expr in keys.values() if expr]
    kind = "CASE " + " ".join(
        f"WHEN GROUPING({expr}) = 0 THEN '{name}'" for name, expr in keys.items() if expr
    )
    kind += " ELSE 'all' END"
    key = "COALESCE(" + ", ".join(
        f"CASE WHEN GROUPING({expr}) = 0 THEN {expr} END" for expr in columns
    )
    key += ", CASE WHEN " + " AND ".join(f"GROUPING({e}) = 1" for e in columns) + " THEN 0 END)"
    sets = ", ".join(
        "(" + ", ".join(([expr] if expr else []) + extra) + ")" for expr in keys.values()
    )
    return f"{kind} AS kind, {key} AS key", f"GROUP BY GROUPING SETS ({sets})"


def rollup(
    fine_statement: Statement,
    extra: list[str],
    sums: Iterable[str],
    kinds: Iterable[str] = WITH_PROGRAMME,
    *,
    label: dict[str, str] | None = None,
) -> Statement:
    """Two steps: the finest groups (street, area[, programme], *extra) with columns named
    *extra, *sums; the outer query adds those groups up to every scope kind in `kinds` with
    GROUPING SETS (a street is in one district, a district in one city, so each source row
    counts once per kind). `label` selects an expression instead of a plain extra column."""
    sql, params = fine_statement
    keys = {kind: ROLLUP_KEYS[kind] for kind in kinds}
    extra = [e if "." in e else f"f.{e}" for e in extra]
    head, group = grouped(keys, extra)
    label = label or {}
    columns = ", ".join(label.get(e, e) for e in extra)
    totals = ", ".join(f"COALESCE(SUM(f.{name}), 0)" for name in sums)
    return (
        f"""WITH f AS ({sql})
        SELECT {head}, {columns}{", " if columns else ""}{totals}
        FROM f JOIN programmes_street s ON s.id = f.g_street
        JOIN programmes_district d ON d.id = s.district_id
        {group}""",
        params,
    )


def aliases(figures: Iterable[Figure]) -> list[str]:
    return [f.alias for f in figures]


def union(*parts: tuple[Statement, str]) -> Statement:
    """UNION ALL of finest groups, each given as (statement, select list over its columns)."""
    sql, params = [], []
    for (part_sql, part_params), columns in parts:
        sql.append(f"SELECT {columns} FROM ({part_sql}) AS u")
        params += part_params
    return " UNION ALL ".join(sql), params


def statements(*, today: dt.date, now: dt.datetime, overdue_hours: int) -> dict[str, Statement]:
    """name → (sql, params): every statement of the bare rollup. (`overdue_hours` is the
    setting the registry's figure of overdue problems reads; the benchmark passes it to say
    which figures it compares.)"""
    moment = Moment(today=today, now=now)
    sql: dict[str, Statement] = {}
    registry = (pf.COMPOUNDS, pf.HOUSEHOLDS, pf.ELIGIBLE)
    sql["stages"] = rollup(
        fine(
            Compound.objects.all(),
            registry,
            place="",
            extra={"g_stage": F("current_project__stage")},
        ),
        ["g_stage"],
        aliases(registry),
        REGISTRY,
    )
    sql["programme_stages"] = rollup(
        fine(
            Project.objects.all(),
            registry,
            place="compound__",
            programme="programme",
            extra={"g_stage": F("stage")},
            prefix="compound__",
        ),
        ["g_stage"],
        aliases(registry),
        ("programme",),
    )
    for name, pair in (
        ("started", (pf.STARTED, pf.STARTED_HOUSEHOLDS)),
        ("completed", (pf.COMPLETED, pf.COMPLETED_HOUSEHOLDS)),
    ):
        sql[f"years_{name}"] = rollup(
            fine(
                Project.objects.filter(pair[0].condition_q()),
                pair,
                place="compound__",
                programme="programme",
                extra={"g_year": ExtractYear(pair[0].date_field)},
            ),
            ["g_year"],
            aliases(pair),
        )
    target_keys = {
        "district": "d.id",
        "programme": "f.g_programme",
        "city": "d.city_id",
        "all": None,
    }
    head, group = grouped(target_keys, ["f.g_year"])
    target_sql, target_params = compiled(
        YearTarget.objects.order_by()
        .values(g_programme=F("programme"), g_district=F("programme__district"), g_year=F("year"))
        .annotate(**aggregates(pf.YEAR_TARGETS))
        .order_by()
    )
    totals = ", ".join(f"SUM(f.{a})" for a in aliases(pf.YEAR_TARGETS))
    sql["targets"] = (
        f"""WITH f AS ({target_sql})
            SELECT {head}, f.g_year, {totals}
            FROM f JOIN programmes_district d ON d.id = f.g_district
            {group}""",
        target_params,
    )
    sql["projects"] = rollup(
        fine(
            Project.objects.all(),
            pf.PROJECT_FIGURES,
            place="compound__",
            programme="programme",
            moment=moment,
        ),
        [],
        aliases(pf.PROJECT_FIGURES),
    )
    sql["problems"] = rollup(
        fine(
            SiteProblem.objects.filter(pf.OPEN_PROBLEMS.condition_q()),
            pf.PROBLEM_FIGURES,
            place="project__compound__",
            programme="project__programme",
            moment=moment,
        ),
        [],
        aliases(pf.PROBLEM_FIGURES),
    )
    # One work item per project and work type (constraint workitem_one_per_type_and_project),
    # and a project in one finest group: the groups' distinct projects add up.
    sql["work"] = rollup(
        fine(
            WorkItem.objects.all(),
            pf.WORK_FIGURES,
            place="project__compound__",
            programme="project__programme",
            extra={"g_work_type": F("work_type")},
        ),
        ["g_work_type"],
        aliases(pf.WORK_FIGURES),
    )
    sql["work_types"] = ("SELECT id, code FROM programmes_worktype", [])
    sql.update(funding_statements())
    sql.update(governance_statements())
    return sql


def funding_statements() -> dict[str, Statement]:
    sql: dict[str, Statement] = {}
    committed = (ff.PLANNED, ff.APPROVED)
    by_kind = {"g_kind": F("source__kind"), "g_sub_type": F("source__sub_type")}
    line_kind = {
        "g_kind": F("commitment__source__kind"),
        "g_sub_type": F("commitment__source__sub_type"),
    }
    planned, approved = (f.alias for f in committed)
    received, spent = ff.RECEIVED.alias, ff.SPENT.alias

    def lines(what: int, statement: Statement, amount: str, approved_column: str) -> tuple:
        columns = (
            f"{{keys}}, g_kind, g_sub_type, {what} AS what, {amount} AS amount, "
            f"{approved_column} AS approved"
        )
        return statement, columns

    # Below the district: what is booked for projects (commitments, allocations, lines).
    project_keys = "g_street, g_area"
    parts = [
        lines(
            0,
            fine(
                Commitment.objects.filter(project__isnull=False),
                committed,
                place="project__compound__",
                extra=by_kind,
            ),
            planned,
            approved,
        ),
        lines(
            0,
            fine(
                Allocation.objects.all(),
                committed,
                place="project__compound__",
                extra=line_kind,
                source=ff.COMMITTED[2],
            ),
            planned,
            approved,
        ),
        lines(
            1,
            fine(
                Receipt.objects.filter(project__isnull=False),
                (ff.RECEIVED,),
                place="project__compound__",
                extra=line_kind,
            ),
            received,
            "NULL",
        ),
        lines(
            2,
            fine(
                Expenditure.objects.filter(project__isnull=False),
                (ff.SPENT,),
                place="project__compound__",
                extra=line_kind,
            ),
            spent,
            "NULL",
        ),
    ]
    attributed = union(*((s, c.format(keys=project_keys)) for s, c in parts))
    sql["funding_attributed"] = rollup(
        attributed,
        ["g_kind", "g_sub_type", "what"],
        ["amount", "approved"],
        ("street", "area"),
        label=WHAT,
    )
    # District and above: the whole programme's money, by the commitment's programme.
    whole_parts = [
        lines(0, _by_programme(Commitment.objects.all(), committed, by_kind), planned, approved),
        lines(
            1,
            _by_programme(Receipt.objects.all(), (ff.RECEIVED,), line_kind, "commitment__"),
            received,
            "NULL",
        ),
        lines(
            2,
            _by_programme(Expenditure.objects.all(), (ff.SPENT,), line_kind, "commitment__"),
            spent,
            "NULL",
        ),
    ]
    whole_sql, whole_params = union(*((s, c.format(keys="g_programme")) for s, c in whole_parts))
    whole = {
        "district": "pr.district_id",
        "programme": "f.g_programme",
        "city": "d.city_id",
        "all": None,
    }
    head, group = grouped(whole, ["f.g_kind", "f.g_sub_type", "f.what"])
    sql["funding_whole"] = (
        f"""WITH f AS ({whole_sql})
            SELECT {head}, f.g_kind, f.g_sub_type, {WHAT["f.what"]},
                   COALESCE(SUM(f.amount), 0), COALESCE(SUM(f.approved), 0)
            FROM f JOIN programmes_programme pr ON pr.id = f.g_programme
            JOIN programmes_district d ON d.id = pr.district_id
            {group}""",
        whole_params,
    )
    rule_kinds = ("street", "area", "district", "programme")
    # Only rules with projects, and only for their plan year (if they name one): compute.py.
    rules = ContributionRule.objects.filter(
        Q(programme__projects__isnull=False)
        & (Q(year__isnull=True) | Q(year=F("programme__projects__year")))
    )
    through = "programme__projects__"
    resident_sql, resident_params = compiled(
        rules.order_by()
        .values(
            g_street=F(f"{through}compound__street"),
            g_area=F(f"{through}compound__area"),
            g_programme=F("programme"),
            g_rule=F("pk"),
        )
        .annotate(
            **aggregates((pf.PROJECTS,), prefix=through),
            **aggregates((pf.HOUSEHOLDS, pf.FLOOR_AREA), prefix=f"{through}compound__"),
        )
        .order_by()
    )
    sql["residents"] = rollup(
        (resident_sql, resident_params),
        ["g_rule"],
        aliases((pf.PROJECTS, pf.HOUSEHOLDS, pf.FLOOR_AREA)),
        rule_kinds,
    )
    sql["rules"] = (
        "SELECT id, programme_id, name, sub_type, basis, rate FROM funding_contributionrule",
        [],
    )
    sql["districts"] = ("SELECT id, city_id FROM programmes_district", [])
    sql["cities"] = ("SELECT id, province_id FROM programmes_city", [])
    sql["collected"] = rollup(
        fine(
            Receipt.objects.filter(ff.RESIDENTS_COLLECTED.condition_q(), project__isnull=False),
            (ff.RESIDENTS_COLLECTED,),
            place="project__compound__",
            programme="project__programme",
            extra={"g_rule": F("commitment__rule")},
        ),
        ["g_rule"],
        aliases((ff.RESIDENTS_COLLECTED,)),
        rule_kinds,
    )
    return sql


WHAT = {"f.what": "(ARRAY['commitment', 'received', 'spent'])[f.what + 1]"}


def _by_programme(
    queryset: QuerySet, figures: Iterable[Figure], kind: Mapping[str, object], path: str = ""
) -> Statement:
    """Money of the whole programme grouped by the commitment's programme and source."""
    return compiled(
        queryset.order_by()
        .values(g_programme=F(f"{path}programme"), **kind)
        .annotate(**aggregates(figures))
        .order_by()
    )


def governance_statements() -> dict[str, Statement]:
    sql: dict[str, Statement] = {}
    committee = gf.COMMITTEE_FIGURES
    committee_sql, committee_params = compiled(
        ResidentCommittee.objects.order_by()
        .values(g_street=F("street"), g_kind=F("kind"))
        .annotate(**aggregates(committee))
        .order_by()
    )
    street_keys = {"street": "f.g_street", "district": "s.district_id", "city": "d.city_id"}
    head, group = grouped({**street_keys, "all": None}, ["f.g_kind"])
    totals = ", ".join(f"COALESCE(SUM(f.{a}), 0)" for a in aliases(committee))
    sql["committees"] = (
        f"""WITH f AS ({committee_sql})
            SELECT {head}, f.g_kind, {totals}
            FROM f JOIN programmes_street s ON s.id = f.g_street
            JOIN programmes_district d ON d.id = s.district_id
            {group}""",
        committee_params,
    )
    # A committee formed for a whole area counts in that area; a compound's in its area.
    area_sql, area_params = compiled(
        ResidentCommittee.objects.annotate(g_area=Coalesce("area", "compound__area"))
        .filter(g_area__isnull=False)
        .order_by()
        .values("g_area", g_kind=F("kind"))
        .annotate(**aggregates(committee))
        .order_by()
    )
    sql["area_committees"] = (
        f"SELECT 'area', f.g_area, f.g_kind, {totals} FROM ({area_sql}) AS f "
        "GROUP BY f.g_area, f.g_kind",
        area_params,
    )
    sections = {
        "meetings": (gf.MEETING_FIGURES, "compound__"),
        "surveys": (gf.SURVEY_FIGURES, "project__compound__"),
        "votes": (gf.VOTE_FIGURES, "compound__"),
        "fund_collections": (gf.FUND_FIGURES, "project__compound__"),
        "suggestions": (gf.SUGGESTION_FIGURES, "compound__"),
        "satisfaction": (gf.SATISFACTION_FIGURES, "project__compound__"),
        # A compound is in one street and area: distinct per (street, area) adds up.
        "managed": (gf.MANAGEMENT_FIGURES, "compound__"),
    }
    for name, (figures, place) in sections.items():
        sql[name] = rollup(
            fine(figures[0].sources[0].queryset(), figures, place=place),
            [],
            aliases(figures),
            REGISTRY,
        )
    return sql


def run_queries(
    connection, *, today: dt.date, now: dt.datetime, overdue_hours: int
) -> tuple[dict[str, list[tuple]], dict[str, float]]:
    """Execute every statement and fetch its rows; returns (rows, seconds per statement)."""
    rows: dict[str, list[tuple]] = {}
    seconds: dict[str, float] = {}
    with connection.cursor() as cursor:
        for name, (sql, params) in statements(
            today=today, now=now, overdue_hours=overdue_hours
        ).items():
            start = time.perf_counter()
            cursor.execute(sql, params)
            rows[name] = cursor.fetchall()
            seconds[name] = time.perf_counter() - start
    return rows, seconds

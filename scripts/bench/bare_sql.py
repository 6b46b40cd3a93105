"""The national rollup as bare SQL: the figures the snapshots hold, for every scope at once.

One statement per section: the source rows grouped once at the finest level (street, area,
programme), then those groups added up to every scope kind (street, area, district, programme,
city and the whole country) with `GROUP BY GROUPING SETS`, so every figure is computed in the
database in one pass over the source table per section. `run_queries` is what the benchmark
times; bare_compare.py arranges the rows in the snapshot's JSON shape (renovation/rollups/
compute.py) and checks, scope by scope, that the SQL computed the same figures as the
application: the comparison is what makes the time ratio fair.

Counting rules restated from compute.py: compounds by the stage of their current project
(a programme counts its own projects); started/completed by year; targets per district
programme; projects under construction with plain and budget-weighted progress sums and
overdue reports; open and overdue site problems; work items per work type; money per funding
kind and sub-type (attributed to projects below the district, whole programme above);
resident contribution rules; eight governance indicators (not for programmes). City and
national figures are the sums of their districts.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable

ELIGIBLE = "eligible"
CONSTRUCTION = "construction"
OPEN = "open"
APPROVED = "approved"
NOT_TALLIED = "none"
SUGGESTION_OPEN = ["received", "assigned"]
WITH_PROGRAMME = ("street", "area", "district", "programme", "city", "all")
REGISTRY = ("street", "area", "district", "city", "all")
ROLLUP_KEYS = {
    "street": "f.street_id",
    "area": "f.area_id",
    "district": "s.district_id",
    "programme": "f.programme_id",
    "city": "d.city_id",
    "all": None,
}
BY_PROJECT = """JOIN programmes_project p ON p.id = x.project_id
    JOIN programmes_compound c ON c.id = p.compound_id"""
BY_COMPOUND = "JOIN programmes_compound c ON c.id = x.compound_id"


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
    fine: str,
    extra: list[str],
    sums: list[str],
    kinds: Iterable[str] = WITH_PROGRAMME,
    *,
    label: dict[str, str] | None = None,
    join: str = "",
) -> str:
    """Two steps: `fine` groups the source rows by (street_id, area_id[, programme_id],
    *extra) with columns named *extra, *sums; the outer query adds those groups up to every
    scope kind in `kinds` with GROUPING SETS (a street is in one district, a district in one
    city, so each source row counts once per kind). `label` selects an expression instead of
    a plain extra column; `join` adds tables to the outer query (for labels), whose columns
    `extra` may name as `table.column`."""
    keys = {kind: ROLLUP_KEYS[kind] for kind in kinds}
    extra = [e if "." in e else f"f.{e}" for e in extra]
    head, group = grouped(keys, extra)
    label = label or {}
    columns = ", ".join(label.get(e, e) for e in extra)
    totals = ", ".join(f"SUM(f.{name})" for name in sums)
    return f"""WITH f AS ({fine})
        SELECT {head}, {columns}{", " if columns else ""}{totals}
        FROM f JOIN programmes_street s ON s.id = f.street_id
        JOIN programmes_district d ON d.id = s.district_id {join}
        {group}"""


WHAT = {"f.what": "(ARRAY['commitment', 'received', 'spent'])[f.what + 1]"}


def statements(*, today: dt.date, now: dt.datetime, overdue_hours: int) -> dict[str, tuple]:
    """name → (sql, params): every statement of the bare rollup."""
    sql: dict[str, tuple] = {}
    sql["stages"] = (
        rollup(
            """SELECT c.street_id, c.area_id, cp.stage, COUNT(*) AS n,
                      SUM(c.households) AS h,
                      COUNT(*) FILTER (WHERE c.survey_status = %s) AS eligible
               FROM programmes_compound c
               LEFT JOIN programmes_project cp ON cp.id = c.current_project_id
               GROUP BY 1, 2, 3""",
            ["stage"],
            ["n", "h", "eligible"],
            REGISTRY,
        ),
        [ELIGIBLE],
    )
    sql["programme_stages"] = (
        """SELECT 'programme', p.programme_id, p.stage, COUNT(*), SUM(c.households),
                  COUNT(*) FILTER (WHERE c.survey_status = %s)
           FROM programmes_project p JOIN programmes_compound c ON c.id = p.compound_id
           GROUP BY p.programme_id, p.stage""",
        [ELIGIBLE],
    )
    sql["years"] = (
        rollup(
            """SELECT c.street_id, c.area_id, p.programme_id, w.what,
                      EXTRACT(YEAR FROM CASE WHEN w.what = 'started' THEN p.started_on
                                             ELSE p.completed_on END)::int AS y,
                      COUNT(*) AS n, SUM(c.households) AS h
               FROM programmes_project p JOIN programmes_compound c ON c.id = p.compound_id
               CROSS JOIN (VALUES ('started'), ('completed')) AS w(what)
               WHERE CASE WHEN w.what = 'started' THEN p.started_on
                          ELSE p.completed_on END IS NOT NULL
               GROUP BY 1, 2, 3, 4, 5""",
            ["what", "y"],
            ["n", "h"],
        ),
        [],
    )
    target_keys = {
        "district": "pr.district_id",
        "programme": "t.programme_id",
        "city": "d.city_id",
        "all": None,
    }
    head, group = grouped(target_keys, ["t.year"])
    sql["targets"] = (
        f"""SELECT {head}, t.year, SUM(t.compounds), SUM(t.households)
            FROM programmes_yeartarget t
            JOIN programmes_programme pr ON pr.id = t.programme_id
            JOIN programmes_district d ON d.id = pr.district_id
            {group}""",
        [],
    )
    building = f"p.stage = '{CONSTRUCTION}'"
    sql["projects"] = (
        rollup(
            f"""SELECT c.street_id, c.area_id, p.programme_id, COUNT(*) AS n,
                       COUNT(*) FILTER (WHERE {building}) AS building,
                       SUM(p.progress) FILTER (WHERE {building}) AS progress,
                       SUM(p.progress * p.budget) FILTER (WHERE {building}) AS weighted,
                       SUM(p.budget) FILTER (WHERE {building}) AS budget_building,
                       SUM(p.budget) AS budget,
                       COUNT(*) FILTER (WHERE {building} AND COALESCE(p.last_report_on,
                           p.started_on) < %s::date - pr.report_overdue_days) AS overdue
                FROM programmes_project p JOIN programmes_compound c ON c.id = p.compound_id
                JOIN programmes_programme pr ON pr.id = p.programme_id
                GROUP BY 1, 2, 3""",
            [],
            ["n", "building", "progress", "weighted", "budget_building", "budget", "overdue"],
        ),
        [today],
    )
    sql["problems"] = (
        rollup(
            f"""SELECT c.street_id, c.area_id, p.programme_id, COUNT(*) AS n,
                       COUNT(*) FILTER (WHERE x.created_at < %s) AS overdue
                FROM programmes_siteproblem x {BY_PROJECT}
                WHERE x.status = %s
                GROUP BY 1, 2, 3""",
            [],
            ["n", "overdue"],
        ),
        [now - dt.timedelta(hours=overdue_hours), OPEN],
    )
    # One work item per project and work type (constraint workitem_one_per_type_and_project),
    # so counting items counts projects.
    head, group = grouped(
        {
            "street": "c.street_id",
            "area": "c.area_id",
            "district": "s.district_id",
            "programme": "p.programme_id",
            "city": "d.city_id",
            "all": None,
        },
        ["x.work_type_id"],
    )
    sql["work"] = (
        f"""SELECT {head}, x.work_type_id, COUNT(*), SUM(x.planned_quantity),
                   SUM(x.completed_quantity), SUM(x.budget)
            FROM programmes_workitem x {BY_PROJECT}
            JOIN programmes_street s ON s.id = c.street_id
            JOIN programmes_district d ON d.id = s.district_id
            {group}""",
        [],
    )
    sql["work_types"] = ("SELECT id, code FROM programmes_worktype", [])
    sql.update(funding_statements())
    sql.update(governance_statements())
    return sql


def funding_statements() -> dict[str, tuple]:
    sql: dict[str, tuple] = {}
    # Below the district: what is booked for projects (commitments, allocations, lines),
    # added up by funding source first, then by the source's kind and sub-type.
    sql["funding_attributed"] = (
        rollup(
            """SELECT c.street_id, c.area_id, x.source_id, x.what,
                      SUM(x.amount) AS amount, SUM(x.approved) AS approved
               FROM (
                 SELECT cm.project_id, cm.source_id, 0 AS what, cm.amount,
                        CASE WHEN cm.status = %s THEN cm.amount END AS approved
                 FROM funding_commitment cm WHERE cm.project_id IS NOT NULL
                 UNION ALL
                 SELECT al.project_id, cm.source_id, 0, al.amount,
                        CASE WHEN cm.status = %s THEN al.amount END
                 FROM funding_allocation al
                 JOIN funding_commitment cm ON cm.id = al.commitment_id
                 UNION ALL
                 SELECT r.project_id, cm.source_id, 1, r.amount, NULL
                 FROM funding_receipt r JOIN funding_commitment cm ON cm.id = r.commitment_id
                 WHERE r.project_id IS NOT NULL
                 UNION ALL
                 SELECT e.project_id, cm.source_id, 2, e.amount, NULL
                 FROM funding_expenditure e
                 JOIN funding_commitment cm ON cm.id = e.commitment_id
                 WHERE e.project_id IS NOT NULL
               ) AS x
               JOIN programmes_project p ON p.id = x.project_id
               JOIN programmes_compound c ON c.id = p.compound_id
               GROUP BY 1, 2, 3, 4""",
            ["fs.kind", "fs.sub_type", "what"],
            ["amount", "approved"],
            ("street", "area"),
            label=WHAT,
            join="JOIN funding_fundingsource fs ON fs.id = f.source_id",
        ),
        [APPROVED, APPROVED],
    )
    # District and above: the whole programme's money, by the commitment's programme.
    whole = {
        "district": "pr.district_id",
        "programme": "x.programme_id",
        "city": "d.city_id",
        "all": None,
    }
    head, group = grouped(whole, ["fs.kind", "fs.sub_type", "x.what"])
    sql["funding_whole"] = (
        f"""SELECT {head}, fs.kind, fs.sub_type,
                   (ARRAY['commitment', 'received', 'spent'])[x.what + 1],
                   SUM(x.amount), SUM(x.approved)
            FROM (
              SELECT cm.programme_id, cm.source_id, 0 AS what, SUM(cm.amount) AS amount,
                     SUM(cm.amount) FILTER (WHERE cm.status = %s) AS approved
              FROM funding_commitment cm GROUP BY 1, 2
              UNION ALL
              SELECT cm.programme_id, cm.source_id, 1, SUM(r.amount), NULL
              FROM funding_receipt r JOIN funding_commitment cm ON cm.id = r.commitment_id
              GROUP BY 1, 2
              UNION ALL
              SELECT cm.programme_id, cm.source_id, 2, SUM(e.amount), NULL
              FROM funding_expenditure e JOIN funding_commitment cm ON cm.id = e.commitment_id
              GROUP BY 1, 2
            ) AS x
            JOIN funding_fundingsource fs ON fs.id = x.source_id
            JOIN programmes_programme pr ON pr.id = x.programme_id
            JOIN programmes_district d ON d.id = pr.district_id
            {group}""",
        [APPROVED],
    )
    rule_kinds = ("street", "area", "district", "programme")
    sql["residents"] = (
        rollup(
            """SELECT c.street_id, c.area_id, p.programme_id, cr.id AS rule_id,
                      COUNT(*) AS projects, SUM(c.households) AS households,
                      SUM(c.floor_area) AS floor_area
               FROM funding_contributionrule cr
               JOIN programmes_project p ON p.programme_id = cr.programme_id
                    AND (cr.year IS NULL OR cr.year = p.year)
               JOIN programmes_compound c ON c.id = p.compound_id
               GROUP BY 1, 2, 3, 4""",
            ["rule_id"],
            ["projects", "households", "floor_area"],
            rule_kinds,
        ),
        [],
    )
    sql["rules"] = (
        "SELECT id, programme_id, name, sub_type, basis, rate FROM funding_contributionrule",
        [],
    )
    sql["districts"] = ("SELECT id, city_id FROM programmes_district", [])
    sql["cities"] = ("SELECT id, province_id FROM programmes_city", [])
    sql["collected"] = (
        rollup(
            """SELECT c.street_id, c.area_id, p.programme_id, cm.rule_id,
                      SUM(x.amount) AS amount
               FROM funding_receipt x
               JOIN funding_commitment cm ON cm.id = x.commitment_id AND cm.rule_id IS NOT NULL
               JOIN programmes_project p ON p.id = x.project_id
               JOIN programmes_compound c ON c.id = p.compound_id
               GROUP BY 1, 2, 3, 4""",
            ["rule_id"],
            ["amount"],
            rule_kinds,
        ),
        [],
    )
    return sql


def governance_statements() -> dict[str, tuple]:
    sql: dict[str, tuple] = {}
    street_keys = {"street": "x.street_id", "district": "s.district_id", "city": "d.city_id"}
    head, group = grouped({**street_keys, "all": None}, ["x.kind"])
    sql["committees"] = (
        f"""SELECT {head}, x.kind, COUNT(*), COALESCE(SUM(x.headcount), 0)
            FROM governance_residentcommittee x
            JOIN programmes_street s ON s.id = x.street_id
            JOIN programmes_district d ON d.id = s.district_id
            {group}""",
        [],
    )
    sql["area_committees"] = (
        """SELECT 'area', COALESCE(x.area_id, c.area_id) AS area, x.kind, COUNT(*),
                  COALESCE(SUM(x.headcount), 0)
           FROM governance_residentcommittee x
           LEFT JOIN programmes_compound c ON c.id = x.compound_id
           WHERE COALESCE(x.area_id, c.area_id) IS NOT NULL
           GROUP BY 2, x.kind""",
        [],
    )

    def latest(table: str, columns: str) -> str:
        return (
            f"(SELECT DISTINCT ON (project_id) project_id, {columns} FROM {table} "
            "WHERE project_id IS NOT NULL ORDER BY project_id, held_on DESC, id DESC)"
        )

    def indicator(source: str, join: str, aggregates: dict[str, str], params=()) -> tuple:
        columns = ", ".join(f"{expr} AS {name}" for name, expr in aggregates.items())
        fine = f"SELECT c.street_id, c.area_id, {columns} FROM {source} x {join} GROUP BY 1, 2"
        return rollup(fine, [], list(aggregates), REGISTRY), list(params)

    sql["meetings"] = indicator(
        "governance_meeting",
        BY_COMPOUND,
        {"n": "COUNT(*)", "people": "COALESCE(SUM(x.attendance), 0)"},
    )
    sql["surveys"] = indicator(
        latest("governance_opinionsurvey", "forms_issued, forms_returned, support"),
        BY_PROJECT,
        {
            "n": "COUNT(*)",
            "issued": "COALESCE(SUM(x.forms_issued), 0)",
            "returned": "COALESCE(SUM(x.forms_returned), 0)",
            "support": "COALESCE(SUM(x.support), 0)",
        },
    )
    tallied = f"x.tally_method <> '{NOT_TALLIED}'"
    sql["votes"] = indicator(
        "governance_ownervote",
        BY_COMPOUND,
        {
            "n": "COUNT(*)",
            "tallied": f"COUNT(*) FILTER (WHERE {tallied})",
            "passed": "COUNT(*) FILTER (WHERE x.passed)",
            "no_quorum": f"COUNT(*) FILTER (WHERE {tallied} AND NOT x.quorum_reached)",
        },
    )
    sql["fund_collections"] = indicator(
        "governance_fundcollection",
        BY_PROJECT,
        {
            "expected": "COALESCE(SUM(x.households_expected), 0)",
            "paid": "COALESCE(SUM(x.households_paid), 0)",
            "amount_expected": "COALESCE(SUM(x.amount_expected), 0)",
            "amount_collected": "COALESCE(SUM(x.amount_collected), 0)",
        },
    )
    answered = "x.answered_at IS NOT NULL"
    sql["suggestions"] = indicator(
        "governance_suggestion",
        BY_COMPOUND,
        {
            "n": "COUNT(*)",
            "answered": f"COUNT(*) FILTER (WHERE {answered})",
            "within": f"COUNT(*) FILTER (WHERE {answered} "
            "AND x.answered_at <= x.received_at + interval '24 hours')",
            "open": "COUNT(*) FILTER (WHERE x.status = ANY(%s))",
        },
        [SUGGESTION_OPEN],
    )
    sql["satisfaction"] = indicator(
        latest("governance_satisfactionsurvey", "respondents, satisfied"),
        BY_PROJECT,
        {
            "respondents": "COALESCE(SUM(x.respondents), 0)",
            "satisfied": "COALESCE(SUM(x.satisfied), 0)",
        },
    )
    # A compound is in one street and area: distinct per (street, area) adds up.
    sql["managed"] = indicator(
        "governance_longtermmanagement",
        BY_COMPOUND,
        {"n": "COUNT(DISTINCT x.compound_id)"},
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

"""`manage.py generate_synthetic`: reproducible, national-like, and consistent with the services.

The data set (a few hundred compounds) is generated once for the module inside a transaction
that is rolled back at the end. Consistency is checked through the real code: the stage gates of
`programmes.services`, the progress recompute, `governance.rules` for vote outcomes, and the
full rollup against the live selectors.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter, defaultdict
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from funding.models import Allocation, Commitment, Expenditure, Receipt
from funding.selectors import FundingScope, funding_mix
from governance.models import Ballot, OpinionSurvey, OwnerVote
from governance.selectors import vote_result, vote_rule_for
from programmes import selectors as live
from programmes.models import (
    Compound,
    District,
    Programme,
    ProgressReportLine,
    Project,
    Province,
    Stage,
    StageTransition,
    Street,
    WorkItem,
)
from programmes.services import FORWARD_GATES, project_progress_recompute
from renovation.api_keys import ApiKey
from renovation.models import ScopeKind, User
from reporting.rollups.figures import SnapshotFigures
from reporting.rollups.services import rollup_full
from sampledata.synthetic import Options, scale_for
from sampledata.synthetic.tables import TABLES, model
from tests.rollups.test_live_equality import (
    assert_dashboard_matches,
    mix_parts,
    snapshot,
    user_for,
)

COMPOUNDS = 240
SEED = 7

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("synthetic")]


def generate(*args: str, **options) -> str:
    out = StringIO()
    call_command("generate_synthetic", *args, stdout=out, **options)
    return out.getvalue()


@pytest.fixture(scope="module")
def synthetic(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        output = generate(compounds=COMPOUNDS, seed=SEED, yes=True)
        yield output
        transaction.set_rollback(True)


def checksum() -> str:
    """A digest of every column of every generated table, in id order."""
    digest = hashlib.sha256()
    for table in TABLES:
        for row in model(table).objects.order_by("pk").values_list():
            digest.update(repr(row).encode())
    return digest.hexdigest()


# --- Shape ----------------------------------------------------------------------------------


def test_counts_are_as_specified_per_compound_and_project(synthetic):
    projects = Project.objects.count()
    assert Compound.objects.count() == COMPOUNDS
    assert COMPOUNDS * 0.85 <= projects <= COMPOUNDS * 1.05
    assert 9 <= WorkItem.objects.count() / projects <= 11.5
    assert 28 <= ProgressReportLine.objects.count() / projects <= 40
    assert not Street.objects.annotate(n=Count("compounds")).filter(n=0).exists()
    assert "bench-api" in synthetic
    assert "progressreportline" in synthetic


def test_every_stage_year_kind_and_state_is_present():
    assert set(Project.objects.values_list("stage", flat=True)) == set(Stage.values)
    assert set(range(2019, 2026)) <= set(Project.objects.values_list("year", flat=True))
    assert set(Commitment.objects.values_list("source__kind", flat=True)) == {
        "government",
        "market",
        "residents",
        "society",
    }
    assert set(Commitment.objects.values_list("status", flat=True)) == {"planned", "approved"}
    assert Allocation.objects.exists()
    assert Receipt.objects.exists()
    assert Expenditure.objects.exists()
    assert Receipt.objects.filter(project__isnull=True).exists()  # the unassigned pool
    assert set(OwnerVote.objects.values_list("tally_method", flat=True)) >= {"totals", "ballots"}


def test_older_plan_years_are_mostly_completed():
    old = Project.objects.filter(year__lte=2021)
    assert old.filter(completed_on__isnull=False).count() >= 0.9 * old.count()


def test_scale_rule_is_proportional_below_full_size():
    assert scale_for(Options(compounds=300_000)) == scale_for(Options(compounds=900_000))
    full = scale_for(Options(compounds=300_000))
    assert (full.provinces, full.cities, full.districts, full.streets) == (31, 300, 2800, 40000)
    tenth = scale_for(Options(compounds=30_000))
    assert (tenth.cities, tenth.districts, tenth.streets) == (30, 280, 4000)
    small = scale_for(Options(compounds=150))
    assert (small.provinces, small.cities, small.districts, small.streets) == (1, 1, 1, 20)
    assert scale_for(Options(compounds=150, districts=5)).districts == 5


# --- Consistency with the services -----------------------------------------------------------


def test_stage_log_ends_in_the_current_stage_and_dates_follow_it():
    log = defaultdict(list)
    for row in StageTransition.objects.order_by("project_id", "at", "id").values(
        "project_id", "from_stage", "to_stage", "at"
    ):
        log[row["project_id"]].append(row)
    for project in Project.objects.select_related("acceptance"):
        rows = log[project.pk]
        stage = Stage.SURVEYED.value
        for row in rows:
            assert row["from_stage"] == stage
            stage = row["to_stage"]
        assert stage == project.stage
        assert project.version == 1 + len(rows)
        assert project.stage_changed_at == (rows[-1]["at"] if rows else None)
        entered = [r["at"] for r in rows if r["to_stage"] == Stage.CONSTRUCTION]
        if project.stage_index >= Stage.order(Stage.CONSTRUCTION):
            assert project.started_on == timezone.localtime(entered[-1]).date()
        else:
            assert project.started_on is None
        if project.stage_index >= Stage.order(Stage.ACCEPTED):
            assert project.completed_on == project.acceptance.accepted_on
        else:
            assert project.completed_on is None


def test_every_gate_a_project_passed_still_holds():
    checked = Counter()
    for project in Project.objects.select_related("compound", "programme"):
        for stage in Stage.values[1 : project.stage_index + 1]:
            gate = FORWARD_GATES.get(stage)
            if gate is None:
                continue
            result = gate(project)
            assert result.allowed, (project.pk, stage, result.problems)
            checked[stage] += 1
    assert set(checked) == set(FORWARD_GATES)


def test_some_projects_left_consultation_through_a_vote():
    below = 0
    for project in Project.objects.filter(
        stage__in=Stage.values[Stage.order(Stage.DESIGN) :]
    ).select_related("programme"):
        survey = OpinionSurvey.objects.filter(project=project).order_by("-held_on", "-id").first()
        if survey is None or survey.support_rate < project.programme.support_threshold:
            below += 1
            assert OwnerVote.objects.filter(
                project=project, matter="renovate", scope_kind="compound", passed=True
            ).exists()
    assert below > 0


def test_stored_progress_equals_the_progress_service():
    projects = list(
        Project.objects.filter(started_on__isnull=False).order_by("pk").select_related("compound")
    )
    assert len(projects) > 50
    for project in projects[::3]:
        before = (
            project.progress,
            project.last_report_on,
            list(project.work_items.order_by("pk").values_list("completed_quantity", flat=True)),
        )
        project_progress_recompute(project=project)
        project.refresh_from_db()
        after = (
            project.progress,
            project.last_report_on,
            list(project.work_items.order_by("pk").values_list("completed_quantity", flat=True)),
        )
        assert after == before
    assert Project.objects.filter(progress=100, completed_on__isnull=False).exists()
    assert Project.objects.filter(stage=Stage.CONSTRUCTION, progress__gt=0, progress__lt=100)


def test_vote_outcomes_are_those_of_the_art_278_rules():
    tallied = OwnerVote.objects.exclude(tally_method="none").select_related(
        "compound__street__district"
    )
    outcomes = Counter()
    for vote in tallied:
        result = vote_result(vote)
        assert (vote.quorum_reached, vote.passed) == (
            result.outcome.quorum_reached,
            result.outcome.passed,
        )
        rule_set, _rule = vote_rule_for(
            city_id=vote.compound.street.district.city_id, on=vote.held_on, matter=vote.matter
        )
        assert vote.rule_set_id == (rule_set.pk if rule_set else None)
        outcomes["passed" if vote.passed else "quorum" if vote.quorum_reached else "none"] += 1
        if vote.tally_method == "ballots":
            ballots = Ballot.objects.filter(vote=vote)
            assert ballots.count() == vote.participating_owners
            assert ballots.aggregate(a=Sum("area"))["a"] == vote.participating_area
            agree = ballots.filter(choice="agree").aggregate(a=Sum("area"))["a"] or 0
            assert agree == vote.agree_area
    assert set(outcomes) == {"passed", "quorum", "none"}


def test_money_moves_as_the_funding_services_allow():
    for commitment in Commitment.objects.annotate(
        n_alloc=Count("allocations", distinct=True),
        n_receipts=Count("receipts", distinct=True),
        n_spent=Count("expenditures", distinct=True),
    ):
        approved = commitment.status == Commitment.Status.APPROVED
        events = int(approved) + commitment.n_alloc + commitment.n_receipts + commitment.n_spent
        assert commitment.version == 1 + events
        assert approved or commitment.n_receipts == 0
        allocated = commitment.allocations.aggregate(s=Sum("amount"))["s"] or 0
        assert allocated <= commitment.amount
    lines = defaultdict(lambda: [Decimal(0), Decimal(0), False])
    for r in Receipt.objects.values("commitment_id", "project_id", "amount", "over_reason"):
        line = lines[(r["commitment_id"], r["project_id"])]
        line[0] += r["amount"]
        line[2] = line[2] or bool(r["over_reason"])
    for e in Expenditure.objects.values("commitment_id", "project_id", "amount"):
        lines[(e["commitment_id"], e["project_id"])][1] += e["amount"]
    caps = {(a.commitment_id, a.project_id): a.amount for a in Allocation.objects.all()}
    for c in Commitment.objects.filter(project__isnull=False):
        caps[(c.pk, c.project_id)] = c.amount
    for key, (received, spent, over) in lines.items():
        assert spent <= received
        if key in caps and not over:
            assert received <= caps[key]


def test_full_rollup_equals_the_live_figures():
    rollup_full()
    year = timezone.localdate().year
    for district in District.objects.filter(streets__compounds__isnull=False).distinct():
        assert_dashboard_matches(user_for(ScopeKind.DISTRICT, district.pk), year)
        assert_dashboard_matches(user_for(ScopeKind.DISTRICT, district.pk), 2024)
    for street in Street.objects.order_by("pk")[:6]:
        assert_dashboard_matches(user_for(ScopeKind.STREET, street.pk), year)
    assert_dashboard_matches(user_for(ScopeKind.ALL, 0), year)
    for programme in Programme.objects.all():
        official = user_for(ScopeKind.DISTRICT, programme.district_id)
        figures = SnapshotFigures(snapshot(ScopeKind.PROGRAMME, programme.pk).figures)
        scope = live.StatisticsScope(programme=programme)
        assert list(figures.years().values()) == live.progress_statistics(
            user=official, scope=scope
        )
        mix = funding_mix(user=official, scope=FundingScope(programme=programme))
        assert mix_parts(figures.funding_mix()) == mix_parts(mix)
    national = SnapshotFigures(snapshot(ScopeKind.ALL, 0).figures)
    assert national.compounds == COMPOUNDS
    assert national.funding_totals()["received"] > 0
    assert national.indicators().votes_passed > 0


# --- Accounts, refusals, reproducibility ------------------------------------------------------


def test_benchmark_accounts_are_scoped_to_the_biggest_district():
    district = District.objects.annotate(n=Count("streets__compounds")).order_by("-n", "pk").first()
    official = User.objects.get(username="bench-district")
    assert official.district_id == district.pk
    assert official.check_password("bench-pass-2026")
    street = User.objects.get(username="bench-street").street
    assert street.district_id == district.pk
    assert User.objects.get(username="bench-city").city_id == district.city_id
    api = User.objects.get(username="bench-api")
    assert api.role == User.Role.API_CLIENT
    assert ApiKey.objects.filter(owner=api, revoked_at__isnull=True).exists()
    assert not User.objects.get(username="synthetic").is_active


def test_refuses_to_run_again_without_replace():
    with pytest.raises(CommandError, match="--replace"):
        generate(compounds=20, yes=True)


def test_refuses_a_database_with_other_registry_data():
    Province.objects.create(name="测试省", code="99")
    with pytest.raises(CommandError, match="not synthetic"):
        generate(compounds=20, yes=True, replace=True)


def test_refuses_a_base_date_before_the_plan_years_are_over():
    with pytest.raises(CommandError, match="--as-of"):
        generate(compounds=20, yes=True, replace=True, as_of=dt.date(2025, 3, 1))
    assert Compound.objects.count() == COMPOUNDS


def test_asks_for_yes_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--yes"):
        generate(compounds=20, replace=True)
    assert Compound.objects.count() == COMPOUNDS


def catalogue_of_loaded_tables() -> list[tuple]:
    """Every constraint and index of the loaded tables, with its definition (PostgreSQL)."""
    names = [model(table)._meta.db_table for table in TABLES]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint
            WHERE conrelid::regclass::text = ANY(%s)
            UNION ALL
            SELECT tablename, indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s)
            ORDER BY 1, 2, 3
            """,
            [names, names],
        )
        return cursor.fetchall()


def test_the_load_restores_every_index_and_constraint():
    if connection.vendor != "postgresql":
        pytest.skip("indexes and constraints are dropped and re-created on PostgreSQL only")
    before = catalogue_of_loaded_tables()
    generate(compounds=60, seed=SEED, yes=True, replace=True)
    assert catalogue_of_loaded_tables() == before
    assert len(before) > 200


def test_same_seed_gives_identical_data_and_another_seed_differs():
    first = checksum()
    generate(compounds=COMPOUNDS, seed=SEED, yes=True, replace=True)
    assert checksum() == first
    assert Compound.objects.filter(Q(code__startswith="SYN")).count() == COMPOUNDS
    generate(compounds=COMPOUNDS, seed=SEED + 1, yes=True, replace=True)
    assert checksum() != first

"""`manage.py load_demo`: the published figures of the seed reports come back from the ORM.

The demo is loaded once for the module inside a transaction that is rolled back at the end, so
other test modules never see it.
"""

from __future__ import annotations

from decimal import Decimal
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, F, Q, Sum

from governance.models import OpinionSurvey
from programmes.models import (
    AcceptanceRecord,
    Area,
    Building,
    Compound,
    Programme,
    ProgressReport,
    Project,
    SiteProblem,
    Stage,
    StageTransition,
    WorkItem,
    YearTarget,
)
from programmes.services import weighted_progress
from renovation.models import User

QINGYANG, ESHAN, XIGONG, NANTONG = "510105", "530426", "410303", "320613"
DONE = [Stage.ACCEPTED, Stage.HANDED_OVER]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        out = StringIO()
        call_command("load_demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]


def totals(queryset, *fields):
    return queryset.aggregate(n=Count("id"), **{f: Sum(f) for f in fields})


def programme(district_code: str, name_contains: str) -> Programme:
    return Programme.objects.get(district__code=district_code, name__contains=name_contains)


def test_qingyang_census():
    old = Compound.objects.filter(street__district__code=QINGYANG)
    assert old.count() == 1267
    by_status = dict(old.values_list("survey_status").annotate(n=Count("id")))
    assert by_status == {"eligible": 1034, "good": 185, "redeveloped": 48}
    assert not old.filter(year_built__gte=2005).exists()
    assert Area.objects.filter(district__code=QINGYANG).count() == 8


def test_qingyang_13th_and_14th_plans():
    p13 = programme(QINGYANG, "十三五")
    assert totals(p13.projects.all(), "compound__households") == {
        "n": 415,
        "compound__households": 35_200,
    }
    assert not p13.projects.exclude(stage=Stage.HANDED_OVER).exists()

    p14 = programme(QINGYANG, "十四五")
    assert p14.support_threshold == Decimal("90.00")
    assert totals(p14.projects.all(), "compound__households") == {
        "n": 619,
        "compound__households": 57_800,
    }
    targets = dict(p14.targets.values_list("year", "compounds"))
    assert targets == {2021: 50, 2022: 162, 2023: 186, 2024: 221, 2025: 0}
    assert p14.targets.aggregate(h=Sum("households"))["h"] == 57_800
    for target in p14.targets.exclude(compounds=0):
        planned = p14.projects.filter(year=target.year)
        assert planned.count() == target.compounds
        assert planned.aggregate(h=Sum("compound__households"))["h"] == target.households
        # Completed as planned, inside the year.
        assert (
            planned.filter(
                stage__in=DONE, started_on__year=target.year, completed_on__year=target.year
            ).count()
            == target.compounds
        )
    # Every eligible compound is in exactly one of the two plans.
    eligible = Compound.objects.filter(street__district__code=QINGYANG, survey_status="eligible")
    in_plans = eligible.filter(projects__programme__in=[p13, p14]).distinct().count()
    assert in_plans == 1034
    caotang = p14.projects.filter(compound__street__name="草堂街道").count()
    assert caotang >= 619 // 7


def test_qingyang_named_compounds():
    expected = {
        "浣花小区": "草堂街道",
        "群和街2号": "光华街道",
        "双清中路98号教师公寓": "府南街道",
        "小福建营巷": "西御河街道",
    }
    for name, street in expected.items():
        compound = Compound.objects.get(name=name, street__district__code=QINGYANG)
        assert compound.street.name == street
    fanglin = Compound.objects.get(name="芳邻路2号")
    assert fanglin.street.name in {"府南街道", "少城街道"}
    assert fanglin.projects.filter(programme__name__contains="十三五").exists()
    for name in ("培中路80号", "同瑞园"):
        assert Compound.objects.filter(name=name, street__district__code=QINGYANG).exists()
    qunhe = OpinionSurvey.objects.get(project__compound__name="群和街2号")
    assert qunhe.support_rate == Decimal("100.0")
    shuangqing = OpinionSurvey.objects.get(project__compound__name="双清中路98号教师公寓")
    assert (shuangqing.forms_issued, shuangqing.forms_returned, shuangqing.suggestions) == (
        356,
        356,
        22,
    )
    assert shuangqing.support_rate >= 90


def test_buildings_match_compounds_where_loaded():
    with_rows = Compound.objects.annotate(rows=Count("buildings")).filter(rows__gt=0)
    assert not with_rows.exclude(rows=F("building_count")).exists()
    mismatched = with_rows.annotate(bh=Sum("buildings__households")).exclude(bh=F("households"))
    assert not mismatched.exists()


def test_qingyang_2026_demo_programme():
    p26 = programme(QINGYANG, "2026")
    assert "虚构" in p26.description or "fictional" in p26.description
    projects = p26.projects.all()
    target = p26.targets.get(year=2026)
    assert target.compounds == projects.count() >= 20
    assert target.households == projects.aggregate(h=Sum("compound__households"))["h"]
    stages = dict(projects.values_list("stage").annotate(n=Count("id")))
    for stage in ("surveyed", "consultation", "design", "approved", "tendering"):
        assert stages.get(stage, 0) >= 1, stage
    assert stages["construction"] >= 6
    assert 2 <= stages["accepted"] <= 3
    construction = projects.filter(stage=Stage.CONSTRUCTION)
    assert construction.filter(compound__street__name="草堂街道").count() >= 4
    assert construction.filter(compound__name="浣花小区").exists()
    assert not construction.filter(Q(started_on__year__lt=2026) | Q(started_on__isnull=True))

    consultation_rates = [
        s.support_rate
        for s in OpinionSurvey.objects.filter(
            project__programme=p26, project__stage=Stage.CONSULTATION
        )
    ]
    assert any(rate >= 90 for rate in consultation_rates)
    assert any(rate < 90 for rate in consultation_rates)

    for project in projects.prefetch_related("work_items"):
        items = list(project.work_items.all())
        assert 4 <= len(items) <= 8
        assert sum(i.budget for i in items) == project.budget
        assert project.compound.buildings.count() == project.compound.building_count
    for project in construction:
        reports = ProgressReport.objects.filter(project=project).order_by("report_date")
        assert reports.count() >= 2
        assert project.last_report_on == reports.last().report_date
        items = project.work_items.values_list("planned_quantity", "completed_quantity", "budget")
        assert project.progress == weighted_progress(items)
        assert 0 < project.progress < 100
    for project in projects.filter(stage=Stage.ACCEPTED):
        assert project.progress == 100
        assert project.acceptance.residents_present > 0

    problems = SiteProblem.objects.filter(project__programme=p26)
    assert problems.overdue().filter(project__compound__street__name="草堂街道").exists()
    closed = problems.filter(status="closed")
    assert closed.exists()
    assert not closed.filter(Q(resolution="") | Q(closed_at__isnull=True)).exists()


def test_eshan_totals_and_phase_one():
    compounds = Compound.objects.filter(street__district__code=ESHAN)
    assert totals(compounds, "building_count", "households", "residents", "floor_area") == {
        "n": 67,
        "building_count": 150,
        "households": 2911,
        "residents": 8733,
        "floor_area": Decimal("234000.00"),
    }
    assert Building.objects.filter(compound__in=compounds).count() == 150
    assert not compounds.filter(year_built__gte=2000).exists()
    es = programme(ESHAN, "峨山")
    assert es.projects.aggregate(b=Sum("budget"))["b"] == Decimal("240000000.00")
    phase1 = es.projects.filter(batch__name="一期")
    assert totals(
        phase1, "compound__building_count", "compound__households", "compound__floor_area", "budget"
    ) == {
        "n": 22,
        "compound__building_count": 54,
        "compound__households": 1104,
        "compound__floor_area": Decimal("75000.00"),
        "budget": Decimal("32000000.00"),
    }
    assert not phase1.exclude(completed_on__year=2020).exists()
    assert set(es.projects.values_list("completed_on__year", flat=True)) == {2020, 2021, 2022}
    assert Area.objects.filter(district__code=ESHAN).count() == 6


def test_eshan_phase_one_work_items_and_surveys():
    items = WorkItem.objects.filter(
        project__programme__district__code=ESHAN, project__batch__name="一期"
    )
    sums = dict(items.values_list("work_type__code").annotate(q=Sum("planned_quantity")))
    assert sums["rain-pipe"] == Decimal("2537")
    assert {
        code: int(sums[code])
        for code in (
            "wall-removal",
            "illegal-structures",
            "parking-spaces",
            "sewage-pipe",
            "telecom-line",
            "gas-pipe",
            "pavilions",
            "bike-sheds",
            "trees",
        )
    } == {
        "wall-removal": 2000,
        "illegal-structures": 440,
        "parking-spaces": 330,
        "sewage-pipe": 2638,
        "telecom-line": 6345,
        "gas-pipe": 2659,
        "pavilions": 11,
        "bike-sheds": 11,
        "trees": 463,
    }
    assert not items.exclude(completed_quantity=F("planned_quantity")).exists()
    surveys = OpinionSurvey.objects.filter(
        project__programme__district__code=ESHAN, project__batch__name="一期"
    )
    assert surveys.values("project").distinct().count() == 22
    assert surveys.aggregate(f=Sum("forms_issued"), s=Sum("suggestions")) == {"f": 1064, "s": 56}
    assert all(s.support_rate > 90 for s in surveys)


def test_xigong():
    compounds = Compound.objects.filter(street__district__code=XIGONG)
    assert compounds.count() == 537
    assert Area.objects.filter(district__code=XIGONG).count() == 30
    assert compounds.values("area").distinct().count() == 30
    xg = programme(XIGONG, "西工")
    assert xg.projects.count() == 537
    done = xg.projects.filter(stage__in=DONE)
    assert totals(done, "compound__households", "compound__residents") == {
        "n": 259,
        "compound__households": 38_000,
        "compound__residents": 152_000,
    }
    assert done.filter(completed_on__year__range=(2021, 2025)).count() == 259
    assert xg.targets.aggregate(n=Sum("compounds"))["n"] == 537


def test_nantong():
    nt = programme(NANTONG, "2023")
    assert totals(
        nt.projects.all(),
        "budget",
        "compound__households",
        "compound__building_count",
        "compound__floor_area",
    ) == {
        "n": 68,
        "budget": Decimal("1540000000.00"),
        "compound__households": 29_234,
        "compound__building_count": 907,
        "compound__floor_area": Decimal("3008000.00"),
    }
    assert Building.objects.filter(compound__street__district__code=NANTONG).count() == 907
    target = YearTarget.objects.get(programme=nt, year=2023)
    assert (target.compounds, target.households, target.buildings) == (68, 29_234, 907)
    assert nt.projects.filter(stage__in=DONE).count() >= 60


def test_lifecycle_records_are_consistent():
    completed = Project.objects.filter(completed_on__isnull=False)
    assert completed.count() == AcceptanceRecord.objects.count()
    assert not AcceptanceRecord.objects.filter(residents_present=0).exists()
    assert not Project.objects.filter(stage__in=DONE, completed_on__isnull=True).exists()
    # Every project beyond “surveyed” has a transition into its current stage.
    moved = Project.objects.exclude(stage=Stage.SURVEYED)
    last = StageTransition.objects.filter(project__in=moved).values("project").distinct()
    assert last.count() == moved.count()
    assert not Compound.objects.filter(projects__isnull=False, current_project__isnull=True)


def test_demo_users(demo):
    expected = {
        "city": ("city_viewer", {"city__name": "成都市"}),
        "district": ("district_official", {"district__name": "青羊区"}),
        "street": ("street_officer", {"street__name": "草堂街道"}),
        "api": ("api_client", {"city__name": "成都市"}),
        "auditor": ("auditor", {"city__name": "成都市"}),
        "province": ("city_viewer", {"province__name": "四川省", "city": None}),
    }
    for username, (role, scope) in expected.items():
        user = User.objects.get(username=username, **scope)
        assert user.role == role
        assert user.check_password("demo-pass-2026")
    admin = User.objects.get(username="admin")
    assert admin.is_superuser
    assert admin.is_staff
    assert admin.check_password("demo-pass-2026")
    for username in expected:
        assert username in demo
    assert "demo-pass-2026" in demo


def test_second_run_changes_no_counts():
    models = apps.get_models()
    before = {m._meta.label: m._default_manager.count() for m in models}
    call_command("load_demo", stdout=StringIO())
    after = {m._meta.label: m._default_manager.count() for m in models}
    assert after == before

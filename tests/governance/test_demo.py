"""The governance demo: the seed reports' figures come back from the governance selectors.

The demo is loaded once for the module inside a transaction rolled back at the end."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, Sum
from django.test import Client
from django.urls import reverse

from governance import selectors
from governance.models import (
    Disclosure,
    FundCollection,
    LongTermManagement,
    Meeting,
    OpinionSurvey,
    OwnerVote,
    ResidentCommittee,
    SatisfactionSurvey,
    Suggestion,
)
from programmes.models import Compound
from renovation.models import User
from sampledata.demo.governance import MEMBERS, load_governance_demo

QINGYANG, ESHAN, XIGONG = "510105", "530426", "410303"


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=StringIO())
        load_governance_demo()
        yield
        transaction.set_rollback(True)


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]


def compound(district: str, name: str) -> Compound:
    return Compound.objects.get(street__district__code=district, name=name)


def test_eshan_phase_one_forms_suggestions_and_support():
    surveys = OpinionSurvey.objects.filter(
        project__compound__street__district__code=ESHAN, scope_label__contains="一期"
    )
    assert surveys.aggregate(f=Sum("forms_issued"))["f"] == 1064
    assert Suggestion.objects.filter(compound__street__district__code=ESHAN).count() == 56
    totals = surveys.aggregate(s=Sum("support"), r=Sum("forms_returned"))
    assert totals["s"] * 100 > totals["r"] * 90


def test_qunhe_full_support_before_and_full_satisfaction_after():
    qunhe = compound(QINGYANG, "群和街2号")
    survey = OpinionSurvey.objects.get(project__compound=qunhe)
    satisfaction = SatisfactionSurvey.objects.get(project__compound=qunhe)
    assert survey.support_rate == Decimal("100.0")
    assert satisfaction.satisfied_rate == Decimal("100.0")
    assert satisfaction.respondents == qunhe.households
    assert Meeting.objects.filter(compound=qunhe).count() == 7  # the seven-step method


def test_shuangqing_meetings_forms_suggestions_and_fund():
    shuangqing = compound(QINGYANG, "双清中路98号教师公寓")
    assert Meeting.objects.filter(compound=shuangqing, kind="courtyard").count() == 5
    assert OpinionSurvey.objects.get(project__compound=shuangqing).forms_issued == 356
    assert Suggestion.objects.filter(compound=shuangqing).count() == 22
    fund = FundCollection.objects.get(project__compound=shuangqing)
    assert fund.household_rate == Decimal("100.0")
    assert fund.amount_rate == Decimal("100.0")


def test_qingyang_party_branches_grid_workers_and_volunteers():
    committees = ResidentCommittee.objects.filter(street__district__code=QINGYANG)
    by_kind = {
        row["kind"]: (row["n"], row["h"])
        for row in committees.values("kind").annotate(n=Count("id"), h=Sum("headcount"))
    }
    assert by_kind["party_branch"][0] == 91
    assert by_kind["grid_team"][1] == 484
    assert by_kind["volunteer_team"][0] > 120
    assert by_kind["volunteer_team"][1] == 376
    branch_streets = set(
        committees.filter(kind="party_branch").values_list("street__name", flat=True)
    )
    assert branch_streets <= {"西御河街道", "少城街道", "草堂街道", "府南街道"}


def test_qingyang_dashboard_indicators_roll_up_the_demo():
    official = User.objects.get(username="district")
    figures = selectors.governance_indicators(user=official)
    assert figures.kind("party_branch")["count"] == 91
    assert figures.kind("volunteer_team")["headcount"] == 376
    assert figures.satisfaction_rate == Decimal("100.0")
    assert figures.fund_household_rate == Decimal("100.0")
    assert figures.suggestions == 14 + 22
    assert 0 < figures.within_day_rate < 100


def test_elevator_votes_on_building_units_one_passes_one_fails_quorum():
    votes = {v.title: v for v in OwnerVote.objects.filter(compound__name="道南路70号院")}
    passing, failing = votes["1栋2单元加装电梯"], votes["3栋1单元加装电梯"]
    assert (passing.scope_kind, passing.unit, passing.building.name) == ("unit", "2单元", "1栋")
    assert passing.passed
    assert passing.tally_method == "ballots"
    assert passing.ballots.count() == passing.participating_owners == 11
    assert failing.scope_kind == "unit"
    assert not failing.quorum_reached
    assert not failing.passed


def test_caotang_public_benefit_property_fee():
    fees = set(
        LongTermManagement.objects.filter(
            compound__street__name="草堂街道", mode="public_benefit"
        ).values_list("fee_per_m2", flat=True)
    )
    assert fees == {Decimal("0.40")}


def test_demo_disclosure_is_public_and_shows_no_member():
    disclosure = Disclosure.objects.get(token="demo-approved-2026")
    text = Client().get(reverse("governance:public-disclosure", args=[disclosure.token]))
    body = text.content.decode()
    assert text.status_code == 200
    for members in MEMBERS.values():
        for name, _role, _b, _u, _p, phone in members:
            assert name not in body
            assert phone not in body


def test_governance_demo_is_idempotent():
    before = (
        ResidentCommittee.objects.count(),
        Suggestion.objects.count(),
        Meeting.objects.count(),
        OwnerVote.objects.count(),
        Disclosure.objects.count(),
        LongTermManagement.objects.count(),
    )
    load_governance_demo()
    after = (
        ResidentCommittee.objects.count(),
        Suggestion.objects.count(),
        Meeting.objects.count(),
        OwnerVote.objects.count(),
        Disclosure.objects.count(),
        LongTermManagement.objects.count(),
    )
    assert before == after


@pytest.mark.parametrize("username", ["district", "street", "city"])
def test_dashboard_total_is_the_sum_of_its_streets_and_equals_the_rollup(username):
    user = User.objects.get(username=username)
    panel = selectors.dashboard_governance_panel(user=user)
    rollup = selectors.governance_indicators(user=user)
    assert panel.figures == rollup
    assert panel.figures.committees > 0

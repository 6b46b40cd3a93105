"""The funding demo reproduces the seed figures through the selector the page uses.

Loaded once for the module inside a transaction rolled back at the end."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse

from funding.models import Commitment, Expenditure, Receipt
from funding.selectors import FundingScope, funding_mix
from programmes.models import Batch, District, Programme, Project
from renovation.models import User
from sampledata.demo.funding import load_funding_demo

ESHAN, QINGYANG = "530426", "510105"
WAN, YI = Decimal(10_000), Decimal(100_000_000)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=StringIO())
        first = load_funding_demo()
        second = load_funding_demo()
        yield first, second
        transaction.set_rollback(True)


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]


@pytest.fixture
def admin():
    return User.objects.get(username="admin")


def eshan_phase1() -> FundingScope:
    programme = Programme.objects.get(district__code=ESHAN)
    return FundingScope(
        programme=programme, batch=Batch.objects.get(programme=programme, name="一期")
    )


def qingyang_2022() -> FundingScope:
    return FundingScope(district=District.objects.get(code=QINGYANG), year=2022)


def test_loader_is_idempotent(demo):
    first, second = demo
    # load_demo already loaded the funding demo, so calling it again creates nothing.
    assert first == {
        "eshan_phase1": False,
        "qingyang_2022": False,
        "qingyang_2026_pooled": False,
    }
    assert second == first
    for code in (ESHAN, QINGYANG):
        assert Commitment.objects.filter(programme__district__code=code).exists()


def test_eshan_phase1_mix(admin):
    mix = funding_mix(user=admin, scope=eshan_phase1())
    assert mix.total.planned == 3200 * WAN
    gov, market, residents, society = mix.kinds
    assert gov.planned == 1741 * WAN
    assert gov.share_planned == Decimal("54.4")
    assert residents.planned == 1200 * WAN
    assert residents.share_planned == Decimal("37.5")
    assert market.planned == 259 * WAN
    assert market.share_planned == Decimal("8.1")
    assert society.planned == 0
    assert [s.sub_type for s in gov.sub_types] == ["central_subsidy"]
    assert [s.sub_type for s in residents.sub_types] == ["parking_rights"]
    assert [s.sub_type for s in market.sub_types] == ["utility"]
    # The same figures by district and budget year (phase 1 is 2020).
    by_year = funding_mix(
        user=admin, scope=FundingScope(district=District.objects.get(code=ESHAN), year=2020)
    )
    assert [k.planned for k in by_year.kinds] == [k.planned for k in mix.kinds]


def test_eshan_phase1_projects_add_up_to_the_whole(admin):
    projects = Project.objects.filter(programme__district__code=ESHAN, batch__name="一期")
    total = sum(
        (
            funding_mix(user=admin, scope=FundingScope(project=p)).total.planned
            for p in projects[:3]
        ),
        Decimal(0),
    )
    assert 0 < total < 3200 * WAN
    street = projects.first().compound.street
    by_streets = sum(
        (
            funding_mix(
                user=admin, scope=FundingScope(street=s, batch=eshan_phase1().batch)
            ).total.planned
            for s in street.district.streets.all()
        ),
        Decimal(0),
    )
    assert by_streets == 3200 * WAN  # central money fully allocated: attributed = whole


def test_qingyang_2022_mix(admin):
    mix = funding_mix(user=admin, scope=qingyang_2022())
    subs = {s.sub_type: s.planned for s in mix.sub_types}
    assert subs["district_budget"] == Decimal("1.59") * YI
    assert subs["special_bond"] == Decimal("1.6") * YI
    assert subs["general_bond"] == Decimal("0.77") * YI
    assert subs["municipal_subsidy"] == Decimal("0.76") * YI
    assert subs["policy_instrument"] == Decimal("0.46") * YI
    assert subs["property_unit"] == Decimal("0.22") * YI
    assert subs["donation"] == Decimal("0.24") * YI
    assert mix.kind("government").planned == Decimal("5.18") * YI
    # The policy-based instrument is applied for, not approved: the gap shows it.
    assert mix.kind("government").approved == Decimal("4.72") * YI
    # Residents: 5 元/m² and 800 元 per household over the year's compounds, exactly.
    projects = Project.objects.filter(programme__district__code=QINGYANG, year=2022)
    base = projects.aggregate(
        area=Sum("compound__floor_area"), households=Sum("compound__households")
    )
    expected = {r.name: r.expected for r in mix.residents}
    assert expected["专项维修资金归集"] == (Decimal(5) * Decimal(base["area"])).quantize(
        Decimal("0.01")
    )
    assert expected["自来水户表改造居民分担"] == 800 * base["households"]
    assert mix.kind("residents").planned == sum(expected.values())
    assert sum(k.share_planned for k in mix.kinds) == Decimal("100.0")
    assert mix.residents_collected < mix.residents_expected


def test_demo_obeys_the_money_rules():
    # No line spends more than it received.
    for model in (Receipt, Expenditure):
        # Only counter-entries (冲销) are negative, and nothing is zero.
        assert not model.objects.filter(amount__lte=0, reverses__isnull=True).exists()
        assert not model.objects.filter(amount__gte=0, reverses__isnull=False).exists()
    received = {
        (r["commitment"], r["project"]): r["t"]
        for r in Receipt.objects.values("commitment", "project").annotate(t=Sum("amount"))
    }
    for row in Expenditure.objects.values("commitment", "project").annotate(t=Sum("amount")):
        assert row["t"] <= received[(row["commitment"], row["project"])]
    # Receipts only on approved commitments; allocations within their commitment.
    assert not Receipt.objects.exclude(commitment__status="approved").exists()
    # Compared in Python: SQLite sums decimals as floats, so SQL-side comparisons are inexact.
    cent = Decimal("0.01")
    for amount, allocated in (
        Commitment.objects.filter(allocations__isnull=False)
        .annotate(a=Sum("allocations__amount"))
        .values_list("amount", "a")
    ):
        assert Decimal(allocated).quantize(cent) <= amount
    assert Commitment.history.filter(history_user__username="admin").exists()


def test_mix_pages_show_the_seed_figures(client, admin):
    client.force_login(admin)
    scope = eshan_phase1()
    response = client.get(
        reverse("funding:mix"),
        {"programme": scope.programme.pk, "batch": scope.batch.pk, "unit": "wan"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    for figure in ("3,200.00", "1,741.00", "1,200.00", "259.00", "54.4%", "37.5%", "8.1%"):
        assert figure in html, figure
    district = District.objects.get(code=QINGYANG)
    response = client.get(
        reverse("funding:mix"), {"district": district.pk, "year": 2022, "unit": "yi"}
    )
    html = response.content.decode()
    for figure in ("1.59", "1.60", "0.77", "0.76", "0.46", "0.22", "0.24", "5.18"):
        assert figure in html, figure


def test_street_officer_sees_only_its_street_in_the_demo(client):
    street = User.objects.get(username="street")
    mix = funding_mix(user=street, scope=qingyang_2022())
    assert mix.attributed
    assert 0 < mix.total.planned < Decimal("5.18") * YI
    own = Project.objects.filter(
        compound__street=street.street, year=2022, programme__district__code=QINGYANG
    )
    other = (
        Project.objects.filter(year=2022, programme__district__code=QINGYANG)
        .exclude(compound__street=street.street)
        .first()
    )
    client.force_login(street)
    assert client.get(reverse("funding:project", args=[own.first().pk])).status_code == 200
    assert client.get(reverse("funding:project", args=[other.pk])).status_code == 404


def test_demo_shows_each_money_case(client):
    """The 2026 programme of 青羊区 shows pooled money, in kind (assessed and not), a combined
    line and a split one, and reversals, on the district official's pages."""
    official = User.objects.get(username="district")
    programme = Programme.objects.get(district__code=QINGYANG, start_year=2026)
    money = Commitment.objects.filter(programme=programme)
    assert money.filter(mode="free_works", amount__gt=0).exists()
    unassessed = money.get(mode="in_kind", amount=0)
    combined = money.get(source__sub_type="combined", project__isnull=True)
    split = money.get(source__sub_type="combined", project__isnull=False, reverses__isnull=True)
    assert money.filter(split_from=split).count() == 2
    assert money.filter(reverses__isnull=False).count() == 2  # the split line, a wrong one
    assert Receipt.objects.filter(
        commitment__programme=programme, reverses__isnull=False, moved_from__isnull=True
    ).exists()
    assert Receipt.objects.filter(commitment=combined, project__isnull=True).exists()
    client.force_login(official)
    mix = client.get(reverse("funding:mix"), {"programme": programme.pk, "unit": "wan"})
    html = mix.content.decode()
    assert 'data-subtype="combined"' in html
    assert "1,200.00" in html
    page = client.get(reverse("funding:programme", args=[programme.pk])).content.decode()
    assert 'data-flag="not-assessed"' in page
    detail = client.get(reverse("funding:commitment-detail", args=[unassessed.pk]))
    assert reverse("funding:commitment-value", args=[unassessed.pk]) in detail.content.decode()
    reversed_receipt = Receipt.objects.get(
        commitment__programme=programme, reversal_reason__contains="重复录入"
    ).reverses
    project_page = client.get(
        reverse("funding:project", args=[reversed_receipt.project_id])
    ).content.decode()
    assert f'class="reversed" data-record="receipt-{reversed_receipt.pk}"' in project_page
    assert "reversal-row" in project_page
    assert "1 份" in project_page or "1 voucher" in project_page
    split_page = client.get(reverse("funding:commitment-detail", args=[split.pk])).content
    assert "中央财政" in split_page.decode()
    # Net figures: every counter-entry cancels its entry.
    assert (
        Commitment.objects.filter(reverses__isnull=False).aggregate(t=Sum("amount"))["t"]
        == -Commitment.objects.filter(reversed_by__isnull=False).aggregate(t=Sum("amount"))["t"]
    )

"""Pooled programme money: received at the pool, attributed to projects by allocations up to
what the pool holds (and spending likewise), each yuan counted once at every scope."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from django.urls import reverse

from funding import attribution, pool, services
from funding.models import Allocation, Expenditure, Receipt
from funding.selectors import FundingScope, funding_mix
from renovation.errors import ConflictError

pytestmark = pytest.mark.django_db


def net(model, **filters) -> Decimal:
    return model.objects.filter(**filters).aggregate(t=Sum("amount"))["t"] or Decimal(0)


@pytest.fixture
def pooled(bond, district_official, yesterday):
    """The 10,000 bond fully received into the pool, 1,000 of it spent there."""
    services.receipt_record(
        commitment=bond, by=district_official, amount="6000.00", received_on=yesterday
    )
    services.receipt_record(
        commitment=bond, by=district_official, amount="4000.00", received_on=yesterday
    )
    services.expenditure_record(
        commitment=bond, by=district_official, amount="1000.00", spent_on=yesterday
    )
    bond.refresh_from_db()
    return bond


def test_allocation_attributes_pool_money_to_the_project(pooled, project, district_official):
    allocation = services.allocation_set(
        commitment=pooled, project=project, amount="7000.00", by=district_official
    )
    assert allocation.amount == Decimal("7000.00")
    assert net(Receipt, commitment=pooled, project=project) == Decimal("7000.00")
    assert net(Receipt, commitment=pooled, project__isnull=True) == Decimal("3000.00")
    assert net(Receipt, commitment=pooled) == Decimal("10000.00")
    # Oldest first, each pool receipt reversed and booked again, nothing deleted.
    moved = Receipt.objects.filter(moved_from__isnull=False, project=project)
    assert sorted(r.amount for r in moved) == [Decimal("1000.00"), Decimal("6000.00")]
    counters = Receipt.objects.filter(reverses__isnull=False)
    assert counters.count() == 2
    assert all(project.compound.name in c.reversal_reason for c in counters)
    assert counters.first().history.get().history_user == district_official
    # Each yuan once: the district sees 10,000 received; the project its 7,000.
    district = funding_mix(
        user=district_official, scope=FundingScope(district=pooled.programme.district)
    )
    assert district.total.received == Decimal("10000.00")
    street = funding_mix(user=district_official, scope=FundingScope(street=project.compound.street))
    assert street.total.received == Decimal("7000.00")
    assert street.total.planned == Decimal("7000.00")


def test_allocation_beyond_what_the_pool_holds_is_refused_once_all_arrived(
    pooled, project, other_project, district_official
):
    """The issue's case: the commitment is fully received into the pool, so allocating
    more than the pool still holds (9,000 unspent) would earmark money that never comes."""
    with pytest.raises(ValidationError) as caught:
        services.allocation_set(
            commitment=pooled, project=project, amount="9500.00", by=district_official
        )
    assert "amount" in caught.value.message_dict
    assert not Allocation.objects.exists()
    assert not Receipt.objects.filter(reverses__isnull=False).exists()
    services.allocation_set(
        commitment=pooled, project=project, amount="5000.00", by=district_official
    )
    services.allocation_set(
        commitment=pooled, project=other_project, amount="4000.00", by=district_official
    )
    with pytest.raises(ValidationError):
        services.allocation_set(
            commitment=pooled, project=other_project, amount="4500.00", by=district_official
        )
    assert pool.position(pooled).pool_available == 0


def test_allocation_before_money_arrives_is_an_earmark(bond, project, district_official):
    services.allocation_set(
        commitment=bond, project=project, amount="4000.00", by=district_official
    )
    assert not Receipt.objects.exists()
    where = pool.position(bond)
    assert where.outstanding == Decimal("4000.00")
    assert where.still_due == Decimal("10000.00")


def test_money_received_above_the_commitment_can_be_allocated(
    bond, project, district_official, yesterday
):
    services.receipt_record(
        commitment=bond,
        by=district_official,
        amount="10500.00",
        received_on=yesterday,
        over_reason="结算后追加",
    )
    services.allocation_set(
        commitment=bond, project=project, amount="10500.00", by=district_official
    )
    assert net(Receipt, project=project) == Decimal("10500.00")


def test_lowering_an_allocation_moves_nothing(pooled, project, district_official):
    services.allocation_set(
        commitment=pooled, project=project, amount="3000.00", by=district_official
    )
    before = Receipt.objects.count()
    with pytest.raises(ValidationError):
        services.allocation_set(
            commitment=pooled, project=project, amount="2000.00", by=district_official
        )
    assert Receipt.objects.count() == before


def test_pool_spending_attributed_to_a_project(pooled, project, district_official):
    with pytest.raises(ValidationError):  # the project's line has no money yet
        attribution.pool_spending_attribute(
            commitment=pooled, project=project, amount="500.00", by=district_official
        )
    services.allocation_set(
        commitment=pooled, project=project, amount="3000.00", by=district_official
    )
    pooled.refresh_from_db()
    with pytest.raises(ValidationError):  # more than the pool spent
        attribution.pool_spending_attribute(
            commitment=pooled, project=project, amount="1500.00", by=district_official
        )
    with pytest.raises(ConflictError):
        attribution.pool_spending_attribute(
            commitment=pooled,
            project=project,
            amount="600.00",
            by=district_official,
            version=pooled.version - 1,
        )
    attribution.pool_spending_attribute(
        commitment=pooled,
        project=project,
        amount="600.00",
        by=district_official,
        version=pooled.version,
    )
    assert net(Expenditure, project=project) == Decimal("600.00")
    assert net(Expenditure, commitment=pooled, project__isnull=True) == Decimal("400.00")
    assert net(Expenditure, commitment=pooled) == Decimal("1000.00")


def test_street_officer_does_not_attribute(pooled, project, street_officer):
    with pytest.raises(PermissionDenied):
        attribution.pool_spending_attribute(
            commitment=pooled, project=project, amount="1.00", by=street_officer
        )


def test_pool_shown_and_spending_attributed_on_the_pages(
    client, pooled, project, district_official, street_officer
):
    services.allocation_set(
        commitment=pooled, project=project, amount="3000.00", by=district_official
    )
    pooled.refresh_from_db()
    client.force_login(district_official)
    detail = client.get(reverse("funding:commitment-detail", args=[pooled.pk])).content.decode()
    assert 'data-pool="6000.00"' in detail  # 9,000 unspent in the pool, 3,000 attributed
    url = reverse("funding:spending-attribute", args=[pooled.pk])
    assert url in detail
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"project": project.pk, "amount": "5000", "version": pooled.version}
    )
    assert response.status_code == 200  # more than the pool spent: nothing moved
    assert net(Expenditure, project=project) == 0
    response = client.post(url, {"project": project.pk, "amount": "600", "version": pooled.version})
    assert response.status_code == 302
    assert net(Expenditure, project=project) == Decimal("600.00")
    client.force_login(street_officer)
    assert client.get(url).status_code == 404

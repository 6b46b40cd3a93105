"""The plausibility checks and the one mechanism that asks to confirm them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from programmes import geography_services, plausibility
from programmes.models import Compound, WorkType
from renovation.warnings import PlausibilityWarning, WarningsNotConfirmed, confirm_or_raise
from tests import factories


def test_unconfirmed_warnings_raise_and_confirmed_ones_pass():
    warning = PlausibilityWarning("odd", "看起来不对")

    with pytest.raises(WarningsNotConfirmed) as raised:
        confirm_or_raise([warning], confirmed=False)

    assert raised.value.warnings == [warning]
    assert confirm_or_raise([warning], confirmed=True) == [warning]
    assert confirm_or_raise([], confirmed=False) == []


def test_per_household_work_above_the_compounds_households_warns(street_a):
    compound = factories.CompoundFactory(street=street_a, households=300)
    gas = factories.WorkTypeFactory(unit=WorkType.Unit.HOUSEHOLD)
    pipe = factories.WorkTypeFactory(unit=WorkType.Unit.METRE)

    above = plausibility.per_household_work(
        compound=compound, work_type=gas, planned_quantity=Decimal("320")
    )
    within = plausibility.per_household_work(
        compound=compound, work_type=gas, planned_quantity=Decimal("300")
    )
    metres = plausibility.per_household_work(
        compound=compound, work_type=pipe, planned_quantity=Decimal("9310")
    )

    assert [w.code for w in above] == ["per_household_work_above_households"]
    assert (within, metres) == ([], [])


def test_lowering_households_below_planned_household_work_asks_to_confirm(
    district_official, project
):
    gas = factories.WorkTypeFactory(unit=WorkType.Unit.HOUSEHOLD)
    factories.WorkItemFactory(project=project, work_type=gas, planned_quantity=Decimal("90"))
    compound = project.compound

    with pytest.raises(WarningsNotConfirmed) as raised:
        geography_services.compound_update(by=district_official, compound=compound, households=60)

    assert [w.code for w in raised.value.warnings] == ["per_household_work_above_households"]
    assert Compound.objects.get(pk=compound.pk).households == compound.households

    saved = geography_services.compound_update(
        by=district_official, compound=compound, households=60, confirm_warnings=True
    )

    assert saved.households == 60
    reason = saved.history.first().history_change_reason
    assert "per_household_work_above_households" in reason


def test_buildings_together_above_the_compound_warn(street_a):
    compound = factories.CompoundFactory(street=street_a, households=50)
    factories.BuildingFactory(compound=compound, households=30)

    warnings = plausibility.building_households(
        compound=compound, building_name="2栋", households=30
    )

    assert [w.code for w in warnings] == ["buildings_households_above_compound"]


def test_a_compound_without_households_recorded_does_not_warn(street_a):
    compound = factories.CompoundFactory(street=street_a, households=0)

    assert (
        plausibility.building_households(compound=compound, building_name="1栋", households=9) == []
    )

"""factory_boy factories for the domain models. Defaults build a valid record with the least
set-up; tests pass what the behaviour under test depends on."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from governance.models import OpinionSurvey
from programmes.models import (
    AcceptanceRecord,
    Area,
    Building,
    City,
    Community,
    Compound,
    District,
    Programme,
    Project,
    Province,
    SiteProblem,
    Stage,
    Street,
    WorkItem,
    WorkType,
    YearTarget,
)
from renovation.models import User


class ProvinceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Province

    name = factory.Sequence(lambda n: f"省{n}")
    code = factory.Sequence(lambda n: f"P{n:04d}")


class CityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = City

    province = factory.SubFactory(ProvinceFactory)
    name = factory.Sequence(lambda n: f"市{n}")
    code = factory.Sequence(lambda n: f"C{n:04d}")


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District

    city = factory.SubFactory(CityFactory)
    name = factory.Sequence(lambda n: f"区{n}")
    code = factory.Sequence(lambda n: f"D{n:04d}")


class StreetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Street

    district = factory.SubFactory(DistrictFactory)
    name = factory.Sequence(lambda n: f"街道{n}")


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Community

    street = factory.SubFactory(StreetFactory)
    name = factory.Sequence(lambda n: f"社区{n}")


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area

    district = factory.SubFactory(DistrictFactory)
    name = factory.Sequence(lambda n: f"片区{n}")


class CompoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Compound

    name = factory.Sequence(lambda n: f"小区{n:04d}")
    address = factory.Sequence(lambda n: f"幸福路{n}号")
    street = factory.SubFactory(StreetFactory)
    year_built = 1995
    households = 100
    residents = 300
    floor_area = Decimal("8000.00")
    survey_status = Compound.SurveyStatus.ELIGIBLE


class BuildingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Building

    compound = factory.SubFactory(CompoundFactory)
    name = factory.Sequence(lambda n: f"{n}栋")
    floors = 6
    households = 24


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    district = factory.SubFactory(DistrictFactory)
    name = factory.Sequence(lambda n: f"“十四五”老旧小区改造计划 {n}")
    start_year = 2021
    end_year = 2030
    support_threshold = Decimal("90.00")


class YearTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = YearTarget

    programme = factory.SubFactory(ProgrammeFactory)
    year = factory.LazyFunction(lambda: timezone.localdate().year)
    compounds = 10
    households = 1000


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    compound = factory.SubFactory(CompoundFactory)
    programme = factory.SubFactory(
        ProgrammeFactory, district=factory.SelfAttribute("..compound.street.district")
    )
    year = factory.LazyFunction(lambda: timezone.localdate().year)
    budget = Decimal("1000000.00")
    stage = Stage.SURVEYED

    class Params:
        # A project already under construction, as the stage service would have left it.
        in_construction = factory.Trait(
            stage=Stage.CONSTRUCTION,
            contractor="某建设集团",
            started_on=factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=30)),
        )


class WorkTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkType

    code = factory.Sequence(lambda n: f"test-work-{n}")
    name_zh = factory.Sequence(lambda n: f"测试工程{n}")
    name_en = factory.Sequence(lambda n: f"Test work {n}")
    unit = WorkType.Unit.METRE
    category = "basic"
    sort_order = factory.Sequence(lambda n: n)


class WorkItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkItem

    project = factory.SubFactory(ProjectFactory, in_construction=True)
    work_type = factory.SubFactory(WorkTypeFactory)
    planned_quantity = Decimal("100.00")
    budget = Decimal("100000.00")


class AcceptanceRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AcceptanceRecord

    project = factory.SubFactory(ProjectFactory)
    accepted_on = factory.LazyFunction(timezone.localdate)
    residents_present = 5
    passed = True


class OpinionSurveyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OpinionSurvey

    project = factory.SubFactory(ProjectFactory)
    held_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=10))
    forms_issued = 100
    forms_returned = 100
    support = 95
    oppose = 5


class SiteProblemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SiteProblem

    project = factory.SubFactory(ProjectFactory, in_construction=True)
    title = factory.Sequence(lambda n: f"现场问题{n}")
    severity = SiteProblem.Severity.MEDIUM


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    role = User.Role.CITY_VIEWER
    password = factory.django.Password("pw")

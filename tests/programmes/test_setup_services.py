"""Set-up services: invariants the pages and the API share."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from programmes import project_setup_services, selectors, setup_services, work_setup_services
from programmes.filters import ProjectFilter
from programmes.models import Category, Project, Stage, WorkType
from renovation.warnings import WarningsNotConfirmed
from tests import factories

pytestmark = pytest.mark.django_db


def test_work_type_names_are_unique_in_the_database(district, other_district):
    factories.WorkTypeFactory(district=district, name_zh="口袋公园", code="d-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.WorkTypeFactory(district=district, name_zh="口袋公园", code="d-2")
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.WorkTypeFactory(district=None, name_zh="雨污分流改造", code="n-2")
    # Another district may have its own type of the same name.
    factories.WorkTypeFactory(district=other_district, name_zh="口袋公园", code="o-1")


def test_district_work_types_are_seen_in_their_district_only(
    district, other_district, district_official, street_officer, city_viewer
):
    ours = factories.WorkTypeFactory(district=district, code="d-ours")
    theirs = factories.WorkTypeFactory(district=other_district, code="d-theirs")
    for user in (district_official, street_officer):
        codes = set(selectors.work_type_list(user=user).values_list("code", flat=True))
        assert "d-ours" in codes
        assert "d-theirs" not in codes
        assert "rain-sewage" in codes
    assert {ours, theirs} <= set(WorkType.objects.visible_to(city_viewer))


def test_a_project_written_with_one_category_lists_it(programme):
    project = factories.ProjectFactory(programme=programme, category=Category.IMPROVEMENT)
    assert project.categories == "improvement"
    assert project.category_list == ["improvement"]
    # Rows from before the migration or bulk loads: empty list means the main category.
    Project.objects.filter(pk=project.pk).update(categories="")
    project.refresh_from_db()
    assert project.category_list == ["improvement"]


def test_project_filter_matches_any_category(programme, district_official, street_a):
    compound = factories.CompoundFactory(street=street_a)
    project = project_setup_services.project_create(
        by=district_official,
        programme=programme,
        compound=compound,
        year=programme.start_year,
        categories=["enhancement", "basic"],
    )
    assert project.category == Category.BASIC
    queryset = Project.objects.all()
    for value, expected in (("enhancement", True), ("improvement", False), ("basic", True)):
        found = ProjectFilter({"category": value}, queryset=queryset).qs
        assert (project in found) is expected


def test_programme_years_cannot_strand_its_projects(programme, district_official, street_a):
    factories.ProjectFactory(
        programme=programme, compound__street=street_a, year=programme.end_year
    )
    with pytest.raises(ValidationError) as error:
        setup_services.programme_update(
            programme=programme,
            by=district_official,
            version=programme.version,
            end_year=programme.start_year,
        )
    assert "end_year" in error.value.message_dict
    programme.refresh_from_db()
    assert programme.version == 1


def test_work_item_before_construction_needs_no_reason(programme, district_official, street_a):
    project = factories.ProjectFactory(
        programme=programme, compound__street=street_a, stage=Stage.DESIGN
    )
    item = work_setup_services.work_item_add(
        project=project,
        by=district_official,
        work_type=WorkType.objects.get(code="rain-sewage"),
        planned_quantity=Decimal("10"),
    )
    changed = work_setup_services.work_item_change(
        item=item, by=district_official, version=1, planned_quantity=Decimal("12.5")
    )
    assert changed.version == 2
    with pytest.raises(ValidationError):
        work_setup_services.work_item_change(
            item=item, by=district_official, version=2, planned_quantity=Decimal("0.001")
        )


def test_corrected_acceptance_date_is_the_completion_date(
    programme, district_official, street_a, today
):
    project = factories.ProjectFactory(
        programme=programme,
        compound__street=street_a,
        stage=Stage.ACCEPTED,
        contractor="某公司",
        started_on=today - dt.timedelta(days=100),
        completed_on=today - dt.timedelta(days=10),
    )
    record = factories.AcceptanceRecordFactory(
        project=project, accepted_on=today - dt.timedelta(days=10), residents_present=5
    )
    work_setup_services.acceptance_record_save(
        project=project,
        by=district_official,
        accepted_on=today - dt.timedelta(days=12),
        residents_present=5,
        version=record.version,
    )
    project.refresh_from_db()
    assert project.completed_on == today - dt.timedelta(days=12)
    # Before the start of construction: a warning to confirm (issue 13, point 6), not a refusal.
    with pytest.raises(WarningsNotConfirmed) as warned:
        work_setup_services.acceptance_record_save(
            project=project,
            by=district_official,
            accepted_on=today - dt.timedelta(days=200),
            residents_present=5,
            version=record.version + 1,
        )
    assert warned.value.warnings[0].field == "accepted_on"
    project.refresh_from_db()
    assert project.completed_on == today - dt.timedelta(days=12)

"""Every date, time and year field of the project's models has a plausible range: a validator
from renovation/validation.py and a database constraint (issue 17: "every date and time field
has a plausible range"). A new field without them fails here until it gets them or a stated
exemption below."""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import CheckConstraint

from programmes.models import Programme, WorkItem, YearTarget
from renovation import validation
from renovation.api_keys import ApiKey
from reporting.models import Notification, ScopeSnapshot
from tests import factories

PROJECT_APPS = ("renovation", "programmes", "funding", "governance", "reporting")
RANGE_VALIDATORS = (
    validation.DateRangeValidator,
    validation.YearBuiltValidator,
    validation.PlanYearValidator,
)
# Exempt by rule (renovation/validation.py): bookkeeping stamps Django sets from the server's
# clock on every save (auto_now / auto_now_add); no form, serializer or import writes them.
# Fields exempt by name, with the reason:
EXEMPT: dict[str, str] = {}

YEAR_1 = dt.date(1, 1, 1)
YEAR_9999 = dt.date(9999, 12, 31)


def _is_clock_stamp(field: models.Field) -> bool:
    return bool(getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False))


def _is_year(field: models.Field) -> bool:
    return isinstance(field, models.PositiveSmallIntegerField) and (
        field.name == "year" or field.name.endswith("_year") or field.name.startswith("year_")
    )


def _ranged_fields() -> list[tuple[type[models.Model], models.Field]]:
    found = []
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS or model.__name__.startswith("Historical"):
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.DateField) or _is_year(field):  # DateTimeField too
                found.append((model, field))
    return found


def _label(model: type[models.Model], field: models.Field) -> str:
    return f"{model._meta.label}.{field.name}"


def _constrained(model: type[models.Model], field: models.Field) -> bool:
    for constraint in model._meta.constraints:
        if isinstance(constraint, CheckConstraint) and any(
            isinstance(child, tuple) and child[0] == f"{field.name}__gte"
            for part in constraint.condition.children
            if not isinstance(part, tuple)
            for child in part.children
        ):
            return True
    return False


def test_the_introspection_finds_the_fields_it_should():
    labels = {_label(model, field) for model, field in _ranged_fields()}

    # A sample from each app and kind, so an empty or wrong walk cannot pass the next test.
    assert {
        "programmes.Programme.start_year",
        "programmes.WorkItem.planned_end",
        "programmes.StageTransition.effective_on",
        "governance.Suggestion.received_at",
        "funding.Commitment.year",
        "reporting.ScopeSnapshot.as_of",
        "reporting.Notification.day",
        "renovation.ApiKey.expires_on",
        "renovation.User.date_joined",
        "programmes.Compound.created_at",
    } <= labels


@pytest.mark.parametrize(
    ("model", "field"),
    _ranged_fields(),
    ids=[_label(model, field) for model, field in _ranged_fields()],
)
def test_every_date_time_and_year_field_has_a_range(model, field):
    label = _label(model, field)
    if _is_clock_stamp(field) or label in EXEMPT:
        return

    validators = [v for v in field.validators if isinstance(v, RANGE_VALIDATORS)]
    assert validators, f"{label} has no range validator (renovation/validation.py)"
    assert _constrained(model, field), f"{label} has no range constraint in Meta.constraints"


def test_the_exemptions_name_real_fields():
    labels = {_label(model, field) for model, field in _ranged_fields()}

    assert set(EXEMPT) <= labels


@pytest.mark.parametrize("year", [1, 9999, 1989])
def test_plan_years_out_of_range_are_refused_by_validation(programme, year):
    programme.start_year = year

    with pytest.raises(ValidationError) as error:
        programme.full_clean()

    assert "start_year" in error.value.message_dict


@pytest.mark.django_db
@pytest.mark.parametrize("year", [1, 9999])
def test_the_database_refuses_plan_years_out_of_range(programme, year):
    with pytest.raises(IntegrityError), transaction.atomic():
        YearTarget.objects.create(programme=programme, year=year, compounds=1)

    with pytest.raises(IntegrityError), transaction.atomic():
        Programme.objects.filter(pk=programme.pk).update(end_year=year, start_year=min(year, 2000))


@pytest.mark.parametrize("day", [YEAR_1, YEAR_9999])
def test_work_item_planned_dates_out_of_range_are_refused(item_small, day):
    item = item_small
    item.planned_end = day

    with pytest.raises(ValidationError) as error:
        item.full_clean()
    assert "planned_end" in error.value.message_dict

    with pytest.raises(IntegrityError), transaction.atomic():
        WorkItem.objects.filter(pk=item.pk).update(planned_end=day)


@pytest.mark.parametrize("day", [YEAR_1, YEAR_9999])
def test_snapshot_and_notification_days_out_of_range_are_refused(street_officer, day):
    with pytest.raises(IntegrityError), transaction.atomic():
        ScopeSnapshot.objects.create(
            scope_kind="city", scope_id=1, as_of=day, computed_at=dt.datetime.now(dt.UTC)
        )

    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(
            recipient=street_officer, kind="overdue_report", object_key="x", day=day, message="x"
        )


def test_api_key_expiry_is_at_most_three_years_ahead(today):
    field = ApiKey._meta.get_field("expires_on")

    with pytest.raises(ValidationError):
        field.run_validators(today + dt.timedelta(days=4 * 365))
    field.run_validators(today + dt.timedelta(days=2 * 365))


def test_a_datetime_of_year_1_is_refused_without_overflow():
    stamp = dt.datetime(1, 1, 1, tzinfo=dt.UTC)

    with pytest.raises(ValidationError):
        validation.event_date(stamp)
    with pytest.raises(ValidationError):
        validation.plan_year(1)


@pytest.mark.django_db
def test_a_user_joined_in_year_1_is_refused_by_the_database():
    user = factories.UserFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        type(user).objects.filter(pk=user.pk).update(
            date_joined=dt.datetime(1, 1, 2, tzinfo=dt.UTC)
        )


def test_the_constraint_check_tells_a_ranged_field_from_a_bare_one():
    from programmes.models import Compound, Project

    assert _constrained(Project, Project._meta.get_field("planned_start"))
    assert not _constrained(Compound, Compound._meta.get_field("created_at"))

"""Set-up writes of a district's own programme: programmes with their yearly targets, street
and area targets and batches (projects: `project_setup_services`; work items, acceptance records
and district work types: `work_setup_services`).

District officials act within their own district (renovation.access.can_set_up_in_district).
Every service validates everything before it writes (one clear message per field, nothing
saved), writes in one transaction, stamps who and why in the audit fields and the history,
compares the version the form or API client read (ConflictError when stale) and marks the
statistics of the scopes it touched dirty. Pages and API call these same functions.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from programmes import stale
from renovation.access import can_set_up_in_district, require
from renovation.audit import stamp
from renovation.errors import ConflictError
from renovation.validation import checked

from .models import (
    Area,
    Batch,
    District,
    LocalTarget,
    Programme,
    Street,
    YearTarget,
)

if TYPE_CHECKING:
    from renovation.models import User

CENT = Decimal("0.01")
MONEY_MAX = Decimal("1e12")
YEAR_MIN, YEAR_MAX = 1990, 2100
RATE_PLACES = Decimal("0.0001")


class Errors(dict):
    """Field errors collected before anything is written."""

    def add(self, field: str, message: str) -> None:
        self.setdefault(field, []).append(message)

    def raise_if_any(self) -> None:
        if self:
            raise ValidationError(dict(self))


def _check_version(current: int, version: int | None) -> None:
    if version is not None and current != version:
        raise ConflictError()


def _text(value: str | None) -> str:
    return (value or "").strip()


def _require_district(by: User, district_id: int | None) -> None:
    require(
        can_set_up_in_district(by, district_id),
        _("Only the district's officials set up its programmes and projects."),
    )


def _money(errors: Errors, field: str, value: Decimal | None, *, required: bool = True) -> None:
    if value is None:
        if required:
            errors.add(field, _("Enter an amount in yuan."))
        return
    if not value.is_finite() or value < 0 or value >= MONEY_MAX or value != value.quantize(CENT):
        errors.add(field, _("Enter an amount in yuan, zero or more, with at most two decimals."))


def _year(errors: Errors, field: str, value: int | None) -> None:
    if value is None:
        errors.add(field, _("Enter the year."))
    elif not YEAR_MIN <= value <= YEAR_MAX:
        errors.add(
            field,
            _("Enter a year between %(first)s and %(last)s.")
            % {"first": YEAR_MIN, "last": YEAR_MAX},
        )


def _dates(errors: Errors, start: dt.date | None, end: dt.date | None) -> None:
    for field, value in (("planned_start", start), ("planned_end", end)):
        if value is not None and not YEAR_MIN <= value.year <= YEAR_MAX:
            errors.add(
                field,
                _("Enter a date between %(first)s and %(last)s.")
                % {"first": YEAR_MIN, "last": YEAR_MAX},
            )
    if start and end and end < start:
        errors.add("planned_end", _("The planned completion is before the planned start."))


# --- Programmes ----------------------------------------------------------------------------

PROGRAMME_FIELDS = (
    "name",
    "start_year",
    "end_year",
    "description",
    "support_threshold",
    "min_survey_return_rate",
    "report_overdue_days",
)


def _programme_errors(values: dict[str, Any], *, district_id: int, pk: int | None) -> Errors:
    """Every field's error in a programme's values (PROGRAMME_FIELDS), checked before any of
    them reaches the record; trims the name and description in `values`."""
    errors = Errors()
    name = values["name"] = _text(values["name"])
    values["description"] = _text(values["description"])
    if not name:
        errors.add("name", _("Enter the programme's name."))
    elif len(name) > 128:
        errors.add("name", _("Write at most %(n)s characters.") % {"n": 128})
    start, end = values["start_year"], values["end_year"]
    _year(errors, "start_year", start)
    _year(errors, "end_year", end)
    if start and end and end < start:
        errors.add("end_year", _("The last year is before the first year."))
    elif start and end and end > start + 20:
        errors.add("end_year", _("A programme spans at most twenty years."))
    threshold = values["support_threshold"]
    if threshold is None or not (0 <= threshold <= 100) or threshold != threshold.quantize(CENT):
        errors.add("support_threshold", _("Enter a percentage from 0 to 100."))
    rate = values["min_survey_return_rate"]
    if rate is None or not (0 <= rate <= 1) or rate != rate.quantize(RATE_PLACES):
        errors.add(
            "min_survey_return_rate",
            _("Enter a fraction from 0 to 1 with at most four decimals (two thirds is 0.6667)."),
        )
    days = values["report_overdue_days"]
    if days is None or not 1 <= days <= 60:
        errors.add("report_overdue_days", _("Enter a number of days from 1 to 60."))
    same_name = Programme.objects.filter(district_id=district_id, name=name)
    if pk is not None:
        same_name = same_name.exclude(pk=pk)
    if name and same_name.exists():
        errors.add("name", _("The district already has a programme of this name."))
    return errors


@transaction.atomic
def programme_create(
    *,
    district: District,
    by: User,
    name: str,
    start_year: int | None,
    end_year: int | None,
    description: str = "",
    support_threshold: Decimal | None = Decimal("90.00"),
    min_survey_return_rate: Decimal | None = Decimal("0.6667"),
    report_overdue_days: int | None = 3,
) -> Programme:
    """A new programme of the district (its targets and batches are set afterwards)."""
    _require_district(by, district.pk)
    values: dict[str, Any] = {
        "name": name,
        "start_year": start_year,
        "end_year": end_year,
        "description": description,
        "support_threshold": support_threshold,
        "min_survey_return_rate": min_survey_return_rate,
        "report_overdue_days": report_overdue_days,
    }
    _programme_errors(values, district_id=district.pk, pk=None).raise_if_any()
    programme = Programme(
        district=district,
        name=values["name"],
        start_year=checked(start_year),
        end_year=checked(end_year),
        description=values["description"],
        support_threshold=checked(support_threshold),
        min_survey_return_rate=checked(min_survey_return_rate),
        report_overdue_days=checked(report_overdue_days),
    )
    stamp(programme, by=by, reason=_("Programme created"))
    programme.save()
    stale.mark_dirty(programme_ids=[programme.pk])
    return programme


@transaction.atomic
def programme_update(
    *, programme: Programme, by: User, version: int | None, reason: str = "", **changes: Any
) -> Programme:
    """Change the programme's name, years, description or gate settings."""
    _require_district(by, programme.district_id)
    locked = Programme.objects.select_for_update().get(pk=programme.pk)
    _check_version(locked.version, version)
    unknown = set(changes) - set(PROGRAMME_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown field: %(name)s.") % {"name": ", ".join(sorted(unknown))})
    values = {field: getattr(locked, field) for field in PROGRAMME_FIELDS} | changes
    errors = _programme_errors(values, district_id=locked.district_id, pk=locked.pk)
    if "start_year" in changes or "end_year" in changes:
        outside = locked.projects.filter(
            Q(year__lt=values["start_year"] or 0) | Q(year__gt=values["end_year"] or 0)
        )
        if outside.exists():
            errors.add(
                "end_year",
                _("Some projects have a plan year outside these years; change them first."),
            )
    errors.raise_if_any()
    for field, value in values.items():
        setattr(locked, field, value)
    locked.version += 1
    stamp(locked, by=by, reason=_text(reason) or _("Programme changed"))
    locked.save()
    stale.mark_dirty(programme_ids=[locked.pk])
    return locked


def _target_numbers(errors: Errors, compounds: int | None, households: int | None) -> None:
    if compounds is None or compounds < 0:
        errors.add("compounds", _("Enter the number of compounds, zero or more."))
    if households is None or households < 0:
        errors.add("households", _("Enter the number of households, zero or more."))


@transaction.atomic
def year_target_set(
    *,
    programme: Programme,
    by: User,
    year: int | None,
    compounds: int | None,
    households: int | None,
    buildings: int | None = 0,
) -> YearTarget:
    """Set (or change) the programme's target for one year."""
    _require_district(by, programme.district_id)
    errors = Errors()
    if year is None or not programme.start_year <= year <= programme.end_year:
        errors.add(
            "year",
            _("Choose a year of the programme (%(first)s–%(last)s).")
            % {"first": programme.start_year, "last": programme.end_year},
        )
    _target_numbers(errors, compounds, households)
    if buildings is not None and buildings < 0:
        errors.add("buildings", _("Enter the number of buildings, zero or more."))
    errors.raise_if_any()
    year = checked(year)
    target = YearTarget.objects.filter(programme=programme, year=year).first() or YearTarget(
        programme=programme, year=year
    )
    target.compounds, target.households = checked(compounds), checked(households)
    target.buildings = buildings or 0
    stamp(target, by=by, reason=_("Yearly target set"))
    target.save()
    stale.mark_dirty(programme_ids=[programme.pk])
    return target


@transaction.atomic
def year_target_remove(*, target: YearTarget, by: User) -> None:
    programme = target.programme
    _require_district(by, programme.district_id)
    stamp(target, by=by, reason=_("Yearly target removed"))
    target.delete()
    stale.mark_dirty(programme_ids=[programme.pk])


@transaction.atomic
def local_target_set(
    *,
    programme: Programme,
    by: User,
    year: int | None,
    compounds: int | None,
    households: int | None,
    street: Street | None = None,
    area: Area | None = None,
) -> LocalTarget:
    """Give one street office (or one area) its share of a year's target."""
    _require_district(by, programme.district_id)
    errors = Errors()
    place = street or area
    if (street is None) == (area is None) or place is None:
        errors.add("street", _("Choose either a street office or an area."))
    elif place.district_id != programme.district_id:
        errors.add("street" if street else "area", _("Choose one of the programme's district."))
    if year is None or not programme.start_year <= year <= programme.end_year:
        errors.add(
            "year",
            _("Choose a year of the programme (%(first)s–%(last)s).")
            % {"first": programme.start_year, "last": programme.end_year},
        )
    _target_numbers(errors, compounds, households)
    errors.raise_if_any()
    year = checked(year)
    target = LocalTarget.objects.filter(
        programme=programme, year=year, street=street, area=area
    ).first() or LocalTarget(programme=programme, year=year, street=street, area=area)
    target.compounds, target.households = checked(compounds), checked(households)
    stamp(target, by=by, reason=_("Street or area target set"))
    target.save()
    stale.mark_dirty(
        programme_ids=[programme.pk],
        street_ids=[street.pk] if street else [],
        area_ids=[area.pk] if area else [],
    )
    return target


@transaction.atomic
def local_target_remove(*, target: LocalTarget, by: User) -> None:
    _require_district(by, target.programme.district_id)
    street_id, area_id = target.street_id, target.area_id
    stamp(target, by=by, reason=_("Street or area target removed"))
    target.delete()
    stale.mark_dirty(street_ids=[street_id], area_ids=[area_id])


@transaction.atomic
def batch_set(
    *,
    programme: Programme,
    by: User,
    name: str,
    year: int | None,
    sequence: int | None = 1,
) -> Batch:
    """Add a batch (批次) to the programme, or change the one of the same name."""
    _require_district(by, programme.district_id)
    errors = Errors()
    name = _text(name)
    if not name:
        errors.add("name", _("Enter the batch's name."))
    elif len(name) > 64:
        errors.add("name", _("Write at most %(n)s characters.") % {"n": 64})
    if year is None or not programme.start_year <= year <= programme.end_year:
        errors.add(
            "year",
            _("Choose a year of the programme (%(first)s–%(last)s).")
            % {"first": programme.start_year, "last": programme.end_year},
        )
    if sequence is None or not 1 <= sequence <= 99:
        errors.add("sequence", _("Enter a sequence number from 1 to 99."))
    errors.raise_if_any()
    batch = Batch.objects.filter(programme=programme, name=name).first() or Batch(
        programme=programme, name=name
    )
    batch.year, batch.sequence = checked(year), checked(sequence)
    stamp(batch, by=by, reason=_("Batch set"))
    batch.save()
    return batch

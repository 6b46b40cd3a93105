"""Plausible ranges for dates, times and years, and clean text: one rule, one place.

Models attach these validators to their fields and the matching database constraints to their
Meta, services call the `*_errors` helpers before writing, and forms and serializers reuse the
same validators, so a value of year 1 or 9999 is refused everywhere with the same message.

Two bounds apply to every date and time:
- the rule users meet (validation): events from 1990 to one year ahead of today; plans (a
  planned completion, the end of a committee's term, a disclosure window) up to ten years ahead;
- the database's hard limit (CheckConstraint): 1990-01-01 to 2100-12-31, fixed because a
  constraint cannot depend on today's date. It guarantees every stored value reads back (year 1
  became year 0 in UTC, which PostgreSQL stores and psycopg cannot read).
Years built run from 1900 to this year; plan and budget years (a programme's years, a target's or
a project's year) from 1990 to 2100, the range the set-up forms and services already accept.

Exempt, by rule: `auto_now`/`auto_now_add` bookkeeping stamps (created_at, updated_at, marked_at).
Django sets them from the server's clock on every save and no form, serializer or import can
write them, so they cannot hold a year-1 value; a constraint on each would only cost a table
scan. Every other date, time and year field carries a validator here and a constraint in its
model's Meta (tests/hostile/test_every_date_has_a_range.py checks this for every model).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db.models import CheckConstraint, Q
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

T = TypeVar("T")

EARLIEST_DATE = dt.date(1990, 1, 1)
LATEST_STORED_DATE = dt.date(2100, 12, 31)
EARLIEST_YEAR_BUILT = 1900
EARLIEST_PLAN_YEAR = 1990
EVENT_YEARS_AHEAD = 1
PLAN_YEARS_AHEAD = 10


def _years_ahead(years: int) -> dt.date:
    today = timezone.localdate()
    try:
        return today.replace(year=today.year + years)
    except ValueError:  # 29 February
        return today.replace(year=today.year + years, day=28)


def _as_date(value: dt.date | dt.datetime) -> dt.date:
    # A datetime's own calendar date: no conversion to UTC, which overflows for year 1.
    return value.date() if isinstance(value, dt.datetime) else value


@deconstructible
class DateRangeValidator:
    """From 1990 to `years_ahead` years after today (dates or aware datetimes)."""

    def __init__(self, years_ahead: int = EVENT_YEARS_AHEAD) -> None:
        self.years_ahead = years_ahead

    def __call__(self, value: dt.date | dt.datetime | None) -> None:
        if value is None:
            return
        day = _as_date(value)
        latest = _years_ahead(self.years_ahead)
        if day < EARLIEST_DATE or day > latest:
            raise ValidationError(
                _("Enter a date between %(earliest)s and %(latest)s.")
                % {
                    "earliest": date_format(EARLIEST_DATE, "SHORT_DATE_FORMAT"),
                    "latest": date_format(latest, "SHORT_DATE_FORMAT"),
                },
                code="date_range",
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DateRangeValidator) and other.years_ahead == self.years_ahead


event_date = DateRangeValidator(EVENT_YEARS_AHEAD)
plan_date = DateRangeValidator(PLAN_YEARS_AHEAD)


@deconstructible
class YearBuiltValidator:
    def __call__(self, value: int | None) -> None:
        if value is None:
            return
        this_year = timezone.localdate().year
        if not EARLIEST_YEAR_BUILT <= value <= this_year:
            raise ValidationError(
                _("Enter a year built between %(earliest)s and %(latest)s.")
                % {"earliest": EARLIEST_YEAR_BUILT, "latest": this_year},
                code="year_built_range",
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, YearBuiltValidator)


year_built_range = YearBuiltValidator()


@deconstructible
class PlanYearValidator:
    """A programme's, target's, batch's or project's year: 1990 to 2100."""

    def __call__(self, value: int | None) -> None:
        if value is None:
            return
        if not EARLIEST_PLAN_YEAR <= value <= LATEST_STORED_DATE.year:
            raise ValidationError(
                _("Enter a year between %(first)s and %(last)s.")
                % {"first": EARLIEST_PLAN_YEAR, "last": LATEST_STORED_DATE.year},
                code="year_range",
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PlanYearValidator)


plan_year = PlanYearValidator()


def date_range_errors(
    errors: dict[str, list[str]],
    key: str,
    value: dt.date | dt.datetime | None,
    *,
    years_ahead: int = EVENT_YEARS_AHEAD,
) -> None:
    """For services: add the range message for `key` to `errors` (nothing when in range)."""
    try:
        DateRangeValidator(years_ahead)(value)
    except ValidationError as error:
        errors.setdefault(key, []).extend(error.messages)


def stored_date_range(field: str, *, name: str, is_datetime: bool = False) -> CheckConstraint:
    """The database's hard limit for one date or datetime column (null allowed)."""
    low: dt.date | dt.datetime = EARLIEST_DATE
    high: dt.date | dt.datetime = LATEST_STORED_DATE
    if is_datetime:
        low = dt.datetime(1990, 1, 1, tzinfo=dt.UTC)
        high = dt.datetime(2100, 12, 31, 23, 59, 59, tzinfo=dt.UTC)
    return CheckConstraint(
        condition=Q(**{f"{field}__isnull": True})
        | Q(**{f"{field}__gte": low, f"{field}__lte": high}),
        name=name,
        violation_error_message=gettext_lazy("The date is outside the range the platform keeps."),
    )


def stored_year_range(field: str, *, name: str, earliest: int = EARLIEST_YEAR_BUILT):
    return CheckConstraint(
        condition=Q(**{f"{field}__isnull": True})
        | Q(**{f"{field}__gte": earliest, f"{field}__lte": LATEST_STORED_DATE.year}),
        name=name,
    )


# --- Text ----------------------------------------------------------------------------------

# C0 and C1 controls except tab, line feed and carriage return, plus DEL. They break XML
# (xlsx) writers and terminals, and no one types them.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Format characters (zero-width spaces and joiners, direction marks, BOM), combining marks and
# whitespace: a name made only of these looks empty.
_INVISIBLE_CATEGORIES = {"Cf", "Mn", "Me", "Zs", "Zl", "Zp", "Cc"}


def strip_control_characters(value: str) -> str:
    return _CONTROL.sub("", value)


def strip_control_characters_deep(value: Any) -> Any:
    """Strings anywhere in parsed input (dicts, lists, QueryDict lists) without controls."""
    if isinstance(value, str):
        return strip_control_characters(value)
    if isinstance(value, dict):
        return {key: strip_control_characters_deep(item) for key, item in value.items()}
    if isinstance(value, list):
        return [strip_control_characters_deep(item) for item in value]
    return value


def has_control_characters(value: str) -> bool:
    return bool(_CONTROL.search(value))


def is_visibly_empty(value: str | None) -> bool:
    """True when nothing in `value` would show on screen (only spaces, zero-width characters,
    direction marks or combining marks)."""
    return all(unicodedata.category(char) in _INVISIBLE_CATEGORIES for char in value or "")


# --- Quantities ----------------------------------------------------------------------------

# ASCII digits with one optional decimal point. Python's Decimal() also takes "1_000",
# Arabic-Indic ("٣") and full-width ("１２３") digits, which a clerk never means to type.
_PLAIN_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def plain_decimal(value: object) -> Decimal:
    """Parse a quantity typed or sent as text: ASCII digits with one optional decimal point.
    Raises ValidationError otherwise."""
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        return Decimal(value)
    text = str(value).strip()
    if not _PLAIN_NUMBER.fullmatch(text):
        raise ValidationError(
            _("Enter a number using the digits 0-9 and at most one decimal point."),
            code="plain_number",
        )
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid decimals
        raise ValidationError(_("Enter a number."), code="invalid") from None


def plain_number_text(value: object) -> None:
    """Validator for a number still held as text (before a field converts it)."""
    if isinstance(value, str):
        plain_decimal(value)


# --- Migrations ----------------------------------------------------------------------------


def clear_out_of_range(
    app_label: str, fields: list[tuple[str, str]], *, earliest_year: int = EARLIEST_YEAR_BUILT
):
    """A RunPython function for the migration that adds the range constraints: a value stored
    before them outside the range (a year-1 date that PostgreSQL keeps as year 0 and psycopg
    cannot read) is emptied where the column allows it, otherwise moved to the nearest bound,
    so the constraint can be added and every row reads back. Plain UPDATEs: no row is read."""

    def forwards(apps, schema_editor) -> None:
        for model_name, name in fields:
            model = apps.get_model(app_label, model_name)
            field = model._meta.get_field(name)
            if field.get_internal_type() == "DateTimeField":
                low: Any = dt.datetime(1990, 1, 1, tzinfo=dt.UTC)
                high: Any = dt.datetime(2100, 12, 31, 23, 59, 59, tzinfo=dt.UTC)
            elif field.get_internal_type() == "DateField":
                low, high = EARLIEST_DATE, LATEST_STORED_DATE
            else:  # a year
                low, high = earliest_year, LATEST_STORED_DATE.year
            for lookup, bound in (("lt", low), ("gt", high)):
                rows = model._base_manager.filter(**{f"{name}__{lookup}": bound})
                rows.update(**{name: None if field.null else bound})

    return forwards


def checked(value: T | None) -> T:
    """A value the service has already refused to be missing, its type narrowed.

    Services check every field and raise all their errors together, so the type checker cannot
    see that a value is present once they pass. A missing value here would be a gap in those
    checks: it is refused like any bad input, never saved as null nor answered with an error
    page."""
    if value is None:
        raise ValidationError(_("A required value is missing."))
    return value

"""Serializer fields that keep dates, times and text within what the platform stores, with the
rules of renovation/validation.py (one rule, one place)."""

from __future__ import annotations

import datetime as dt

from rest_framework import serializers

from renovation.validation import EVENT_YEARS_AHEAD, DateRangeValidator, plain_number_text


class PlausibleDateTimeField(serializers.DateTimeField):
    """A date-time from 1990 to a year ahead. DRF's own field overflows (a 500) on `0001-01-01`
    while making it timezone-aware; here that is the usual 400 with the range in the message."""

    def __init__(self, *args, years_ahead: int = EVENT_YEARS_AHEAD, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.range_validator = DateRangeValidator(years_ahead)
        self.validators.append(self.range_validator)

    def to_internal_value(self, value):
        try:
            return super().to_internal_value(value)
        except OverflowError:
            # Only a date far outside the range overflows: say so, with the range.
            self.range_validator(dt.date.min)
            raise  # pragma: no cover - the validator above always raises


class PlainDecimalField(serializers.DecimalField):
    """A decimal sent as text holds ASCII digits and at most one decimal point (and a leading
    minus sign, which the field's own bounds may refuse): Python would also read `1_000`, `٣`
    or `１２３`, which no client means to send. JSON numbers are read as before."""

    def to_internal_value(self, data):
        plain_number_text(data)
        return super().to_internal_value(data)

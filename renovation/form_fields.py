"""Form fields with the input rules of renovation/validation.py, for the pages."""

from __future__ import annotations

from django import forms

from renovation.validation import plain_number_text


class PlainDecimalField(forms.DecimalField):
    """ASCII digits with at most one decimal point (see renovation.api.fields)."""

    def to_python(self, value):
        if value not in self.empty_values:
            plain_number_text(str(value).strip())
        return super().to_python(value)

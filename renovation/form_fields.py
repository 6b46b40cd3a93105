"""Form fields with the input rules of renovation/validation.py, for the pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from renovation.validation import plain_number_text


class PlainDecimalField(forms.DecimalField):
    """ASCII digits with at most one decimal point (see renovation.api.fields)."""

    def to_python(self, value):
        if value not in self.empty_values:
            plain_number_text(str(value).strip())
        return super().to_python(value)


class VersionedForm(forms.Form):
    """Carries the version of the record the form was opened on (optimistic concurrency).

    The version is a hidden field, so an error on it (a tampered or garbled value) would show
    nowhere next to a field: it is repeated as a message at the top of the form."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def clean(self):
        cleaned = super().clean()
        if self.has_error("version"):
            self.add_error(
                None,
                _(
                    "This form's record version was missing or altered. Nothing was saved: "
                    "reload the page, then enter your change again."
                ),
            )
        return cleaned

"""Plausibility warnings: input that is allowed but probably wrong, saved only once confirmed.

A service collects `PlausibilityWarning`s beside its hard validation (which stays a
`ValidationError`) and calls `confirm_or_raise(warnings, confirmed=...)` before it writes.
Unconfirmed warnings raise `WarningsNotConfirmed`, which changes nothing:

- pages (`programmes.views.run_service`) put the messages above the form with a checkbox
  "确认无误，继续保存" (the form field `confirm_warnings`, see `ConfirmWarningsMixin`); the
  second post, with the box ticked, calls the service with `confirm_warnings=True`;
- the API takes `confirm_warnings: true` in the body and otherwise answers 400 with
  `code: "warnings"`, the messages under `errors.confirm_warnings` and each warning with its own
  code under `warnings` (renovation/api/exceptions.py).

A warning is never silent and never blocks someone who knows better: that is the difference
with a validation error. Codes are stable identifiers clients may test for.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

CONFIRM_FIELD = "confirm_warnings"
CONFIRM_LABEL = _("Confirmed: the figures are right, save anyway")


@dataclass(frozen=True)
class PlausibilityWarning:
    code: str  # e.g. "building_households_above_compound"
    message: str  # translated, for the user
    field: str = ""  # the input the warning is about, when there is one

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "field": self.field, "message": str(self.message)}


class WarningsNotConfirmed(Exception):
    """The input is plausible only if the user confirms it; nothing was written."""

    def __init__(self, warnings: Iterable[PlausibilityWarning]) -> None:
        self.warnings = list(warnings)
        super().__init__("; ".join(str(w.message) for w in self.warnings))

    @property
    def messages(self) -> list[str]:
        return [str(w.message) for w in self.warnings]


def confirm_or_raise(
    warnings: Iterable[PlausibilityWarning], *, confirmed: bool
) -> list[PlausibilityWarning]:
    """Raise `WarningsNotConfirmed` when there are warnings and the user has not confirmed
    them; return the warnings (confirmed ones are worth a line in the change reason)."""
    found = list(warnings)
    if found and not confirmed:
        raise WarningsNotConfirmed(found)
    return found


def confirmed_reason(reason: str, warnings: list[PlausibilityWarning]) -> str:
    """The change reason, noting that plausibility warnings were confirmed (history keeps it)."""
    if not warnings:
        return reason
    codes = ",".join(w.code for w in warnings)
    label = _("warnings confirmed")
    return f"{reason} [{label}: {codes}]"


class ConfirmWarningsMixin(forms.Form):
    """The confirmation checkbox of a form whose service may raise warnings. Shown (by
    templates/_warnings.html) only after the service has raised some."""

    confirm_warnings = forms.BooleanField(label=CONFIRM_LABEL, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.plausibility_warnings: list[PlausibilityWarning] = []

    def show_warnings(self, warnings: list[PlausibilityWarning]) -> None:
        self.plausibility_warnings = warnings

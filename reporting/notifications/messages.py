"""Reminder texts, rendered from a notification's kind and parameters in the reader's language
(the stored message is the text in the site's default language, used for e-mail)."""

from __future__ import annotations

from django.utils.translation import gettext as _


def render(kind: str, params: dict) -> str:
    try:
        if kind == "report_overdue":
            return (
                _("%(compound)s: no progress report since %(since)s (due every %(days)s days).")
                % params
            )
        if kind == "problem_overdue":
            return _("%(compound)s: site problem “%(title)s” open since %(since)s.") % params
        if kind == "survey_below":
            return (
                _(
                    "%(compound)s: survey support %(rate)s%% is below the threshold of "
                    "%(threshold)s%%."
                )
                % params
            )
        if kind == "disclosure_closing":
            return _("%(compound)s: disclosure “%(title)s” closes on %(ends)s.") % params
    except (KeyError, TypeError, ValueError):
        pass
    return ""

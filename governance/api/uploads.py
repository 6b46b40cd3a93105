"""Uploads of the governance API: meeting minutes and ballot sheets.

Minutes are attached by `services.meeting_minutes_attach`.

Ballot sheets go through `services.owner_vote_import_ballots` unchanged; `ballot_errors` only
turns its "row, message" errors into rows with the column they are about.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from governance.ballots import BallotSheet

if TYPE_CHECKING:
    pass


# --- Ballot sheets -------------------------------------------------------------------------

# The row messages of governance/ballots.py and the column each is about. They are matched in
# the request's language (the catalogue's own translations); a message not listed here (or
# reworded there) is still reported, without a column.
ROW_MESSAGES = (
    ("room", "the room (or owner) is empty."),
    ("area", "the area “%(value)s” is not a positive number of m² with two decimals at most."),
    ("choice", "the choice “%(value)s” is not one of 同意/反对/弃权 (agree/oppose/abstain)."),
    ("room", "room %(room)s is already on row %(line)s."),
    ("choice", "the same owner voted differently on row %(line)s."),
)
_PLACEHOLDER = re.compile(r"%\\\(\w+\\\)s")


@cache
def _row_patterns(language: str | None) -> tuple[tuple[str, re.Pattern], ...]:
    return tuple(
        (column, re.compile(_PLACEHOLDER.sub(".*", re.escape(_(message))) + r"\Z", re.S))
        for column, message in ROW_MESSAGES
    )


def _column(message: str) -> str | None:
    for column, pattern in _row_patterns(get_language()):
        if pattern.match(message):
            return column
    return None


def ballot_errors(sheet: BallotSheet) -> list[dict]:
    """The sheet's errors as {row, column, message}: `row` is the sheet's row number (the
    header is row 1) or null for the whole file, `column` one of room, owner, area, choice or
    null, and `message` the full sentence the page shows."""
    messages = sheet.error_messages()
    return [
        {
            "row": line,
            "column": _column(message) if line is not None else None,
            "message": full,
        }
        for (line, message), full in zip(sheet.errors, messages, strict=True)
    ]

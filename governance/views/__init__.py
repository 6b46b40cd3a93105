"""Pages of resident governance. Each view takes its object from a scoped selector (an id outside
the user's scope is a 404), checks the role, translates the form and calls one service. The
public disclosure pages need no login and show nothing personal.

Split by topic; every view is re-exported here for the URLconf (`views.vote_tally`)."""

from .aftercare import fund_edit, management_create, satisfaction_create
from .committees import (
    committee_create,
    committee_edit,
    compound_governance,
    member_add,
    member_remove,
)
from .disclosure import disclosure_create, disclosure_edit
from .meetings import meeting_create, meeting_minutes, survey_create
from .public import (
    TOO_MANY_REQUESTS,
    public_disclosure,
    public_disclosure_print,
    public_disclosure_qr,
)
from .suggestions import suggestion_create, suggestion_detail, suggestion_list
from .votes import vote_ballots, vote_create, vote_detail, vote_tally

__all__ = [
    "TOO_MANY_REQUESTS",
    "committee_create",
    "committee_edit",
    "compound_governance",
    "disclosure_create",
    "disclosure_edit",
    "fund_edit",
    "management_create",
    "meeting_create",
    "meeting_minutes",
    "member_add",
    "member_remove",
    "public_disclosure",
    "public_disclosure_print",
    "public_disclosure_qr",
    "satisfaction_create",
    "suggestion_create",
    "suggestion_detail",
    "suggestion_list",
    "survey_create",
    "vote_ballots",
    "vote_create",
    "vote_detail",
    "vote_tally",
]

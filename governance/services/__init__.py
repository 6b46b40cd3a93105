"""Writes of resident governance, split by topic; every public name is re-exported here, so
callers keep `from governance.services import vote_tally`."""

from ._common import CENT, MINUTES_MAX_BYTES, RateLimitedError
from .aftercare import fund_collection_record, long_term_management_record, satisfaction_record
from .committees import (
    committee_create,
    committee_member_add,
    committee_member_remove,
    committee_update,
)
from .disclosure import disclosure_create, disclosure_update, service_kwargs
from .meetings import meeting_minutes_attach, meeting_record, opinion_survey_record
from .suggestions import (
    public_submissions_per_hour,
    suggestion_answer,
    suggestion_assign,
    suggestion_close,
    suggestion_record,
    suggestion_submit_public,
)
from .votes import owner_vote_create, owner_vote_import_ballots, owner_vote_tally

__all__ = [
    "CENT",
    "MINUTES_MAX_BYTES",
    "RateLimitedError",
    "committee_create",
    "committee_member_add",
    "committee_member_remove",
    "committee_update",
    "disclosure_create",
    "disclosure_update",
    "fund_collection_record",
    "long_term_management_record",
    "meeting_minutes_attach",
    "meeting_record",
    "opinion_survey_record",
    "owner_vote_create",
    "owner_vote_import_ballots",
    "owner_vote_tally",
    "public_submissions_per_hour",
    "satisfaction_record",
    "service_kwargs",
    "suggestion_answer",
    "suggestion_assign",
    "suggestion_close",
    "suggestion_record",
    "suggestion_submit_public",
]

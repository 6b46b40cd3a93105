"""Resident governance (先自治后整治): committees, meetings, surveys, owners' votes, suggestions,
satisfaction, long-term management, maintenance-fund collection and public disclosure.

Every record hangs off a compound (or a project of one) and is scoped through its street, so a
street officer reads and writes only its own street's records. Names and phone numbers of
committee members and the contact left with a suggestion are personal data: selectors mask them
for roles that do not need them, and public pages never show them.

Split by topic; every model (and the helpers other modules and migrations name) is re-exported
here, so callers keep `from governance.models import OwnerVote` and Django finds every model.
"""

from governance.public_limits import PublicSubmissionCount

from ._common import (
    HUNDRED,
    ZERO,
    CompoundScopedQuerySet,
    ProjectScopedQuerySet,
    ScopeKind,
    percent,
    scope_constraints,
)
from .aftercare import FundCollection, LongTermManagement, SatisfactionSurvey
from .committees import CommitteeMember, CommitteeMemberQuerySet, ResidentCommittee, phone_validator
from .disclosure import Disclosure, DisclosureQuerySet, new_public_token
from .meetings import Meeting, OpinionSurvey, minutes_path
from .suggestions import Suggestion
from .votes import Ballot, BallotQuerySet, Matter, OwnerVote, VoteRule, VoteRuleSet

__all__ = [
    "HUNDRED",
    "ZERO",
    "Ballot",
    "BallotQuerySet",
    "CommitteeMember",
    "CommitteeMemberQuerySet",
    "CompoundScopedQuerySet",
    "Disclosure",
    "DisclosureQuerySet",
    "FundCollection",
    "LongTermManagement",
    "Matter",
    "Meeting",
    "OpinionSurvey",
    "OwnerVote",
    "ProjectScopedQuerySet",
    "PublicSubmissionCount",
    "ResidentCommittee",
    "SatisfactionSurvey",
    "ScopeKind",
    "Suggestion",
    "VoteRule",
    "VoteRuleSet",
    "minutes_path",
    "new_public_token",
    "percent",
    "phone_validator",
    "scope_constraints",
]

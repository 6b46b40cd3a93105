"""API representations and inputs of resident governance. Names and phone numbers of committee
members, and the contact left with a suggestion, are masked exactly as on the pages: shown to
the street office of the record's street and the officials of its district, masked for everyone
else (`governance.masking`). Ballots (owners by room) are never exposed.

Split by topic; every serializer is re-exported here (`from . import serializers as api`)."""

from ._common import MAX_COUNT, MAX_ID, kind_field
from .committees import (
    CommitteeCreateInput,
    CommitteeInput,
    CommitteeSerializer,
    CommitteeUpdateInput,
    MemberInput,
    MemberSerializer,
    member_data,
)
from .meetings import MeetingInput, MeetingSerializer, MinutesInput
from .statistics import (
    CommitteeKindFiguresSerializer,
    GovernanceIndicatorsSerializer,
    GovernanceScopeSerializer,
    IndicatorsSerializer,
    StreetIndicatorsSerializer,
)
from .suggestions import (
    SUGGESTION_CHANNELS,
    SuggestionAnswerInput,
    SuggestionAssignInput,
    SuggestionCloseInput,
    SuggestionInput,
    SuggestionSerializer,
)
from .surveys import (
    OpinionSurveyInput,
    OpinionSurveySerializer,
    SatisfactionSurveyInput,
    SatisfactionSurveySerializer,
)
from .votes import (
    BallotErrorSerializer,
    BallotImportInput,
    BallotImportSerializer,
    BallotOutcomeSerializer,
    BallotTallySerializer,
    OutcomeSerializer,
    TallyInput,
    ThresholdSerializer,
    VoteDetailSerializer,
    VoteInput,
    VoteSerializer,
)

__all__ = [
    "MAX_COUNT",
    "MAX_ID",
    "SUGGESTION_CHANNELS",
    "BallotErrorSerializer",
    "BallotImportInput",
    "BallotImportSerializer",
    "BallotOutcomeSerializer",
    "BallotTallySerializer",
    "CommitteeCreateInput",
    "CommitteeInput",
    "CommitteeKindFiguresSerializer",
    "CommitteeSerializer",
    "CommitteeUpdateInput",
    "GovernanceIndicatorsSerializer",
    "GovernanceScopeSerializer",
    "IndicatorsSerializer",
    "MeetingInput",
    "MeetingSerializer",
    "MemberInput",
    "MemberSerializer",
    "MinutesInput",
    "OpinionSurveyInput",
    "OpinionSurveySerializer",
    "OutcomeSerializer",
    "SatisfactionSurveyInput",
    "SatisfactionSurveySerializer",
    "StreetIndicatorsSerializer",
    "SuggestionAnswerInput",
    "SuggestionAssignInput",
    "SuggestionCloseInput",
    "SuggestionInput",
    "SuggestionSerializer",
    "TallyInput",
    "ThresholdSerializer",
    "VoteDetailSerializer",
    "VoteInput",
    "VoteSerializer",
    "kind_field",
    "member_data",
]

"""REST endpoints of resident governance (the indicators are in `statistics.py`).

Reads come from scoped selectors, so an id outside the user's scope is a 404 for any method,
including an id named in the body of a write (the compound or project the record is for).
Writes check the role as the pages do and call the same services; their `ValidationError`,
`PermissionDenied` and `ConflictError` become 400, 403 and 409 in the common error shape.
Personal data is masked by role exactly as on the pages (see `serializers.py`).

Split by topic; every viewset is re-exported here for the router (`views.OwnerVoteViewSet`).
"""

from .committees import CommitteeViewSet
from .meetings import MINUTES_TYPES, OCTET_STREAM, MeetingViewSet
from .suggestions import SuggestionViewSet
from .surveys import OpinionSurveyViewSet, SatisfactionSurveyViewSet
from .votes import OwnerVoteViewSet

__all__ = [
    "MINUTES_TYPES",
    "OCTET_STREAM",
    "CommitteeViewSet",
    "MeetingViewSet",
    "OpinionSurveyViewSet",
    "OwnerVoteViewSet",
    "SatisfactionSurveyViewSet",
    "SuggestionViewSet",
]

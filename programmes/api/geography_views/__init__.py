"""Set-up of a district's geography through the API: POST on the lists and PATCH on the details
of streets, communities, areas, compounds and buildings, and the merge of duplicate compounds.

The same services as the pages (programmes.geography_services). Records named in the path or
the body come from the caller's scope (404 outside it); the role is checked by the services
(403); a stale version is a 409; plausibility warnings are a 400 with code `warnings` until
the request is sent again with `confirm_warnings: true`.

Split by topic (areas, compounds); the viewsets and the documented examples are re-exported.
"""

from ._common import EXAMPLES, TAG, WARNINGS_NOTE
from .areas import AreaSetupViewSet, CommunityViewSet, StreetSetupViewSet
from .compounds import BuildingSetupViewSet, CompoundSetupViewSet

__all__ = [
    "EXAMPLES",
    "TAG",
    "WARNINGS_NOTE",
    "AreaSetupViewSet",
    "BuildingSetupViewSet",
    "CommunityViewSet",
    "CompoundSetupViewSet",
    "StreetSetupViewSet",
]

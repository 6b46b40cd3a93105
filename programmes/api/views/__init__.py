"""REST endpoints of the programmes app (statistics are in `statistics.py`).

Every queryset comes from a scoped selector, so an id outside the user's scope is a 404 for any
method; writes check the role as the pages do and then call the same services, whose
`ValidationError`, `PermissionDenied` and `ConflictError` become 400, 403 and 409 in the common
error shape (renovation/api/exceptions.py).

Split by topic; every viewset is re-exported here for the router (`views.ProjectViewSet`).
"""

from .geography import AreaViewSet, BuildingViewSet, CompoundViewSet, DistrictViewSet, StreetViewSet
from .problems import SiteProblemViewSet
from .progress import (
    ProgressPhotoFilter,
    ProgressPhotoViewSet,
    ProgressReportViewSet,
    WorkItemViewSet,
    WorkTypeViewSet,
)
from .projects import ProgrammeViewSet, ProjectViewSet

__all__ = [
    "AreaViewSet",
    "BuildingViewSet",
    "CompoundViewSet",
    "DistrictViewSet",
    "ProgrammeViewSet",
    "ProgressPhotoFilter",
    "ProgressPhotoViewSet",
    "ProgressReportViewSet",
    "ProjectViewSet",
    "SiteProblemViewSet",
    "StreetViewSet",
    "WorkItemViewSet",
    "WorkTypeViewSet",
]

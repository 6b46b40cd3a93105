"""Geography, the compound registry, programmes, projects, work items, progress and problems.

Split by topic; every model (and the few helpers other modules use) is re-exported here, so
callers keep `from programmes.models import Project` and Django finds every model of the app.
"""

from ..geography_models import CompoundMerge
from .geography import (
    Area,
    AreaQuerySet,
    City,
    CityQuerySet,
    Community,
    District,
    DistrictQuerySet,
    Province,
    Street,
    StreetQuerySet,
)
from .plans import Batch, Category, LocalTarget, Programme, ProgrammeQuerySet, Stage, YearTarget
from .progress import (
    ProgressPhoto,
    ProgressReport,
    ProgressReportLine,
    ProgressReportQuerySet,
    SiteProblem,
    SiteProblemQuerySet,
    WorkItem,
    WorkItemQuerySet,
    WorkType,
    WorkTypeQuerySet,
    progress_photo_path,
)
from .projects import (
    AcceptanceRecord,
    AcceptanceRecordQuerySet,
    Project,
    ProjectQuerySet,
    StageTransition,
    compound_current_project_refresh,
)
from .registry import ZERO, Building, BuildingQuerySet, Compound, CompoundQuerySet

__all__ = [
    "ZERO",
    "AcceptanceRecord",
    "AcceptanceRecordQuerySet",
    "Area",
    "AreaQuerySet",
    "Batch",
    "Building",
    "BuildingQuerySet",
    "Category",
    "City",
    "CityQuerySet",
    "Community",
    "Compound",
    "CompoundMerge",
    "CompoundQuerySet",
    "District",
    "DistrictQuerySet",
    "LocalTarget",
    "Programme",
    "ProgrammeQuerySet",
    "ProgressPhoto",
    "ProgressReport",
    "ProgressReportLine",
    "ProgressReportQuerySet",
    "Project",
    "ProjectQuerySet",
    "Province",
    "SiteProblem",
    "SiteProblemQuerySet",
    "Stage",
    "StageTransition",
    "Street",
    "StreetQuerySet",
    "WorkItem",
    "WorkItemQuerySet",
    "WorkType",
    "WorkTypeQuerySet",
    "YearTarget",
    "compound_current_project_refresh",
    "progress_photo_path",
]

"""Geography, the compound registry, programmes, projects, work items, progress and problems.

Split by topic; every model (and the few helpers other modules use) is re-exported here, so
callers keep `from programmes.models import Project` and Django finds every model of the app.
"""

from ..geography_models import CompoundMerge
from .geography import Area, City, Community, District, Province, Street
from .plans import Batch, Category, LocalTarget, Programme, Stage, YearTarget
from .progress import (
    ProgressPhoto,
    ProgressReport,
    ProgressReportLine,
    SiteProblem,
    WorkItem,
    WorkType,
    progress_photo_path,
)
from .projects import AcceptanceRecord, Project, StageTransition, compound_current_project_refresh
from .registry import ZERO, Building, Compound

__all__ = [
    "ZERO",
    "AcceptanceRecord",
    "Area",
    "Batch",
    "Building",
    "Category",
    "City",
    "Community",
    "Compound",
    "CompoundMerge",
    "District",
    "LocalTarget",
    "Programme",
    "ProgressPhoto",
    "ProgressReport",
    "ProgressReportLine",
    "Project",
    "Province",
    "SiteProblem",
    "Stage",
    "StageTransition",
    "Street",
    "WorkItem",
    "WorkType",
    "YearTarget",
    "compound_current_project_refresh",
    "progress_photo_path",
]

"""API representations (output) and inputs of the programmes app. Inputs only translate the
request; the rules are the services'.

Split by topic; every serializer is re-exported here (`from . import serializers as api`)."""

from ._common import MAX_VERSION, UsernameField
from .geography import (
    AreaSerializer,
    BuildingSerializer,
    CompoundSerializer,
    CurrentProjectSerializer,
    DistrictSerializer,
    StreetSerializer,
)
from .problems import SiteProblemCloseInput, SiteProblemInput, SiteProblemSerializer
from .progress import (
    ProgressPhotoInput,
    ProgressPhotoSerializer,
    ProgressReportInput,
    ProgressReportLineInput,
    ProgressReportLineSerializer,
    ProgressReportSerializer,
    ReportReturnInput,
    WorkItemSerializer,
    WorkTypeSerializer,
)
from .projects import (
    BatchSerializer,
    LocalTargetSerializer,
    ProgrammeSerializer,
    ProjectSerializer,
    StageTransitionInput,
    StageTransitionSerializer,
    YearTargetSerializer,
)

__all__ = [
    "MAX_VERSION",
    "AreaSerializer",
    "BatchSerializer",
    "BuildingSerializer",
    "CompoundSerializer",
    "CurrentProjectSerializer",
    "DistrictSerializer",
    "LocalTargetSerializer",
    "ProgrammeSerializer",
    "ProgressPhotoInput",
    "ProgressPhotoSerializer",
    "ProgressReportInput",
    "ProgressReportLineInput",
    "ProgressReportLineSerializer",
    "ProgressReportSerializer",
    "ProjectSerializer",
    "ReportReturnInput",
    "SiteProblemCloseInput",
    "SiteProblemInput",
    "SiteProblemSerializer",
    "StageTransitionInput",
    "StageTransitionSerializer",
    "StreetSerializer",
    "UsernameField",
    "WorkItemSerializer",
    "WorkTypeSerializer",
    "YearTargetSerializer",
]

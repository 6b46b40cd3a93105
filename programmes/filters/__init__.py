"""FilterSets shared by the pages and the API, so a filter means the same everywhere.

Split by topic; every FilterSet is re-exported here, and so are the scoped choices and the
year filter that the funding and governance FilterSets build on.
"""

from ._common import IntegerFilter, YearFilter
from ._common import _visible_areas as _visible_areas
from ._common import _visible_compounds as _visible_compounds
from ._common import _visible_districts as _visible_districts
from ._common import _visible_programmes as _visible_programmes
from ._common import _visible_projects as _visible_projects
from ._common import _visible_streets as _visible_streets
from ._common import _year_filter as _year_filter
from .geography import (
    AreaFilter,
    BuildingFilter,
    CompoundApiFilter,
    CompoundFilter,
    DistrictFilter,
    StreetFilter,
)
from .projects import (
    ProgrammeFilter,
    ProgressReportFilter,
    ProjectFilter,
    SiteProblemFilter,
    StatisticsFilter,
    WorkItemFilter,
)

__all__ = [
    "AreaFilter",
    "BuildingFilter",
    "CompoundApiFilter",
    "CompoundFilter",
    "DistrictFilter",
    "IntegerFilter",
    "ProgrammeFilter",
    "ProgressReportFilter",
    "ProjectFilter",
    "SiteProblemFilter",
    "StatisticsFilter",
    "StreetFilter",
    "WorkItemFilter",
    "YearFilter",
]

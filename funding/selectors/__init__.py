"""Reads: the funding-mix report, scope resolution, project and compound funding panels.

Every function takes the user and starts from `visible_to(user)`. Aggregates are SQL (`Sum` with
`filter=`, grouped by kind and sub-type) in a fixed number of queries, whatever the number of
commitments, receipts and expenditures.

Two ways of counting programme-level money (a district bond issue allocated to projects):

* **Whole programme** (district, programme, batch or year scopes, read by district-level users):
  programme-level commitments count in full, with their receipts and expenditures, including the
  unassigned pool; allocations are a breakdown and are not added again.
* **Attributed to projects** (street, area or project scopes, and anything a street officer
  reads): only money booked for projects counts — project-level commitments plus the allocated
  parts of programme-level ones, and the receipts and expenditures booked for those projects.

Either way each yuan is counted once, and the street officer never sees the district's pool.

The parts, by topic: `rounding` (amounts and shares as shown), `scope` (what a figure covers),
`mix_report` (the report's rows and how they are shown in a unit), `mix` (the report from SQL),
`project` (the project funding page and commitment pages), `panels` (compound page and home
dashboard), `lists` (the API lists). Every name is re-exported here.
"""

from .lists import (
    allocation_list,
    commitment_list,
    expenditure_list,
    funding_source_list,
    receipt_list,
)
from .mix import funding_mix, mix_rows, resident_contributions
from .mix_report import (
    MEASURES,
    Figures,
    FundingMix,
    KindRow,
    ResidentRow,
    Shown,
    ShownMix,
    SubTypeRow,
)
from .panels import CompoundPanel, compound_funding_panel, dashboard_funding_panel
from .project import (
    Line,
    commitment_detail,
    funding_line,
    programme_commitments,
    project_expenditures,
    project_for_funding,
    project_funding_lines,
    project_receipts,
)
from .rounding import money_, percent, shares_percent
from .scope import FundingScope, ScopeOptions, funding_scope_options, funding_scope_resolve

__all__ = [
    "MEASURES",
    "CompoundPanel",
    "Figures",
    "FundingMix",
    "FundingScope",
    "KindRow",
    "Line",
    "ResidentRow",
    "ScopeOptions",
    "Shown",
    "ShownMix",
    "SubTypeRow",
    "allocation_list",
    "commitment_detail",
    "commitment_list",
    "compound_funding_panel",
    "dashboard_funding_panel",
    "expenditure_list",
    "funding_line",
    "funding_mix",
    "funding_scope_options",
    "funding_scope_resolve",
    "funding_source_list",
    "mix_rows",
    "money_",
    "percent",
    "programme_commitments",
    "project_expenditures",
    "project_for_funding",
    "project_funding_lines",
    "project_receipts",
    "receipt_list",
    "resident_contributions",
    "shares_percent",
]

"""The ledger (台账): one sheet per topic for any scope the user may see.

Sheets: compounds, projects, work items, funding lines, governance per compound and committee
members. Every sheet is read with a fixed number of queries (a streamed main query plus grouped
aggregates keyed by id), whatever the number of rows. Names and phone numbers of committee
members are masked for readers who may not see personal data (renovation.access).

Aggregates are the registry's figures (programmes, funding and governance `figures`). The
projects and funding sheets end with a total row; in 万元 their money is rounded by largest
remainder so that the rows add up exactly to that total, the total the funding-mix report shows
(renovation.figures.rounding.StreamingRounder: the rows are read twice, in the same order, so
memory stays flat for any size).

Split by sheet: `compounds`, `projects`, `work_items`, `funding`, `governance` (with the
members sheet); `common` holds what the sheets share and `book` puts them together. Every public
name is re-exported here, so callers keep `from reporting.exports.ledger import ledger_tables`.
"""

from .book import BUILDERS, ledger_row_estimate, ledger_size, ledger_tables
from .common import CHUNK, MEASURES_OF_PROJECT, SHEETS, MoneyColumns, sheet_titles
from .compounds import compounds_table
from .funding import LINE_FIELDS, LINE_PLACE, Line, funding_table
from .governance import governance_table, members_table
from .projects import project_money, projects_table
from .work_items import work_items_table

__all__ = [
    "BUILDERS",
    "CHUNK",
    "LINE_FIELDS",
    "LINE_PLACE",
    "MEASURES_OF_PROJECT",
    "SHEETS",
    "Line",
    "MoneyColumns",
    "compounds_table",
    "funding_table",
    "governance_table",
    "ledger_row_estimate",
    "ledger_size",
    "ledger_tables",
    "members_table",
    "project_money",
    "projects_table",
    "sheet_titles",
    "work_items_table",
]

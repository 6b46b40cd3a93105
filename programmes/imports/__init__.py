"""Census import (摸排): compounds and buildings from an XLSX or CSV file.

A workbook has a compounds sheet and a buildings sheet (either may be left out); a CSV file is
one of the two. A table is a buildings table when it has a building-name column. Headers are
recognised in Chinese and English, in any order; columns left out of the file are left unchanged
on compounds that already exist.

Every row is checked before anything is written, and every problem is reported with its sheet,
row and column. The import is all or nothing: one bad row and nothing is written. Re-importing
updates by natural key instead of duplicating: a compound by its registry code (Compound.code),
else by street office and name; a building by compound and name. Street offices must exist in
the importing district; communities and areas named in the file are created when missing.

Rows are written with bulk operations (and their history), so 10,000 rows take seconds.

Split by step: fields (the columns and the template), reading, parsing, checks, writing and the
service (census.py). The public names are re-exported here, and so are the reading and parsing
helpers the programme import shares (programme_import.py, programme_import_columns.py).
"""

from .census import census_district_for, census_import
from .fields import BUILDING_FIELDS, COMPOUND_FIELDS, Field, census_template
from .fields import _f as _f
from .fields import _norm as _norm
from .parsing import CellError
from .parsing import _parse as _parse
from .parsing import _text as _text
from .reading import MAX_BYTES, MAX_ROWS, RawTable, read_tables
from .reading import _columns as _columns
from .results import CensusResult, RowError

__all__: list[str] = [
    "BUILDING_FIELDS",
    "COMPOUND_FIELDS",
    "MAX_BYTES",
    "MAX_ROWS",
    "CellError",
    "CensusResult",
    "Field",
    "RawTable",
    "RowError",
    "census_district_for",
    "census_import",
    "census_template",
    "read_tables",
]

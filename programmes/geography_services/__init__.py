"""Writes that set up a district's geography: streets, communities, areas (片区), compounds and
buildings, and the merge of two duplicate compounds.

District officials of the district only (renovation.access.can_set_up_geography). Every write
validates, runs in one transaction, is kept in history with who and why, bumps the version of
versioned records (a stale form is a ConflictError) and marks the statistics it changes dirty.
Plausible-but-odd figures are warnings to confirm (renovation/warnings.py).

Split by topic (areas, compounds, merge); every service is re-exported here.
"""

from .areas import (
    area_create,
    area_update,
    community_create,
    community_update,
    street_create,
    street_update,
)
from .compounds import (
    BUILDING_FIELDS,
    COMPOUND_FIELDS,
    building_create,
    building_update,
    compound_create,
    compound_update,
)
from .merge import compound_merge

__all__ = [
    "BUILDING_FIELDS",
    "COMPOUND_FIELDS",
    "area_create",
    "area_update",
    "building_create",
    "building_update",
    "community_create",
    "community_update",
    "compound_create",
    "compound_merge",
    "compound_update",
    "street_create",
    "street_update",
]

"""One district's registry: communities, areas (片区), compounds and their buildings.

Compounds are mostly built 1980–2000, households per compound are log-normal (median about 130,
a long tail of large work-unit compounds), buildings split the households, floor area and
residents follow the households. The compound row itself is written after its projects are
known (`write_compounds`), since it points at its current project.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass, field

from . import names
from .common import Clock, Ids, Rows, allocate, cents, day_between, lognormal_int
from .geography import DistrictPlan

ELIGIBLE, PENDING, GOOD, REDEVELOPED = "eligible", "pending", "good", "redeveloped"
STATUSES = (ELIGIBLE, PENDING, GOOD, REDEVELOPED)
STATUS_WEIGHTS = (0.90, 0.94, 0.97, 1.0)  # cumulative
CENSUS_FROM, CENSUS_TO = dt.date(2018, 9, 1), dt.date(2019, 3, 31)


@dataclass
class BuildingRec:
    id: int
    name: str
    households: int
    units: int


@dataclass
class CompoundRec:
    id: int
    code: str
    name: str
    address: str
    street_id: int
    community_id: int | None
    area_id: int | None
    year_built: int
    households: int
    residents: int
    floor_area: int  # cents of m²
    status: str
    flags: tuple[bool, bool, bool, bool, bool]
    latitude: str
    longitude: str
    census_on: dt.date
    buildings: list[BuildingRec] = field(default_factory=list)
    current_project_id: int | None = None
    projects: list = field(default_factory=list)  # ProjectRec, oldest programme first

    @property
    def floor_area_m2(self) -> float:
        return self.floor_area / 100


def year_built(rng: random.Random) -> int:
    roll = rng.random()
    if roll < 0.08:
        return rng.randint(1958, 1979)
    if roll < 0.86:
        return round(rng.triangular(1980, 2000, 1994))
    return rng.randint(2001, 2005)


def problem_flags(rng: random.Random, status: str) -> tuple[bool, bool, bool, bool, bool]:
    if status in (GOOD, REDEVELOPED):
        return (False, False, False, False, False)
    values = [rng.random() < p for p in (0.55, 0.8, 0.6, 0.65, 0.35)]
    if not any(values):
        values[1] = True
    return tuple(values)  # type: ignore[return-value]


def build_district(
    district: DistrictPlan, rng: random.Random, ids: Ids, rows: Rows, clock: Clock, system: int
) -> tuple[list[CompoundRec], list[int]]:
    """Communities, areas, compounds (in memory) and buildings (written) of one district;
    returns the compounds and the district's area ids."""
    total = district.compounds
    n_areas = 0 if total < 5 else max(1, round(total / 60))
    area_namer = names.UniqueNamer(rng)
    area_ids = []
    for _ in range(n_areas):
        area_id = ids.take("area")
        name = area_namer(("片区",))
        rows.add("area", (area_id, district.id, name, f"{name}连片改造（拆墙并院、统一设计）"))
        area_ids.append(area_id)

    compounds: list[CompoundRec] = []
    for s_index, street in enumerate(district.streets):
        community_namer = names.UniqueNamer(rng)
        community_ids = []
        for _ in range(max(1, min(12, round(street.compounds / 25)) + rng.randint(0, 2))):
            community_id = ids.take("community")
            rows.add("community", (community_id, street.id, community_namer(("社区",))))
            community_ids.append(community_id)
        street_roads = names.roads(rng, max(3, min(12, street.compounds // 4 + 2)))
        home_area = area_ids[s_index % n_areas] if n_areas else None
        for _ in range(street.compounds):
            compounds.append(
                _compound(
                    district,
                    street.id,
                    community_ids,
                    street_roads,
                    home_area,
                    rng,
                    ids,
                    len(compounds),
                )
            )
    for compound in compounds:
        _buildings(compound, rng, ids, rows, clock, system)
    return compounds, area_ids


def _compound(district, street_id, community_ids, street_roads, home_area, rng, ids, seq):
    households = lognormal_int(rng, 130, 0.85, 12, 4000)
    status = rng.choices(STATUSES, cum_weights=STATUS_WEIGHTS)[0]
    road = rng.choice(street_roads)
    return CompoundRec(
        id=ids.take("compound"),
        code=f"{district.code}-{seq + 1:05d}",
        name=names.compound_name(rng, road),
        address=f"{road}{rng.randint(1, 300)}号",
        street_id=street_id,
        community_id=rng.choice(community_ids) if rng.random() < 0.85 else None,
        area_id=home_area if home_area is not None and rng.random() < 0.3 else None,
        year_built=year_built(rng),
        households=households,
        residents=round(households * rng.uniform(2.2, 3.0)),
        floor_area=round(households * rng.uniform(52.0, 88.0) * 100),
        status=status,
        flags=problem_flags(rng, status),
        latitude=f"{district.latitude + rng.uniform(-0.08, 0.08):.6f}",
        longitude=f"{district.longitude + rng.uniform(-0.08, 0.08):.6f}",
        census_on=day_between(rng, CENSUS_FROM, CENSUS_TO),
    )


def _buildings(compound: CompoundRec, rng, ids: Ids, rows: Rows, clock: Clock, system: int) -> None:
    per_building = lognormal_int(rng, 36, 0.35, 10, 200)
    count = max(1, min(80, compound.households, math.ceil(compound.households / per_building)))
    parts = allocate(compound.households, [rng.lognormvariate(0.0, 0.3) for _ in range(count)], 1)
    created = clock.at(compound.census_on, 9)
    word = "栋" if rng.random() < 0.6 else "号楼"
    for i, households in enumerate(parts, start=1):
        tall = rng.random() < 0.1
        floors = (
            rng.randint(9, 18) if tall else rng.randint(4, 6 if compound.year_built < 1990 else 7)
        )
        units = max(1, min(8, math.ceil(households / (floors * 2))))
        building = BuildingRec(ids.take("building"), f"{i}{word}", households, units)
        compound.buildings.append(building)
        rows.add(
            "building",
            (
                building.id,
                created,
                system,
                created,
                system,
                compound.id,
                building.name,
                floors,
                units,
                households,
                tall or rng.random() < 0.03,
                compound.year_built,
                1,
            ),
        )


def write_compounds(compounds: list[CompoundRec], rows: Rows, clock: Clock, system: int) -> None:
    for c in compounds:
        created = clock.at(c.census_on, 9)
        rows.add(
            "compound",
            (
                c.id,
                created,
                system,
                created,
                system,
                c.code,
                c.name,
                c.address,
                c.street_id,
                c.community_id,
                c.area_id,
                c.year_built,
                len(c.buildings),
                c.households,
                c.residents,
                cents(c.floor_area),
                c.latitude,
                c.longitude,
                c.status,
                *c.flags,
                "",
                c.current_project_id,
                1,
            ),
        )

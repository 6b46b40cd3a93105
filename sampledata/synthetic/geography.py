"""The national-like hierarchy (province → city → district → street office) and how many
compounds each street has, with realistic skew.

Provinces are weighted by a Zipf law over their population rank; a province's cities by a Zipf
law (the capital first); districts per city and streets per district grow sub-linearly with the
weight, so a big city has both more districts and bigger ones; compounds per street are
log-normal around their district's weight. Every level gets at least one child, and when there
are at least as many compounds as streets every street gets at least one compound.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from . import names
from .common import CODE_PREFIX, Ids, Options, Rows, Stream, allocate, scale_for, zipf_weights


@dataclass
class StreetPlan:
    id: int
    name: str
    compounds: int


@dataclass
class DistrictPlan:
    index: int
    id: int
    code: str
    name: str
    city_id: int
    city_name: str
    province_name: str
    latitude: float
    longitude: float
    streets: list[StreetPlan] = field(default_factory=list)

    @property
    def compounds(self) -> int:
        return sum(s.compounds for s in self.streets)


@dataclass
class Geography:
    districts: list[DistrictPlan]
    city_ids: list[int]
    counts: dict[str, int]


def build(options: Options, ids: Ids, rows: Rows) -> Geography:
    scale = scale_for(options)
    rng = Stream(f"{options.seed}/geography")
    specs = names.PROVINCES[: scale.provinces]
    province_weights = [w * rng.lognormvariate(0.0, 0.15) for w in zipf_weights(len(specs), 0.6)]
    cities_per_province = allocate(scale.cities, province_weights, minimum=1)

    # Cities: the capital is the biggest of its province.
    city_namer = names.UniqueNamer(rng)
    cities = []  # (id, name, province name, weight, latitude, longitude, code)
    for (province_name, gb, capital), weight, count in zip(
        specs, province_weights, cities_per_province, strict=True
    ):
        province_id = ids.take("province")
        rows.add("province", (province_id, province_name, f"{CODE_PREFIX}{gb}"))
        shares = zipf_weights(count, 0.9)
        total = sum(shares)
        base_lat, base_lon = rng.uniform(22.0, 45.0), rng.uniform(100.0, 125.0)
        for k, share in enumerate(shares):
            city_id = ids.take("city")
            name = capital if k == 0 else city_namer(names.CITY_SUFFIXES, length=1)
            code = f"{CODE_PREFIX}{gb}{k + 1:03d}"
            rows.add("city", (city_id, province_id, name, code))
            lat = base_lat + rng.uniform(-2.5, 2.5)
            lon = base_lon + rng.uniform(-3.0, 3.0)
            cities.append((city_id, name, province_name, weight * share / total, lat, lon, code))

    districts_per_city = allocate(scale.districts, [c[3] ** 0.6 for c in cities], minimum=1)
    districts: list[DistrictPlan] = []
    district_weights: list[float] = []
    for (city_id, city_name, province_name, weight, lat, lon, code), count in zip(
        cities, districts_per_city, strict=True
    ):
        namer = names.UniqueNamer(rng)
        jitter = [rng.lognormvariate(0.0, 0.35) for _ in range(count)]
        total = sum(jitter)
        for j in range(count):
            districts.append(
                DistrictPlan(
                    index=len(districts),
                    id=ids.take("district"),
                    code=f"{code}{j + 1:03d}",
                    name=namer(names.DISTRICT_SUFFIXES),
                    city_id=city_id,
                    city_name=city_name,
                    province_name=province_name,
                    latitude=lat + rng.uniform(-0.3, 0.3),
                    longitude=lon + rng.uniform(-0.3, 0.3),
                )
            )
            district_weights.append(weight * jitter[j] / total)
    for d in districts:
        rows.add("district", (d.id, d.city_id, d.name, d.code))

    streets_per_district = allocate(scale.streets, [w**0.7 for w in district_weights], minimum=1)
    street_weights: list[float] = []
    for district, weight, count in zip(
        districts, district_weights, streets_per_district, strict=True
    ):
        namer = names.UniqueNamer(rng)
        for _ in range(count):
            street = StreetPlan(
                id=ids.take("street"), name=namer(names.STREET_SUFFIXES), compounds=0
            )
            district.streets.append(street)
            rows.add("street", (street.id, district.id, street.name))
            street_weights.append(weight / count * math.exp(rng.gauss(0.0, 0.9)))

    minimum = 1 if options.compounds >= scale.streets else 0
    per_street = allocate(options.compounds, street_weights, minimum=minimum)
    streets = [s for d in districts for s in d.streets]
    for street, count in zip(streets, per_street, strict=True):
        street.compounds = count
    return Geography(
        districts=districts,
        city_ids=[c[0] for c in cities],
        counts={
            "provinces": len(specs),
            "cities": len(cities),
            "districts": len(districts),
            "streets": len(streets),
        },
    )

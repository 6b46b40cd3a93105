"""Everything of one district, in a fixed order from the district's own random stream.

Each district draws from its own `Stream("<seed>/district/<index>")` (a `random.Random`), so its
rows depend only on the seed, N and its place in the hierarchy, never on dict or set ordering or
the clock.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from . import aftercare, progress, projects, registry
from .catalogue import Catalogue
from .common import Clock, Ids, Rows, Stream, day_between
from .funding import Money
from .geography import DistrictPlan
from .governance import Governance
from .timeline import APPROVED, CONSULTATION, DESIGN
from .votes import Rules, VoteMaker


@dataclass
class Context:
    seed: int
    ids: Ids
    rows: Rows
    clock: Clock
    system: int
    catalogue: Catalogue
    rules: Rules


def generate(district: DistrictPlan, ctx: Context) -> None:
    rng = Stream(f"{ctx.seed}/district/{district.index}")
    ids, rows, clock, system = ctx.ids, ctx.rows, ctx.clock, ctx.system
    compounds, area_ids = registry.build_district(district, rng, ids, rows, clock, system)
    programmes, planned = projects.plan_district(
        district, compounds, rng, ids, rows, clock, ctx.catalogue, system
    )
    for project in planned:
        # About one project in twelve left consultation through an owners' vote instead of
        # the survey (Civil Code art. 278).
        project.vote_path = project.stage >= DESIGN and rng.random() < 0.08
    progress.build(planned, rng, ids, rows, clock, system)
    projects.write(planned, rng, ids, rows, clock, system)
    registry.write_compounds(compounds, rows, clock, system)

    votes = VoteMaker(ctx.rules, district.city_id, rng, ids, rows, clock, system)
    gov = Governance(rng, ids, rows, clock, system, votes)
    for compound in compounds:
        dates = [p.entered(CONSULTATION) for p in compound.projects if p.stage >= CONSULTATION]
        if dates:
            gov.committees(compound, min(dates))
    street_of_area = {c.area_id: c.street_id for c in reversed(compounds) if c.area_id}
    for area_id in area_ids:
        if area_id in street_of_area and rng.random() < 0.4:
            formed = day_between(rng, dt.date(2021, 3, 1), dt.date(2023, 12, 31))
            gov.area_committee(area_id, street_of_area[area_id], formed)
    for project in planned:
        if project.stage >= CONSULTATION:
            gov.consultation(project)
            gov.suggestions(project)
        if project.stage >= APPROVED or (project.stage == DESIGN and rng.random() < 0.3):
            gov.disclosure(project)
        aftercare.after_works(gov, project, district.city_name)

    money = Money(district, rng, ids, rows, clock, system)
    for programme in programmes:
        money.programme(programme)
    for project in planned:
        money.project(project)

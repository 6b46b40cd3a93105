"""Governance during and after the works: elevator votes per building unit (some tallied from
ballot sheets), maintenance-fund collection, the residents' satisfaction evaluation, long-term
management (required before handover, sometimes decided by an owners' vote) and votes on using
the maintenance fund.
"""

from __future__ import annotations

import datetime as dt

from . import names
from .common import day_between, plus
from .governance import Governance
from .projects import ProjectRec
from .timeline import ACCEPTED, APPROVED, HANDED_OVER

MODES = ("property_company", "community_service", "self_management", "public_benefit")
MODE_WEIGHTS = (40, 25, 20, 15)


def elevator_votes(g: Governance, p: ProjectRec) -> None:
    """Elevator retrofits are decided per building unit (加装电梯): 1–2 unit votes."""
    rng, compound = g.rng, p.compound
    tall = [b for b in compound.buildings if b.households >= 8]
    if not tall:
        return
    low = p.entered(APPROVED)
    high = p.started or g.clock.as_of
    for _ in range(rng.randint(1, 2)):
        building = rng.choice(tall)
        unit_no = rng.randint(1, max(1, building.units))
        owners = max(2, building.households // max(1, building.units))
        area = owners * rng.randint(55, 95) * 100
        day = day_between(rng, low, high)
        recent = (g.clock.as_of - day).days < 45
        g.votes.vote(
            compound=compound,
            project_id=p.id,
            matter="renovate",
            title=f"{building.name}{unit_no}单元加装电梯",
            held_on=day,
            intent=rng.choices(("pass", "rejected", "no_quorum"), weights=(70, 20, 10))[0],
            owners=owners,
            area=area,
            building=building,
            unit=f"{unit_no}单元",
            ballots=rng.random() < 0.3,
            tallied=not (recent and rng.random() < 0.5),
        )


def fund_collection(g: Governance, p: ProjectRec) -> None:
    rng, compound = g.rng, p.compound
    high = p.accepted or g.clock.as_of
    day = day_between(rng, p.entered(APPROVED), high)
    paid = max(0, min(compound.households, round(compound.households * rng.uniform(0.55, 1.0))))
    expected = compound.floor_area * 5  # 5 yuan per m²: hundredths of m² × 5 = cents
    collected = expected * paid // compound.households
    at = g.clock.at(day, 16)
    g.audited(
        "fundcollection",
        at,
        p.id,
        day,
        "5元/㎡",
        compound.households,
        paid,
        f"{expected // 100}.{expected % 100:02d}",
        f"{collected // 100}.{collected % 100:02d}",
        1,
    )


def satisfaction(g: Governance, p: ProjectRec) -> dt.date | None:
    """The joint evaluation after acceptance; needed before handover."""
    rng, accepted = g.rng, p.accepted
    if p.stage == HANDED_OVER:
        day = day_between(rng, plus(accepted, 1), plus(p.entered(HANDED_OVER), -1))
    elif accepted < g.clock.as_of and rng.random() < 0.5:
        day = day_between(rng, plus(accepted, 1), g.clock.as_of)
    else:
        return None
    respondents = max(1, round(p.compound.households * rng.uniform(0.3, 0.8)))
    satisfied = min(respondents, round(respondents * rng.uniform(0.85, 0.99)))
    dissatisfied = round((respondents - satisfied) * rng.uniform(0.3, 1.0))
    g.audited(
        "satisfactionsurvey",
        g.clock.at(day, 17),
        p.id,
        day,
        respondents,
        satisfied,
        dissatisfied,
        "",
    )
    return day


def management(g: Governance, p: ProjectRec, city_name: str) -> None:
    """Long-term management from handover (required by the handover gate)."""
    rng, compound = g.rng, p.compound
    handed = p.entered(HANDED_OVER)
    starts = day_between(rng, plus(handed, -20), handed)
    mode = rng.choices(MODES, weights=MODE_WEIGHTS)[0]
    provider = {
        "property_company": names.property_firm(rng, city_name),
        "community_service": "社区物业服务站",
        "self_management": "",
        "public_benefit": "街道国有物业服务公司",
    }[mode]
    decided_by = None
    if mode == "property_company" and rng.random() < 0.2:
        decided_by, passed = g.votes.vote(
            compound=compound,
            project_id=p.id,
            matter="other",
            title="选聘物业服务企业",
            held_on=plus(starts, -rng.randint(5, 30)),
            intent="pass",
            owners=compound.households,
            area=compound.floor_area * 9 // 10,
        )
        if not passed:
            decided_by = None
    fee = rng.randint(30, 180)
    g.audited(
        "longtermmanagement",
        g.clock.at(starts, 10),
        compound.id,
        p.id,
        mode,
        provider,
        f"{fee // 100}.{fee % 100:02d}",
        starts,
        decided_by,
        "",
    )


def use_fund_vote(g: Governance, p: ProjectRec) -> None:
    rng, compound = g.rng, p.compound
    day = day_between(rng, plus(p.entered(HANDED_OVER), 30), g.clock.as_of)
    if day > g.clock.as_of:
        return
    g.votes.vote(
        compound=compound,
        project_id=None,
        matter="use_fund",
        title="使用维修资金维修二次供水设施",
        held_on=day,
        intent=rng.choices(("pass", "no_quorum"), weights=(75, 25))[0],
        owners=compound.households,
        area=compound.floor_area * 9 // 10,
    )


def after_works(g: Governance, p: ProjectRec, city_name: str) -> None:
    rng = g.rng
    if p.stage >= APPROVED and any(i.wt.code == "elevators" for i in p.items):
        elevator_votes(g, p)
    if p.stage >= APPROVED and rng.random() < 0.25:
        fund_collection(g, p)
    if p.stage >= ACCEPTED:
        satisfaction(g, p)
    if p.stage == HANDED_OVER:
        management(g, p, city_name)
        if rng.random() < 0.1:
            use_fund_vote(g, p)

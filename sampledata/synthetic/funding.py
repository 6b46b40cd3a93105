"""One district's money: funding sources, resident contribution rules, programme-level
commitments allocated to projects, project-level commitments of every kind, receipts (到位) and
expenditures, in the states the funding services leave them.

Government money is planned per programme and year (central and provincial subsidies, special
bonds, the district budget) and allocated to that year's approved projects; residents, market and
society pay per project. Money arrives only on approved commitments and after approval; a line
never receives more than it was committed or allocated unless a reason is given (a few
settlement top-ups), and never spends more than it received, spending dated after the money
arrived. A commitment's version counts its approval, allocations, receipts and expenditures.
"""

from __future__ import annotations

import datetime as dt
import random

from .common import Clock, Ids, Rows, cents, day_between, plus
from .projects import ProgrammeRec, ProjectRec
from .timeline import ACCEPTED, APPROVED, CONSTRUCTION, DESIGN

PROGRAMME_MONEY = (
    # sub-type, kind, probability per programme year, share of budget (low, high)
    ("central_subsidy", "government", 1.0, (0.25, 0.4)),
    ("provincial_subsidy", "government", 0.4, (0.05, 0.1)),
    ("special_bond", "government", 0.6, (0.15, 0.25)),
    ("district_budget", "government", 1.0, (0.1, 0.2)),
)
PROJECT_MONEY = (
    # sub-type, kind, probability per project, share of budget (low, high)
    ("maintenance_fund", "residents", 0.45, None),
    ("resident_sharing", "residents", 0.2, None),
    ("utility", "market", 0.3, (0.03, 0.1)),
    ("social_capital", "market", 0.08, (0.05, 0.2)),
    ("property_unit", "market", 0.06, (0.03, 0.1)),
    ("parking_rights", "residents", 0.04, (0.02, 0.08)),
    ("public_income", "residents", 0.03, (0.01, 0.03)),
    ("donation", "society", 0.07, (0.01, 0.05)),
    ("other", "society", 0.02, (0.01, 0.03)),
)
RULES = (
    ("住宅专项维修资金（5元/㎡）", "maintenance_fund", "per_m2", "5.00"),
    ("水表改造居民分摊（800元/户）", "resident_sharing", "per_household", "800.00"),
)
OVER_REASON = "结算审计后追加拨付"
UTILITY_WORKS = "管线单位实施小区供水、供电、燃气或通信管网改造（实物出资，按结算价值计）"


class Money:
    def __init__(
        self, district, rng: random.Random, ids: Ids, rows: Rows, clock: Clock, system: int
    ):
        self.district, self.rng, self.ids, self.rows, self.clock, self.system = (
            district,
            rng,
            ids,
            rows,
            clock,
            system,
        )
        self.sources: dict[tuple[str, str, str], int] = {}
        self.rules: dict[str, int] = {}

    def funder(self, sub_type: str) -> str:
        d, rng = self.district, self.rng
        city = d.city_name
        return {
            "central_subsidy": "中央财政城镇保障性安居工程补助资金",
            "provincial_subsidy": f"{d.province_name}财政厅",
            "special_bond": f"{d.name}城市更新专项债券",
            "district_budget": f"{d.name}财政局",
            "maintenance_fund": "住宅专项维修资金",
            "resident_sharing": "居民自筹",
            "utility": rng.choice(
                (
                    f"国网{d.province_name[:2]}电力公司",
                    f"{city}自来水公司",
                    f"{city}燃气公司",
                    f"中国电信{city}分公司",
                )
            ),
            "social_capital": f"{city[:2]}安居物业服务有限公司",
            "property_unit": "原产权单位",
            "parking_rights": "小区停车收益",
            "public_income": "小区公共收益",
            "donation": rng.choice((f"{city}慈善总会", f"{d.name}红十字会", "爱心企业捐赠")),
            "other": "社区发展基金",
        }[sub_type]

    def source(self, kind: str, sub_type: str, day: dt.date) -> int:
        key = (kind, sub_type, self.funder(sub_type))
        if key not in self.sources:
            at = self.clock.at(day, 9)
            self.sources[key] = self.ids.take("fundingsource")
            self.rows.add(
                "fundingsource",
                (self.sources[key], at, self.system, at, self.system, self.district.id, *key, ""),
            )
        return self.sources[key]

    def programme(self, programme: ProgrammeRec) -> None:
        rng, clock = self.rng, self.clock
        created = clock.at(dt.date(programme.start_year - 1, 12, 20), 9)
        for name, sub_type, basis, rate in RULES:
            self.rules[(programme.id, sub_type)] = self.ids.take("contributionrule")
            self.rows.add(
                "contributionrule",
                (
                    self.rules[(programme.id, sub_type)],
                    created,
                    self.system,
                    created,
                    self.system,
                    programme.id,
                    name,
                    sub_type,
                    basis,
                    rate,
                    None,
                ),
            )
        for year in range(programme.start_year, programme.end_year + 1):
            approved = [
                p
                for p in programme.projects
                if p.year == year and p.stage >= APPROVED and p.budget > 0
            ]
            if not approved:
                continue
            for sub_type, kind, probability, (low, high) in PROGRAMME_MONEY:
                if rng.random() >= probability:
                    continue
                share = rng.uniform(low, high)
                allocations = [(p, round(p.budget * share / 10_000) * 10_000) for p in approved]
                allocations = [(p, a) for p, a in allocations if a > 0]
                if not allocations:
                    continue
                allocated = sum(a for _, a in allocations)
                spare = round(allocated * rng.uniform(0.03, 0.15) / 1_000_000) * 1_000_000
                planned = year == 2025 and rng.random() < 0.3
                self.commitment(
                    kind,
                    sub_type,
                    programme,
                    None,
                    year,
                    allocated + spare,
                    created_on=day_between(
                        rng, dt.date(year - 1, 11, 1), dt.date(year - 1, 12, 31)
                    ),
                    approved_on=None
                    if planned
                    else dt.date(year, 3, 1) + dt.timedelta(days=rng.randint(0, 40)),
                    allocations=allocations,
                    spare=spare,
                )

    def project(self, p: ProjectRec) -> None:
        rng = self.rng
        if p.stage < DESIGN:
            return
        for sub_type, kind, probability, shares in PROJECT_MONEY:
            if rng.random() >= probability:
                continue
            if sub_type == "maintenance_fund":
                amount = p.compound.floor_area * 5  # 5 yuan per m²
            elif sub_type == "resident_sharing":
                amount = p.compound.households * 800 * 100
            else:
                amount = max(10_000, round(p.budget * rng.uniform(*shares) / 10_000) * 10_000)
            if amount <= 0:
                continue
            created = min(plus(p.entered(DESIGN), rng.randint(0, 20)), self.clock.as_of)
            approved = None
            if p.stage >= APPROVED and rng.random() < 0.95:
                approved = max(
                    created, min(plus(p.entered(APPROVED), rng.randint(0, 10)), self.clock.as_of)
                )
            self.commitment(
                kind,
                sub_type,
                p.programme,
                p,
                p.year,
                amount,
                created_on=created,
                approved_on=approved,
                rule_id=self.rules.get((p.programme.id, sub_type)),
            )

    def commitment(
        self,
        kind,
        sub_type,
        programme,
        project,
        year,
        amount,
        *,
        created_on,
        approved_on,
        rule_id=None,
        allocations=(),
        spare=0,
    ) -> None:
        commitment_id = self.ids.take("commitment")
        events = 0
        last = created_on
        for target, allocated in allocations:
            at = self.clock.at(max(created_on, target.entered(APPROVED)), 11)
            self.rows.add(
                "allocation",
                (
                    self.ids.take("allocation"),
                    at,
                    self.system,
                    at,
                    self.system,
                    commitment_id,
                    target.id,
                    cents(allocated),
                    1,
                ),
            )
            events += 1
            last = max(last, at.date())
        if approved_on is not None:
            events += 1
            last = max(last, approved_on)
            if project is not None:
                if project.stage >= CONSTRUCTION:
                    n, day = self.line(commitment_id, project, amount, approved_on, allow_over=True)
                    events, last = events + n, max(last, day)
            else:
                for target, allocated in allocations:
                    if target.stage >= CONSTRUCTION:
                        n, day = self.line(commitment_id, target, allocated, approved_on)
                        events, last = events + n, max(last, day)
                if spare and self.rng.random() < 0.3:
                    n, day = self.pool(commitment_id, spare, approved_on, year)
                    events, last = events + n, max(last, day)
        created = self.clock.at(created_on, 9)
        source_id = self.source(kind, sub_type, created_on)
        status = "approved" if approved_on is not None else "planned"
        approved_at = self.clock.at(approved_on, 15) if approved_on is not None else None
        reference = f"{self.district.name[:2]}改办〔{year}〕{self.rng.randint(1, 99)}号"
        self.rows.add(
            "commitment",
            (
                commitment_id,
                created,
                self.system,
                max(created, self.clock.at(last, 17)),
                self.system,
                source_id,
                programme.id,
                project.id if project else None,
                project.batch_id if project else None,
                year,
                cents(amount),
                rule_id,
                reference,
                "",
                status,
                self.system if approved_at else None,
                approved_at,
                1 + events,
                # Utilities build their own networks in the compound: in kind, at its value.
                "in_kind" if sub_type == "utility" else "cash",
                UTILITY_WORKS if sub_type == "utility" else "",
                None,
                "",
                None,
            ),
        )

    def line(
        self,
        commitment_id: int,
        p: ProjectRec,
        cap: int,
        approved_on: dt.date,
        allow_over: bool = False,
    ):
        """Receipts and expenditures on one project line; returns (records, last date)."""
        rng, as_of = self.rng, self.clock.as_of
        done = p.stage >= ACCEPTED
        start = max(plus(approved_on, 1), plus(p.started, -30))
        end = min(as_of, plus(p.accepted, 120)) if done else as_of
        if start > end:
            return 0, approved_on
        factor = (
            1.0
            if done and rng.random() < 0.8
            else rng.uniform(0.7, 1.0)
            if done
            else rng.uniform(0.3, 0.9)
        )
        received = max(100, round(cap * factor / 100) * 100)
        received = min(received, cap) if cap >= 100 else cap
        parts = self.split(received)
        days = sorted(day_between(rng, start, end) for _ in parts)
        count = 0
        for amount, day in zip(parts, days, strict=True):
            self.receipt(commitment_id, p.id, amount, day, "")
            count += 1
        last = days[-1]
        if allow_over and done and received == cap and rng.random() < 0.01:
            last = day_between(rng, last, end)
            self.receipt(
                commitment_id, p.id, max(100, cap * rng.randint(2, 6) // 100), last, OVER_REASON
            )
            count += 1
        spent = round(received * (rng.uniform(0.9, 1.0) if done else rng.uniform(0.2, 0.8)))
        items = p.items
        for amount in self.split(spent):
            day = day_between(rng, last, end)
            at = self.clock.at(day, 15)
            item_id = rng.choice(items).id if items and rng.random() < 0.5 else None
            self.rows.add(
                "expenditure",
                (
                    self.ids.take("expenditure"),
                    at,
                    self.system,
                    at,
                    self.system,
                    commitment_id,
                    p.id,
                    cents(amount),
                    "",
                    day,
                    item_id,
                    p.contractor,
                    None,
                    "",
                    None,
                ),
            )
            count += 1
            last = max(last, day)
        return count, last

    def pool(self, commitment_id: int, spare: int, approved_on: dt.date, year: int):
        """Money received on the programme's unassigned pool (and a little spent from it)."""
        rng = self.rng
        end = min(self.clock.as_of, dt.date(year, 12, 31))
        day = day_between(rng, plus(approved_on, 1), end)
        amount = max(100, round(spare * rng.uniform(0.3, 1.0) / 100) * 100)
        self.receipt(commitment_id, None, min(amount, spare), day, "")
        if rng.random() < 0.3:
            later = day_between(rng, day, end)
            at = self.clock.at(later, 15)
            self.rows.add(
                "expenditure",
                (
                    self.ids.take("expenditure"),
                    at,
                    self.system,
                    at,
                    self.system,
                    commitment_id,
                    None,
                    cents(max(100, min(amount, spare) // 3)),
                    "设计咨询费",
                    later,
                    None,
                    "设计咨询单位",
                    None,
                    "",
                    None,
                ),
            )
            return 2, later
        return 1, day

    def receipt(
        self, commitment_id: int, project_id: int | None, amount: int, day: dt.date, reason: str
    ) -> None:
        at = self.clock.at(day, 11)
        self.rows.add(
            "receipt",
            (
                self.ids.take("receipt"),
                at,
                self.system,
                at,
                self.system,
                commitment_id,
                project_id,
                cents(amount),
                "",
                day,
                reason,
                None,
                "",
                None,
            ),
        )

    def split(self, total: int) -> list[int]:
        """One or two positive parts adding up to `total` (cents)."""
        if total <= 0:
            return []
        if total < 200 or self.rng.random() < 0.5:
            return [total]
        first = max(100, round(total * self.rng.uniform(0.3, 0.7) / 100) * 100)
        first = min(first, total - 1)
        return [first, total - first]

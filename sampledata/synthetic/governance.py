"""One district's resident governance before and during the works: committees and their members,
consultation meetings, opinion surveys, owners' votes to renovate, suggestions and disclosures.

Surveys agree with the stage gates: a project past consultation has a latest survey at or above
its programme's threshold, or (about one in twelve) a survey below it and a passed owners' vote
to renovate the whole compound (Civil Code art. 278); projects still in consultation have no
survey yet, or one whatever its result.
"""

from __future__ import annotations

import datetime as dt
import random
import string
from decimal import Decimal

from . import names
from .common import Clock, Ids, Rows, day_between, plus
from .projects import ProjectRec
from .timeline import APPROVED, CONSULTATION, DESIGN
from .votes import VoteMaker

COMMITTEES = (
    # kind, share of compounds, name suffix, listed members (low, high), extra headcount
    ("self_renovation", 0.5, "自改委", (3, 9), (0, 6)),
    ("party_branch", 0.2, "院落党支部", (3, 5), (0, 20)),
    ("owners", 0.15, "业主委员会", (5, 9), (0, 0)),
    ("volunteer_team", 0.08, "志愿服务队", (0, 2), (10, 40)),
    ("property_management", 0.05, "物业管理委员会", (3, 7), (0, 2)),
)
MEETING_TOPICS = (
    "改造内容征求意见",
    "加装电梯意愿摸底",
    "停车位规划讨论",
    "改造方案“三上三下”第二轮",
    "居民出资比例协商",
    "施工期间出行安排",
)
SUGGESTIONS = (
    "希望增加停车位，晚上车辆停放困难",
    "楼道灯长期不亮，请一并维修",
    "施工时间太早，影响老人休息",
    "建议增设无障碍坡道",
    "加装电梯费用分摊方案希望再讨论",
    "希望保留小区内的老树",
    "雨污分流后门口仍有积水",
    "建议设置电动自行车集中充电点",
    "外墙颜色希望征求居民意见",
)
ANSWERS = (
    "已转施工单位整改，三日内回复",
    "已纳入设计方案调整",
    "已召开板凳会协商一致",
    "已现场解释说明",
)
HANDLERS = ("社区网格员", "街道城建办", "施工单位项目部", "设计单位")
TOKEN_ALPHABET = string.ascii_letters + string.digits + "-_"


def support_rate(support: int, returned: int) -> Decimal:
    """As `OpinionSurvey.support_rate`: percent of returned forms in favour, one decimal."""
    if not returned:
        return Decimal("0.0")
    return (Decimal(support) * 100 / returned).quantize(Decimal("0.1"))


class Governance:
    def __init__(
        self, rng: random.Random, ids: Ids, rows: Rows, clock: Clock, system: int, votes: VoteMaker
    ):
        self.rng, self.ids, self.rows, self.clock, self.system, self.votes = (
            rng,
            ids,
            rows,
            clock,
            system,
            votes,
        )

    def audited(
        self, table: str, at: dt.datetime, *values, updated: dt.datetime | None = None
    ) -> int:
        row_id = self.ids.take(table)
        self.rows.add(table, (row_id, at, self.system, updated or at, self.system, *values))
        return row_id

    # --- Committees ---------------------------------------------------------------------

    def committees(self, compound, first_date: dt.date) -> None:
        rng = self.rng
        for kind, share, suffix, listed, extra in COMMITTEES:
            if rng.random() >= share:
                continue
            formed = min(plus(first_date, -rng.randint(10, 120)), self.clock.as_of)
            years = 5 if kind == "owners" else 3
            term = None if rng.random() < 0.3 else dt.date(formed.year + years, formed.month, 1)
            members = rng.randint(*listed)
            headcount = members + rng.randint(*extra)
            at = self.clock.at(formed, 15)
            committee_id = self.audited(
                "residentcommittee",
                at,
                compound.street_id,
                compound.id,
                compound.area_id,
                kind,
                f"{compound.name}{suffix}",
                formed,
                term,
                headcount,
                "",
                1 + members,
            )
            for k in range(members):
                self.member(committee_id, compound, kind, k, at)

    def area_committee(self, area_id: int, street_id: int, formed: dt.date) -> None:
        at = self.clock.at(formed, 15)
        members = self.rng.randint(3, 6)
        committee_id = self.audited(
            "residentcommittee",
            at,
            street_id,
            None,
            area_id,
            "grid_team",
            "片区网格服务队",
            formed,
            None,
            members + self.rng.randint(0, 10),
            "连片改造片区联合组建",
            1 + members,
        )
        for k in range(members):
            self.member(committee_id, None, "grid_team", k, at)

    def member(self, committee_id: int, compound, kind: str, k: int, at: dt.datetime) -> None:
        rng = self.rng
        if kind == "grid_team":
            role = "grid_worker"
        elif kind == "volunteer_team":
            role = "volunteer"
        else:
            role = ("chair", "vice_chair", "secretary" if kind == "party_branch" else "member")[
                min(k, 2)
            ]
        building = rng.choice(compound.buildings).name if compound and compound.buildings else ""
        unit = f"{rng.randint(1, 4)}单元" if building else ""
        phone = names.mobile(rng) if rng.random() < 0.9 else ""
        self.audited(
            "committeemember",
            at,
            committee_id,
            names.person(rng),
            role,
            building,
            unit,
            kind == "party_branch" or rng.random() < 0.3,
            phone,
        )

    # --- Consultation -------------------------------------------------------------------

    def consultation(self, p: ProjectRec) -> None:
        rng, clock = self.rng, self.clock
        compound = p.compound
        start = p.entered(CONSULTATION)
        end = plus(p.entered(DESIGN), -1) if p.stage >= DESIGN else clock.as_of
        for _ in range(rng.randint(1, 3)):
            day = day_between(rng, start, end)
            kind = rng.choice(("courtyard", "bench", "bench", "representatives", "hearing"))
            self.meeting(compound, p.id, kind, day, rng.choice(MEETING_TOPICS))
        if p.stage >= DESIGN:
            review_end = plus(p.entered(APPROVED), -1) if p.stage >= APPROVED else clock.as_of
            self.meeting(
                compound,
                p.id,
                "design_review",
                day_between(rng, p.entered(DESIGN), review_end),
                "设计方案联合审查",
            )
        threshold = p.programme.threshold
        if p.stage < DESIGN:
            if rng.random() < 0.7:
                self.survey(
                    p, day_between(rng, start, end), rng.uniform(55.0, 100.0), threshold, None
                )
            if rng.random() < 0.05:
                self.renovate_vote(p, day_between(rng, start, end), "no_quorum")
            return
        if p.vote_path:
            if rng.random() < 0.7:
                self.survey(
                    p,
                    day_between(rng, start, end),
                    float(threshold) - rng.uniform(3, 20),
                    threshold,
                    False,
                )
            self.renovate_vote(p, day_between(rng, start, end), "pass")
            return
        first, last = start, end
        if (last - first).days >= 2 and rng.random() < 0.12:
            early = day_between(rng, first, plus(last, -1))
            self.survey(p, early, float(threshold) - rng.uniform(3, 20), threshold, False)
            first = plus(early, 1)
        self.survey(
            p, day_between(rng, first, last), rng.uniform(float(threshold), 100.0), threshold, True
        )

    def meeting(self, compound, project_id: int, kind: str, day: dt.date, topic: str) -> None:
        attendance = max(5, round(compound.households * self.rng.uniform(0.1, 0.45)))
        self.audited(
            "meeting",
            self.clock.at(day, 19, 30),
            compound.id,
            project_id,
            kind,
            day,
            attendance,
            topic,
            "与会居民同意按程序推进",
            "",
        )

    def survey(
        self, p: ProjectRec, day: dt.date, rate: float, threshold: Decimal, meets: bool | None
    ) -> None:
        """A compound-wide survey near `rate` percent; `meets` forces the side of the threshold."""
        rng = self.rng
        issued = p.compound.households
        returned = max(1, round(issued * rng.uniform(0.75, 1.0)))
        support = min(returned, max(0, round(returned * rate / 100)))
        while meets is True and support < returned and support_rate(support, returned) < threshold:
            support += 1
        while meets is False and support > 0 and support_rate(support, returned) >= threshold:
            support -= 1
        rest = returned - support
        oppose = rest * 2 // 3
        self.audited(
            "opinionsurvey",
            self.clock.at(day, 17),
            p.id,
            day,
            p.compound.name,
            "compound",
            None,
            "",
            issued,
            returned,
            support,
            oppose,
            rest - oppose,
            rng.randint(0, returned // 10),
        )

    def renovate_vote(self, p: ProjectRec, day: dt.date, intent: str) -> None:
        compound = p.compound
        area = compound.floor_area * 9 // 10
        self.votes.vote(
            compound=compound,
            project_id=p.id,
            matter="renovate",
            title=f"{compound.name}改造方案业主共同决定",
            held_on=day,
            intent=intent,
            owners=compound.households,
            area=area,
        )

    # --- Suggestions and disclosure -------------------------------------------------------

    def suggestions(self, p: ProjectRec) -> None:
        rng = self.rng
        for _ in range(rng.choices((0, 1, 2, 3), weights=(40, 35, 18, 7))[0]):
            day = day_between(rng, p.entered(CONSULTATION), self.clock.as_of)
            received = self.clock.at(day, rng.randint(8, 20), rng.randint(0, 59))
            kind = rng.choices(("suggestion", "complaint", "objection"), weights=(60, 30, 10))[0]
            channel = rng.choice(("meeting", "visit", "phone", "online"))
            self.suggestion(
                p, None, kind, channel, received, names.mobile(rng) if rng.random() < 0.4 else ""
            )

    def suggestion(
        self, p: ProjectRec, disclosure_id, kind, channel, received: dt.datetime, contact: str
    ) -> None:
        rng, end = self.rng, self.clock.end()
        old = (end - received).days > 30
        stage = 3 if old else rng.randint(0, 3)  # received, assigned, answered, closed
        assigned_to, assigned_at, answer, answered_at, closed_at = "", None, "", None, None
        if stage >= 1:
            assigned_to = rng.choice(HANDLERS)
            assigned_at = received + dt.timedelta(hours=rng.randint(1, 12))
        if stage >= 2:
            hours = rng.randint(1, 23) if rng.random() < 0.65 else rng.randint(25, 120)
            answered_at = received + dt.timedelta(hours=hours)
            answer = rng.choice(ANSWERS)
        if stage >= 3 and (not old or rng.random() < 0.85):
            closed_at = answered_at + dt.timedelta(days=rng.randint(1, 10))
        while closed_at is not None and closed_at > end:
            closed_at = None
        if answered_at is not None and answered_at > end:
            answer, answered_at = "", None
        if assigned_at is not None and assigned_at > end:
            assigned_to, assigned_at = "", None
        status = (
            "closed"
            if closed_at
            else "answered"
            if answered_at
            else "assigned"
            if assigned_at
            else "received"
        )
        version = 1 + sum(x is not None for x in (assigned_at, answered_at, closed_at))
        updated = closed_at or answered_at or assigned_at or received
        # A public submission has no author; whoever handles it is recorded as the last editor.
        by = None if channel == "public" else self.system
        editor = self.system if assigned_at or answered_at else by
        self.rows.add(
            "suggestion",
            (
                self.ids.take("suggestion"),
                received,
                by,
                updated,
                editor,
                p.compound.id,
                p.id,
                disclosure_id,
                kind,
                channel,
                rng.choice(SUGGESTIONS),
                contact,
                received,
                status,
                assigned_to,
                assigned_at,
                answer,
                answered_at,
                self.system if answered_at else None,
                closed_at,
                version,
            ),
        )

    def disclosure(self, p: ProjectRec) -> None:
        rng, clock = self.rng, self.clock
        token = "".join(rng.choice(TOKEN_ALPHABET) for _ in range(16))
        title = f"{p.compound.name}改造方案公示"
        summary = f"改造内容{len(p.items)}项，概算{p.budget // 100 // 10_000}万元。"
        if p.stage < APPROVED:
            start = plus(clock.as_of, rng.randint(3, 20))
            end = plus(start, 7)
            at = clock.at(plus(p.entered(DESIGN), 1), 11)
            self.audited(
                "disclosure", at, p.id, title, summary, start, end, end, False, None, token, 1
            )
            return
        design, approved = p.entered(DESIGN), p.entered(APPROVED)
        start = max(plus(design, 1), plus(approved, -rng.randint(8, 20)))
        start = min(start, approved)
        end = max(start, min(plus(start, rng.randint(7, 10)), plus(approved, -1)))
        deadline = max(start, plus(end, -rng.randint(0, 2)))
        created, published = clock.at(plus(start, -1), 11), clock.at(start, 9)
        disclosure_id = self.audited(
            "disclosure",
            created,
            p.id,
            title,
            summary,
            start,
            end,
            deadline,
            True,
            published,
            token,
            2,
            updated=published,
        )
        if rng.random() < 0.1:
            for _ in range(rng.randint(1, 2)):
                day = day_between(rng, start, deadline)
                received = clock.at(day, rng.randint(8, 20), rng.randint(0, 59))
                kind = rng.choice(("objection", "suggestion"))
                self.suggestion(p, disclosure_id, kind, "public", received, "")

"""The data of the access matrix: four record sets around the scope boundaries, built once.

    city C1 ─ district D1 ─ street A   "ours": inside every reader's scope
                        └─ street B   another street of the same district
            └ district D2 ─ street W   another district of the same city
    city C2 ─ district D3 ─ street N   another city

Every set holds one record of every kind a URL can name (compound, project, report, photo,
problem, committee, vote, money, disclosure, ...), created through the services where they
exist, so the records obey the same rules as real input. District-level records (programme,
area, programme-level money, funding sources) exist once per district.

The compound names carry a marker (矩阵A, 矩阵B, ...) and every set has its own phone numbers,
so that a page can be searched for records its reader must not see.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.authtoken.models import Token

from funding import services as funding
from funding import vouchers as funding_vouchers
from funding.models import ContributionRule, Kind, SubType
from governance import services as governance
from governance.models import Ballot, VoteRuleSet
from programmes import services as programmes
from programmes.models import (
    Batch,
    ProgressPhoto,
    ProgressReportLine,
    Stage,
)
from renovation import people_services
from renovation.models import User
from reporting.models import ExportJob, Notification
from reporting.rollups import services as rollups
from tests import factories
from tests.conftest import GIF_BYTES

SETS = ("A", "B", "W", "N")
MINUTES_PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"

# Where a record sits: a street-level record of set B is outside a street officer's scope but
# inside its district official's; a district-level record (a programme) of set B is the same
# record as set A's.
STREET, DISTRICT, CITY, OWN = "street", "district", "city", "own"
LEVELS: dict[str, str] = {
    **dict.fromkeys(
        [
            "street",
            "community",
            "account",
            "compound",
            "building",
            "project",
            "item",
            "report",
            "photo",
            "problem",
            "accepted_project",
            "acceptance",
            "satisfaction",
            "committee",
            "member",
            "meeting",
            "survey",
            "vote",
            "suggestion",
            "disclosure",
            "draft_disclosure",
            "commitment",
            "planned",
            "allocation",
            "receipt",
            "expenditure",
            "voucher",
            "combined",
            "in_kind",
        ],
        STREET,
    ),
    **dict.fromkeys(
        [
            "district",
            "programme",
            "area",
            "bond",
            "funding_source",
            "batch",
            "rule",
            "work_type",
            "api_key",
        ],
        DISTRICT,
    ),
    "city": CITY,
    "province": CITY,  # set N's city is in another province
    # Records that belong to a user rather than a place: "ours" is the reader's own.
    **dict.fromkeys(["export_job", "notification"], OWN),
}


def marker(key: str) -> str:
    """The text that names set `key`'s compounds (and nothing else)."""
    return f"矩阵{key}"


def phones(key: str) -> tuple[str, str]:
    """Set `key`'s personal phone numbers: a committee member's and a suggestion's contact."""
    n = SETS.index(key) + 1
    return f"1391111000{n}", f"1392222000{n}"


@dataclass
class RecordSet:
    key: str
    records: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["records"][name]
        except KeyError:
            raise AttributeError(name) from None


@dataclass
class World:
    sets: dict[str, RecordSet]
    # The reader of each role (None for anonymous), by role key.
    users: dict[str, User | None]
    # A user who is none of the readers: owner of the "theirs" export job and notification.
    stranger: User
    tokens: dict[str, str]
    run_id: int
    today: dt.date
    own_records: dict[str, dict[str, Any]] = field(default_factory=dict)

    def record(self, name: str, set_key: str, role: str) -> Any:
        if LEVELS.get(name) == OWN:
            return self.own_records[role if set_key == "A" else "stranger"][name]
        return self.sets[set_key].records[name]


def _publish(disclosure, by):
    return governance.disclosure_update(
        disclosure=disclosure,
        by=by,
        version=disclosure.version,
        title=disclosure.title,
        summary=disclosure.summary,
        window_starts_on=disclosure.window_starts_on,
        window_ends_on=disclosure.window_ends_on,
        objection_deadline=disclosure.objection_deadline,
        published=True,
    )


def _district_records(*, district, official, today) -> dict[str, Any]:
    programme = factories.ProgrammeFactory(district=district, support_threshold=Decimal("80.00"))
    factories.YearTargetFactory(programme=programme, year=today.year)
    batch = Batch.objects.create(programme=programme, name="第一批", year=today.year)
    area = factories.AreaFactory(district=district, name=f"{district.name}片区")
    rule = ContributionRule.objects.create(
        programme=programme,
        name="维修资金",
        sub_type=SubType.MAINTENANCE_FUND,
        basis=ContributionRule.Basis.PER_M2,
        rate=Decimal("5.00"),
    )
    bond = funding.commitment_create(
        by=official,
        programme=programme,
        year=today.year,
        batch=batch,
        kind=Kind.GOVERNMENT,
        sub_type=SubType.SPECIAL_BOND,
        funder="专项债券",
        amount="100000.00",
    )
    bond = funding.commitment_approve(commitment=bond, by=official)
    api_key, _secret = people_services.api_key_issue(by=official, name=f"{district.name}统计")
    return {
        "api_key": api_key,
        "district": district,
        "programme": programme,
        "batch": batch,
        "area": area,
        "rule": rule,
        "bond": bond,
        # A work type the district added for itself (seen in the district only).
        "work_type": factories.WorkTypeFactory(district=district, name_zh=f"{district.name}类型"),
    }


def _record_set(key, *, street, officer, official, district_records, today) -> RecordSet:
    day = dt.timedelta(days=1)
    programme = district_records["programme"]
    member_phone, contact_phone = phones(key)
    community = factories.CommunityFactory(street=street, name=f"{street.name}社区")
    compound = factories.CompoundFactory(
        street=street,
        community=community,
        area=district_records["area"],
        name=f"{marker(key)}一号院",
        households=120,
    )
    building = factories.BuildingFactory(compound=compound, name="1栋")
    project = factories.ProjectFactory(
        programme=programme,
        compound=compound,
        batch=district_records["batch"],
        in_construction=True,
    )
    item = factories.WorkItemFactory(project=project, budget=Decimal("500000.00"))
    report = programmes.progress_report_file(
        project=project, by=officer, report_date=today - day, quantities={item.pk: "10"}
    )
    photo = ProgressPhoto.objects.create(
        report=report,
        image=SimpleUploadedFile(f"site-{key}.gif", GIF_BYTES, content_type="image/gif"),
        created_by=officer,
    )
    problem = programmes.site_problem_raise(
        project=project, by=officer, title="路面塌陷", severity="high"
    )

    accepted = factories.ProjectFactory(
        programme=programme,
        compound__street=street,
        compound__name=f"{marker(key)}二号院",
        stage=Stage.ACCEPTED,
        contractor="某建设集团",
        started_on=today - 200 * day,
        completed_on=today - 20 * day,
    )
    acceptance = factories.AcceptanceRecordFactory(
        project=accepted, accepted_on=today - 20 * day, residents_present=6
    )
    satisfaction = governance.satisfaction_record(
        project=accepted,
        by=officer,
        held_on=today - 5 * day,
        respondents=100,
        satisfied=90,
        dissatisfied=5,
    )
    governance.long_term_management_record(
        compound=accepted.compound,
        by=officer,
        mode="property_company",
        provider="某物业公司",
        fee_per_m2=Decimal("0.80"),
        starts_on=today - 2 * day,
        project=accepted,
    )
    governance.fund_collection_record(
        project=accepted,
        by=officer,
        as_of=today - day,
        households_expected=100,
        households_paid=60,
        amount_expected=Decimal("40000.00"),
        amount_collected=Decimal("24000.00"),
    )

    committee = governance.committee_create(
        compound=compound,
        by=officer,
        kind="self_renovation",
        name=f"{key}自改委",
        formed_on=today - 60 * day,
        headcount=5,
    )
    member = governance.committee_member_add(
        committee=committee, by=officer, name="王五", role="chair", phone=member_phone
    )
    meeting = governance.meeting_record(
        compound=compound,
        by=officer,
        kind="courtyard",
        held_on=today - 7 * day,
        attendance=50,
        topics="改造方案",
        project=project,
        minutes=SimpleUploadedFile(
            f"minutes-{key}.pdf", MINUTES_PDF, content_type="application/pdf"
        ),
    )
    survey = governance.opinion_survey_record(
        project=project,
        by=officer,
        held_on=today - 10 * day,
        forms_issued=100,
        forms_returned=100,
        support=95,
        oppose=5,
    )
    vote = governance.owner_vote_create(
        compound=compound,
        by=officer,
        matter="renovate",
        title=f"{key}改造表决",
        held_on=today - 3 * day,
        eligible_owners=100,
        eligible_area=Decimal("10000.00"),
        project=project,
    )
    ballot_vote = governance.owner_vote_create(
        compound=compound,
        by=officer,
        matter="use_fund",
        title=f"{key}维修资金表决",
        held_on=today - 2 * day,
        eligible_owners=10,
        eligible_area=Decimal("800.00"),
    )
    Ballot.objects.create(
        vote=ballot_vote, room="1-101", owner="赵六", area=Decimal("80.00"), choice="agree"
    )
    surveyed = factories.ProjectFactory(
        programme=programme, compound__street=street, compound__name=f"{marker(key)}三号院"
    )
    programmes.project_stage_transition(
        project=surveyed, to_stage=Stage.CONSULTATION, by=official, reason="启动意愿征集"
    )
    suggestion = governance.suggestion_record(
        compound=compound,
        by=officer,
        kind="suggestion",
        channel="phone",
        text="希望增加停车位。",
        contact=contact_phone,
        project=project,
    )
    disclosure = _publish(
        governance.disclosure_create(
            project=project,
            by=officer,
            title=f"{key}改造方案公示",
            summary="改造雨污管网和屋面。",
            window_starts_on=today - 2 * day,
            window_ends_on=today + 5 * day,
            objection_deadline=today + 3 * day,
        ),
        officer,
    )
    draft_disclosure = governance.disclosure_create(
        project=project,
        by=officer,
        title=f"{key}草稿公示",
        summary="草稿。",
        window_starts_on=today,
        window_ends_on=today + 5 * day,
        objection_deadline=today + 3 * day,
    )

    commitment = funding.commitment_create(
        by=official,
        project=project,
        sub_type=SubType.DISTRICT_BUDGET,
        funder="区财政",
        amount="600000.00",
    )
    commitment = funding.commitment_approve(commitment=commitment, by=official)
    receipt = funding.receipt_record(
        commitment=commitment, by=official, amount="500000.00", received_on=today - 2 * day
    )
    expenditure = funding.expenditure_record(
        commitment=commitment,
        by=official,
        amount="200000.00",
        spent_on=today - day,
        work_item=item,
        payee="某建设集团",
    )
    planned = funding.commitment_create(
        by=official,
        project=project,
        sub_type=SubType.CENTRAL_SUBSIDY,
        funder="中央财政",
        amount="300000.00",
    )
    bond = district_records["bond"]
    allocation = funding.allocation_set(
        commitment=bond, project=project, amount="20000.00", by=official
    )
    voucher = funding_vouchers.voucher_attach(
        record=receipt,
        by=official,
        file=SimpleUploadedFile(f"voucher-{key}.pdf", MINUTES_PDF),
        title="银行进账单",
    )
    combined = funding.commitment_create(
        by=official,
        project=project,
        kind=Kind.GOVERNMENT,
        sub_type=SubType.COMBINED,
        combines=[SubType.CENTRAL_SUBSIDY, SubType.PROVINCIAL_SUBSIDY],
        funder="中央和省级财政",
        amount="320000.00",
    )
    in_kind = funding.commitment_create(
        by=official,
        project=project,
        sub_type=SubType.UTILITY,
        funder="燃气公司",
        amount="0",
        mode="free_works",
        works="免费铺设燃气管道",
    )
    return RecordSet(
        key,
        {
            **district_records,
            "city": street.district.city,
            "province": street.district.city.province,
            # An account the district's officials manage (never one of the readers).
            "account": factories.UserFactory(
                username=f"account-{key}", role=User.Role.STREET_OFFICER, street=street
            ),
            "street": street,
            "community": community,
            "compound": compound,
            "building": building,
            "project": project,
            "item": item,
            "report": report,
            "photo": photo,
            "problem": problem,
            "accepted_project": accepted,
            "acceptance": acceptance,
            "satisfaction": satisfaction,
            "committee": committee,
            "member": member,
            "meeting": meeting,
            "survey": survey,
            "vote": vote,
            "suggestion": suggestion,
            "disclosure": disclosure,
            "draft_disclosure": draft_disclosure,
            "commitment": commitment,
            "planned": planned,
            "receipt": receipt,
            "expenditure": expenditure,
            "allocation": allocation,
            "funding_source": commitment.source,
            "voucher": voucher,
            "combined": combined,
            "in_kind": in_kind,
        },
    )


def _own_records(user: User, today: dt.date) -> dict[str, Any]:
    """An export job (finished, with its file) and a notification of one user."""
    job = ExportJob.objects.create(
        user=user,
        kind=ExportJob.Kind.LEDGER_CSV,
        status=ExportJob.Status.DONE,
        progress=100,
        scope_label="矩阵",
        finished_at=timezone.now(),
    )
    job.file.save(f"ledger-{user.pk}.csv", ContentFile("编号,名称\n".encode()), save=True)
    notification = Notification.objects.create(
        recipient=user,
        kind=Notification.Kind.PROBLEM_OVERDUE,
        object_key=f"matrix:{user.pk}",
        day=today,
        message="现场问题超时未处理",
    )
    return {"export_job": job, "notification": notification}


def build_world(role_users: dict[str, dict[str, Any]]) -> World:
    """Create the record sets, then one reader per role from `role_users` (role key ->
    keyword arguments of the user, where "city", "district" and "street" name a scope of set A
    and "superuser" makes a superuser)."""
    today = timezone.localdate()
    Group.objects.create(name="矩阵用户组")
    c1 = factories.CityFactory(name="矩阵市一")
    c2 = factories.CityFactory(name="矩阵市二")
    d1 = factories.DistrictFactory(city=c1, name="矩阵一区")
    d2 = factories.DistrictFactory(city=c1, name="矩阵二区")
    d3 = factories.DistrictFactory(city=c2, name="矩阵三区")
    streets = {
        "A": factories.StreetFactory(district=d1, name="甲街道"),
        "B": factories.StreetFactory(district=d1, name="乙街道"),
        "W": factories.StreetFactory(district=d2, name="丙街道"),
        "N": factories.StreetFactory(district=d3, name="丁街道"),
    }
    officials = {
        district.pk: factories.UserFactory(
            username=f"official-{district.pk}",
            role=User.Role.DISTRICT_OFFICIAL,
            district=district,
        )
        for district in (d1, d2, d3)
    }
    officers = {
        key: factories.UserFactory(
            username=f"officer-{key}", role=User.Role.STREET_OFFICER, street=street
        )
        for key, street in streets.items()
    }
    per_district = {
        district.pk: _district_records(
            district=district, official=officials[district.pk], today=today
        )
        for district in (d1, d2, d3)
    }
    sets = {
        key: _record_set(
            key,
            street=street,
            officer=officers[key],
            official=officials[street.district_id],
            district_records=per_district[street.district_id],
            today=today,
        )
        for key, street in streets.items()
    }
    # The programme-level pool of every district has money received without a project.
    for key in ("A", "W", "N"):
        funding.receipt_record(
            commitment=sets[key].bond,
            by=officials[sets[key].district.pk],
            amount="1000.00",
            received_on=today - dt.timedelta(days=1),
        )

    scope_of_a = {"city": c1, "district": d1, "street": streets["A"]}
    users: dict[str, User | None] = {"anonymous": None}
    for role, spec in role_users.items():
        spec = dict(spec)
        if spec.pop("superuser", False):
            spec.update(is_superuser=True, is_staff=True)
        for level in ("city", "district", "street"):
            if spec.get(level) is True:
                spec[level] = scope_of_a[level]
        if spec.get("role") == User.Role.STREET_OFFICER and spec.get("street") == streets["A"]:
            users[role] = officers["A"]  # set A's records were filed by this officer
            continue
        if spec.get("role") == User.Role.DISTRICT_OFFICIAL and spec.get("district") == d1:
            users[role] = officials[d1.pk]
            continue
        users[role] = factories.UserFactory(username=f"reader-{role}", **spec)
    stranger = officers["B"]
    own_records = {
        role: _own_records(user, today) for role, user in users.items() if user is not None
    }
    own_records["stranger"] = _own_records(stranger, today)
    own_records["anonymous"] = own_records["stranger"]
    tokens = {role: Token.objects.create(user=user).key for role, user in users.items() if user}
    # The Civil Code rule sets come from a data migration, which a flushing test elsewhere may
    # have emptied in a reused database: one rule set of the world's own for the admin pages
    # (another city's, from a date no vote here reaches, so it decides nothing).
    VoteRuleSet.objects.create(
        city=c2, name="矩阵表决规则", effective_from=today + dt.timedelta(days=3650)
    )
    # Records written in bulk or by data migrations (report lines, vote rule sets) have no
    # history row: give the first record of each such model one, for the admin's history pages.
    for model in apps.get_models():
        history = getattr(model, "history", None)
        if history is not None and not history.exists():
            first = model._default_manager.order_by("pk").first()
            if first is not None:
                history.bulk_history_create([first])
    run = rollups.rollup_run_start(kind="full")
    rollups.rollup_full(run=run)
    assert ProgressReportLine.objects.exists()
    return World(
        sets=sets,
        users=users,
        stranger=stranger,
        tokens=tokens,
        run_id=run.pk,
        today=today,
        own_records=own_records,
    )

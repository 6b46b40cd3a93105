"""The rules of the access matrix: for every URL pattern, how to name an object inside and
outside the reader's scope, which methods to try, and what every role must get.

Roles are the `User.Role` choices plus "anonymous" and "superuser". A role added to `User.Role`
must be given a reader (`ROLE_USERS`), an out-of-scope record set (`THEIRS`) and what it may
see (`VISIBLE`, `PERSONAL`), or the meta-tests fail; the presets below then treat it as a
reader without write rights, and the matrix says where that is wrong.

Statuses: `LOGIN` is a 302 to the login page (the admin's own for admin pages); any other 302
is a redirect somewhere else (a success). For the API, anonymous is 401. An out-of-scope object
is a 404 for every role, whatever the method, except that the API refuses any write by a
read-only role (API-client keys, auditors) with a 403 before it looks anything up, which tells
nothing about the object either.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from governance.models import LongTermManagement
from programmes.models import WorkType
from renovation.models import User

from .world import CITY, DISTRICT, SETS, STREET, World

# --- Roles ---------------------------------------------------------------------------------

ANON = "anonymous"
SU = "superuser"
CV = User.Role.CITY_VIEWER.value
DO = User.Role.DISTRICT_OFFICIAL.value
SO = User.Role.STREET_OFFICER.value
AC = User.Role.API_CLIENT.value
AU = User.Role.AUDITOR.value
ROLES: tuple[str, ...] = (ANON, *User.Role.values, SU)
SIGNED_IN = tuple(role for role in ROLES if role != ANON)

# The reader of each role, scoped inside set A (True: set A's city, district or street).
ROLE_USERS: dict[str, dict[str, Any]] = {
    CV: {"role": CV, "city": True},
    DO: {"role": DO, "district": True},
    SO: {"role": SO, "street": True},
    AC: {"role": AC, "city": True},
    AU: {"role": AU, "city": True},
    SU: {"superuser": True},
}
# The nearest record set outside each role's scope, for records at each level. A superuser has
# none: its "theirs" is another city's record, which it reads like its own.
THEIRS: dict[str, dict[str, str]] = {
    ANON: {STREET: "N", DISTRICT: "N", CITY: "N"},
    CV: {STREET: "N", DISTRICT: "N", CITY: "N"},
    DO: {STREET: "W", DISTRICT: "W", CITY: "N"},
    SO: {STREET: "B", DISTRICT: "W", CITY: "N"},
    AC: {STREET: "N", DISTRICT: "N", CITY: "N"},
    AU: {STREET: "N", DISTRICT: "N", CITY: "N"},
    SU: {STREET: "N", DISTRICT: "N", CITY: "N"},
}
# The record sets whose compounds a role may read anywhere (anonymous: set A's public page).
VISIBLE: dict[str, set[str]] = {
    ANON: {"A"},
    CV: {"A", "B", "W"},
    DO: {"A", "B"},
    SO: {"A"},
    AC: {"A", "B", "W"},
    AU: {"A", "B", "W"},
    SU: set(SETS),
}
# The record sets whose personal data (committee members' and residents' phones) a role may read:
# the street office and the district in charge only.
PERSONAL: dict[str, set[str]] = {
    ANON: set(),
    CV: set(),
    DO: {"A", "B"},
    SO: {"A"},
    AC: set(),
    AU: set(),  # an auditor checks who changed what, not whom to call
    SU: set(SETS),
}
# Roles the API refuses any write before it looks anything up (ApiClientReadOnly).
API_READ_ONLY = (AC, AU)


# --- Expected statuses ---------------------------------------------------------------------


class Login(int):
    """A 302 to the login page."""

    def __repr__(self) -> str:
        return "302→login"


LOGIN = Login(302)
SKIP = None  # not requested, for the reason given where it is used


@dataclass(frozen=True)
class Expect:
    ours: Mapping[str, int | None]
    theirs: Mapping[str, int | None]

    def status(self, role: str, side: str) -> int | None:
        return (self.theirs if side == "theirs" else self.ours)[role]


def expect(
    signed_in: int,
    *,
    anon: int,
    only: Iterable[str] | None = None,
    others: int = 403,
    theirs: int = 404,
    ours_for: Mapping[str, int] | None = None,
    theirs_for: Mapping[str, int] | None = None,
) -> Expect:
    """`signed_in` for every signed-in role (only the roles in `only`, and the superuser, when
    given; `others` for the rest); `theirs` for an out-of-scope object (a superuser gets what
    it gets in scope); then per-role exceptions."""
    allowed = set(SIGNED_IN if only is None else (*only, SU))
    ours = {role: signed_in if role in allowed else others for role in SIGNED_IN}
    ours[ANON] = anon
    ours.update(ours_for or {})
    out = dict.fromkeys(SIGNED_IN, theirs)
    out[ANON] = anon
    out[SU] = ours[SU]
    out.update(theirs_for or {})
    return Expect(ours, out)


# Pages.
READ = expect(200, anon=LOGIN)


def form(*writers: str, status: int = 200) -> Expect:
    """A form page: the writers get it (a POST without data re-renders it with errors), the
    other roles 403 in scope."""
    return expect(status, anon=LOGIN, only=writers)


POST_ONLY = expect(405, anon=LOGIN, theirs=405)  # @require_POST under @login_required

# The API.
API_READ = expect(200, anon=401)


def api_write(status: int, *writers: str, **kw: Any) -> Expect:
    """A write: the writers get `status`, other roles 403 in scope; read-only roles (API-client
    keys, auditors) 403 before anything is looked up."""
    refused = dict.fromkeys(API_READ_ONLY, 403)
    return expect(
        status,
        anon=401,
        only=writers,
        ours_for={**refused, **kw.pop("ours_for", {})},
        theirs_for={**refused, **kw.pop("theirs_for", {})},
        **kw,
    )


API_NO_METHOD = api_write(405, *SIGNED_IN)  # a method the endpoint does not offer
PUBLIC = expect(200, anon=200)


def managers(status: int, *, anon: int, **kw: Any) -> Expect:
    """People and keys: district officials (and the platform administrator) get `status`;
    every other role is refused (403) before any account or key is looked up, on either side."""
    refused = {role: 403 for role in SIGNED_IN if role not in (DO, SU)}
    return expect(status, anon=anon, only=[DO], theirs_for=refused, **kw)


# --- Rules ---------------------------------------------------------------------------------

Pick = Callable[[str], Any]


@dataclass(frozen=True)
class Rule:
    name: str  # the pattern's key: "namespace:name", or its route when unnamed
    methods: Mapping[str, Expect]
    obj: str | None = None  # the record the path names (see world.LEVELS)
    kwarg: str = "pk"
    attr: str = "pk"
    kwargs: Mapping[str, Any] = field(default_factory=dict)  # fixed path arguments
    query: Mapping[str, str] = field(default_factory=dict)  # GET parameter -> record name
    fixed_query: Mapping[str, Any] = field(default_factory=dict)
    url: Callable[[Pick, World], str] | None = None  # for unnamed patterns
    body: Callable[[Pick, World], dict] | None = None  # data of writes (default: none)
    fmt: str = "form"  # form | json | multipart
    # True: a permitted request may change data; "always": any request may (a logout ends the
    # session, and django-axes records when); False: nothing may change.
    writes: bool | str = False
    scoped: bool | None = None  # default: when a record is named
    variant: str = ""
    login: str = "login"
    note: str = ""

    @property
    def id(self) -> str:
        return f"{self.name}[{self.variant}]" if self.variant else self.name

    @property
    def sides(self) -> tuple[str, ...]:
        scoped = self.scoped if self.scoped is not None else bool(self.obj or self.query)
        return ("ours", "theirs") if scoped else ("-",)

    def path(self, pick: Pick, world: World) -> str:
        if self.url is not None:
            return self.url(pick, world)
        kwargs = dict(self.kwargs)
        if self.obj:
            kwargs[self.kwarg] = getattr(pick(self.obj), self.attr)
        path = reverse(self.name, kwargs=kwargs or None)
        query = {**self.fixed_query, **{k: pick(v).pk for k, v in self.query.items()}}
        if query:
            path += "?" + "&".join(f"{k}={v}" for k, v in query.items())
        return path


def api(name: str, methods: Mapping[str, Expect], **kw: Any) -> Rule:
    kw.setdefault("fmt", "json")
    return Rule(f"api:{name}", methods, **kw)


def api_list(basename: str, create: Callable[[Pick, World], dict] | None = None) -> Rule:
    """A list; with `create`, the body of a create by the street office in charge (a valid
    body naming an object of the case's side: creates validate the body before they look the
    object up, so only a valid body reaches the scope and role checks)."""
    if create is None:
        return api(f"{basename}-list", {"GET": API_READ})
    return api(
        f"{basename}-list",
        {"POST": api_write(201, SO)},
        body=create,
        scoped=True,
        writes=True,
        variant="create",
    )


def api_detail(basename: str, obj: str, **kw: Any) -> Rule:
    return api(f"{basename}-detail", {"GET": API_READ, "DELETE": API_NO_METHOD}, obj=obj, **kw)


def _day(world: World, days: int = 0) -> str:
    return (world.today - dt.timedelta(days=days)).isoformat()


# The bodies of API creates that name their object in the body: they validate the body before
# they look the object up, so only a valid body reaches the scope and role checks.
# Set-up writes (programmes, projects, work items, work types, acceptance records).
def programme_body(pick: Pick, world: World) -> dict:
    year = world.today.year
    return {
        "district": pick("district").pk,
        "name": "矩阵新计划",
        "start_year": year,
        "end_year": year,
    }


def project_body(pick: Pick, world: World) -> dict:
    # The compound already has its project in this programme: a writer gets the 400 that says
    # so (一院一策); the scope and role checks come first.
    return {
        "programme": pick("programme").pk,
        "compound": pick("compound").pk,
        "year": world.today.year,
        "categories": ["basic"],
    }


def work_item_body(pick: Pick, world: World) -> dict:
    return {
        "project": pick("project").pk,
        "work_type": "rain-sewage",
        "planned_quantity": "10.00",
        "reason": "矩阵变更",
    }


def work_type_body(pick: Pick, world: World) -> dict:
    return {
        "district": pick("district").pk,
        "name_zh": "矩阵类型",
        "unit": "m",
        "category": "basic",
    }


def acceptance_body(pick: Pick, world: World) -> dict:
    # The project's acceptance is recorded already: a writer gets the 400 that says so.
    return {
        "project": pick("accepted_project").pk,
        "accepted_on": _day(world, 10),
        "residents_present": 3,
    }


def _json(values: dict) -> Callable[[Pick, World], dict]:
    return lambda pick, world: values


def _json_picked(make: Callable[[Pick, World], dict]) -> Callable[[Pick, World], dict]:
    return make


def commitment_body(pick: Pick, world: World) -> dict:
    return {
        "project": pick("project").pk,
        "kind": "government",
        "sub_type": "district_budget",
        "funder": "矩阵测试",
        "amount": "1.00",
    }


def committee_body(pick: Pick, world: World) -> dict:
    return {
        "compound": pick("compound").pk,
        "kind": "owners",
        "name": "矩阵业委会",
        "formed_on": _day(world, 1),
    }


def meeting_body(pick: Pick, world: World) -> dict:
    return {
        "compound": pick("compound").pk,
        "kind": "courtyard",
        "held_on": _day(world, 1),
        "attendance": 10,
        "topics": "矩阵议题",
    }


def survey_body(pick: Pick, world: World) -> dict:
    return {
        "project": pick("project").pk,
        "held_on": _day(world, 1),
        "forms_issued": 10,
        "forms_returned": 10,
        "support": 9,
        "oppose": 1,
    }


def satisfaction_body(pick: Pick, world: World) -> dict:
    return {
        "project": pick("accepted_project").pk,
        "held_on": _day(world, 1),
        "respondents": 10,
        "satisfied": 9,
    }


def vote_body(pick: Pick, world: World) -> dict:
    return {
        "compound": pick("compound").pk,
        "matter": "renovate",
        "title": "矩阵表决",
        "held_on": _day(world, 1),
        "eligible_owners": 10,
        "eligible_area": "1000.00",
    }


def suggestion_body(pick: Pick, world: World) -> dict:
    return {
        "compound": pick("compound").pk,
        "kind": "suggestion",
        "channel": "phone",
        "text": "希望增加停车位和充电桩。",
    }


def receipt_body(pick: Pick, world: World) -> dict:
    return {"amount": "1.00", "received_on": _day(world, 1)}


def expenditure_body(pick: Pick, world: World) -> dict:
    return {"amount": "1.00", "spent_on": _day(world, 1)}


def allocation_body(pick: Pick, world: World) -> dict:
    return {"project": pick("project").pk, "amount": "1.00"}


RULES: list[Rule] = [
    # --- Site shell, accounts, language -----------------------------------------------------
    Rule("home", {"GET": READ}),
    Rule("healthz", {"GET": PUBLIC}),
    # The status page of every service: the platform administrator only.
    Rule(
        "healthz-detail",
        {"GET": expect(200, anon=LOGIN, only=[]), "POST": expect(405, anon=LOGIN, only=[])},
    ),
    # Signed-in users are sent on to the home page (redirect_authenticated_user).
    Rule("login", {"GET": expect(302, anon=200), "POST": expect(302, anon=200)}),
    Rule(
        "logout",
        {"GET": expect(405, anon=405), "POST": expect(LOGIN, anon=LOGIN)},
        writes="always",
    ),
    Rule("password_change", {"GET": READ, "POST": READ}),  # a POST without data: form errors
    Rule("password_change_done", {"GET": READ}),
    # The audit trail: auditors and platform administrators.
    Rule("audit:trail", {"GET": form(AU), "POST": expect(405, anon=LOGIN)}),
    # Sets the language cookie and goes back: never a page, never data.
    Rule("set_language", {"GET": expect(302, anon=302), "POST": expect(302, anon=302)}),
    # --- API: geography and registry --------------------------------------------------------
    api_list("district"),
    api_detail("district", "district"),
    api_list("street"),
    api_detail("street", "street"),
    api_list("area"),
    api_detail("area", "area"),
    api_list("community"),
    api_detail("community", "community"),
    api_list("compound"),
    # Geography set-up (issue 13): the district's officials create and change; a record (or a
    # district, street or compound named in the body) outside the reader's scope is a 404.
    *(
        api(
            f"{basename}-list",
            {"POST": api_write(201, DO)},
            body=body,
            scoped=True,
            writes=True,
            variant="create",
        )
        for basename, body in (
            ("street", lambda pick, world: {"name": "矩阵新街道", "district": pick("district").pk}),
            (
                "community",
                lambda pick, world: {"name": "矩阵新社区", "street": pick("street").pk},
            ),
            ("area", lambda pick, world: {"name": "矩阵新片区", "district": pick("district").pk}),
            ("compound", lambda pick, world: {"name": "矩阵新院", "street": pick("street").pk}),
            (
                "building",
                lambda pick, world: {"name": "矩阵9栋", "compound": pick("compound").pk},
            ),
        )
    ),
    *(
        api(
            f"{basename}-detail",
            {"PATCH": api_write(200, DO)},
            obj=obj,
            body=lambda pick, world, body=body: body,
            writes=True,
            variant="change",
        )
        for basename, obj, body in (
            ("street", "street", {"name": "矩阵改名街道"}),
            ("community", "community", {"name": "矩阵改名社区"}),
            ("area", "area", {"name": "矩阵改名片区"}),
            ("compound", "compound", {"households": 121}),
            ("building", "building", {"households": 25}),
        )
    ),
    # Merging a compound into itself is refused (400) after the role and scope checks.
    api(
        "compound-merge",
        {"POST": api_write(400, DO)},
        obj="compound",
        body=lambda pick, world: {"duplicate": pick("compound").pk, "reason": "矩阵"},
    ),
    # The API refuses a filter it cannot honour (400), like an id that does not exist.
    api(
        "compound-list",
        {"GET": expect(200, anon=401, theirs=400)},
        query={"street": "street"},
        variant="filtered",
    ),
    api_detail("compound", "compound"),
    api_list("building"),
    api_detail("building", "building"),
    # --- API: programmes, projects, progress, problems --------------------------------------
    api_list("programme"),
    api(
        "programme-list",
        {"POST": api_write(201, DO)},
        body=programme_body,
        scoped=True,
        writes=True,
        variant="create",
    ),
    api(
        "programme-detail",
        {"GET": API_READ, "PATCH": api_write(200, DO), "DELETE": API_NO_METHOD},
        obj="programme",
        body=_json({"description": "矩阵说明"}),
        writes=True,
    ),
    # The programme import (项目清单): a district official without a file gets the 400.
    api(
        "programme-import",
        {"POST": api_write(400, DO)},
        obj="programme",
        fmt="multipart",
    ),
    api_list("project"),
    api(
        "project-list",
        {"POST": api_write(400, DO)},
        body=project_body,
        scoped=True,
        variant="create",
    ),
    api(
        "project-list",
        {"GET": expect(200, anon=401, theirs=400)},
        query={"district": "district"},
        variant="filtered",
    ),
    api(
        "project-detail",
        {"GET": API_READ, "PATCH": api_write(200, DO), "DELETE": API_NO_METHOD},
        obj="project",
        body=_json({"designer": "矩阵设计院"}),
        writes=True,
    ),
    api("project-progress-reports", {"POST": api_write(400, SO)}, obj="project"),
    api("project-site-problems", {"POST": api_write(400, SO)}, obj="project"),
    api("project-transitions", {"POST": api_write(400, DO)}, obj="project"),
    api("project-historical-record", {"POST": api_write(400, DO)}, obj="project"),
    api("project-stage-history", {"GET": API_READ}, obj="project"),
    api_list("work-type"),
    api(
        "work-type-list",
        {"POST": api_write(201, DO)},
        body=work_type_body,
        scoped=True,
        writes=True,
        variant="create",
    ),
    api(
        "work-type-detail",
        {"GET": API_READ, "PATCH": api_write(403, *SIGNED_IN), "DELETE": API_NO_METHOD},
        url=lambda pick, world: reverse(
            "api:work-type-detail",
            args=[WorkType.objects.filter(district=None).order_by("code").first().code],
        ),
        body=_json({"name_zh": "矩阵改名"}),
        note="The national catalogue is the same for everyone and changed by no district.",
    ),
    api(
        "work-type-detail",
        {"GET": API_READ, "PATCH": api_write(200, DO)},
        obj="work_type",
        kwarg="code",
        attr="code",
        body=_json({"name_en": "Matrix type"}),
        writes=True,
        variant="district",
    ),
    api_list("work-item"),
    api(
        "work-item-list",
        {"POST": api_write(201, DO)},
        body=work_item_body,
        scoped=True,
        writes=True,
        variant="create",
    ),
    api(
        "work-item-detail",
        # The world's item has money spent on it: its removal is refused with the reason (400).
        {"GET": API_READ, "PATCH": api_write(200, DO), "DELETE": api_write(400, DO)},
        obj="item",
        body=_json({"description": "矩阵", "reason": "矩阵变更"}),
        writes=True,
    ),
    api_list("acceptance-record"),
    api(
        "acceptance-record-list",
        {"POST": api_write(400, DO)},
        body=acceptance_body,
        scoped=True,
        variant="create",
    ),
    api(
        "acceptance-record-detail",
        {"GET": API_READ, "PATCH": api_write(200, DO), "DELETE": API_NO_METHOD},
        obj="acceptance",
        body=_json({"notes": "矩阵"}),
        writes=True,
    ),
    api_list("progress-report"),
    api_detail("progress-report", "report"),
    api("progress-report-photos", {"POST": api_write(400, SO)}, obj="report", fmt="multipart"),
    api("progress-report-return", {"POST": api_write(400, DO)}, obj="report"),
    api_list("progress-photo"),
    api_detail("progress-photo", "photo"),
    api("progress-photo-file", {"GET": API_READ}, obj="photo"),
    api_list("site-problem"),
    api_detail("site-problem", "problem"),
    api("site-problem-close", {"POST": api_write(400, SO, DO)}, obj="problem"),
    # Statistics read a scope named in the query; an id outside the reader's scope is refused
    # like one that does not exist: 400 (the filter's "not a valid choice"), as documented.
    *(
        api(f"statistics-{name}", {"GET": expect(200, anon=401, theirs=400)}, query=query)
        for name, query in (
            ("progress", {"district": "district"}),
            ("stages", {"street": "street"}),
            ("effects", {"programme": "programme"}),
        )
    ),
    # --- API: funding -----------------------------------------------------------------------
    api_list("funding-source"),
    api_detail("funding-source", "funding_source"),
    api_list("commitment"),
    api(
        "commitment-list",
        {"POST": api_write(201, SO, DO)},
        body=commitment_body,
        scoped=True,
        writes=True,
        variant="create",
    ),
    api_detail("commitment", "commitment"),
    # Programme-level money is district business: a street officer does not see it at all.
    api(
        "commitment-detail",
        {"GET": expect(200, anon=401, ours_for={SO: 404})},
        obj="bond",
        variant="programme-level",
    ),
    api("commitment-approve", {"POST": api_write(200, DO)}, obj="planned", writes=True),
    # The project already has an allocation from the bond: this changes it (200).
    api(
        "commitment-allocations",
        {"POST": api_write(200, DO, ours_for={SO: 404})},
        obj="bond",
        body=allocation_body,
        writes=True,
    ),
    api(
        "commitment-receipts",
        {"POST": api_write(201, SO, DO)},
        obj="commitment",
        body=receipt_body,
        writes=True,
    ),
    api(
        "commitment-expenditures",
        {"POST": api_write(201, SO, DO)},
        obj="commitment",
        body=expenditure_body,
        writes=True,
    ),
    api_list("allocation"),
    api_detail("allocation", "allocation"),
    api_list("receipt"),
    api_detail("receipt", "receipt"),
    api_list("expenditure"),
    api_detail("expenditure", "expenditure"),
    # Corrections without deletes (冲销), lines as published, in kind, vouchers (issue 14). A
    # write without a body is refused (400) after the role and scope checks.
    api("commitment-reverse", {"POST": api_write(400, DO)}, obj="commitment"),
    api("commitment-split", {"POST": api_write(400, DO)}, obj="combined"),
    api("commitment-value", {"POST": api_write(400, SO, DO)}, obj="in_kind"),
    # Pooled money: the district's; a street officer does not see programme-level money.
    api(
        "commitment-attribute-spending",
        {"POST": api_write(400, DO, ours_for={SO: 404})},
        obj="bond",
    ),
    api("receipt-reverse", {"POST": api_write(400, SO, DO)}, obj="receipt"),
    api("expenditure-reverse", {"POST": api_write(400, SO, DO)}, obj="expenditure"),
    *(
        api(
            f"{name}-vouchers",
            {"GET": API_READ, "POST": api_write(400, SO, DO)},
            obj=name,
            fmt="multipart",
        )
        for name in ("receipt", "expenditure")
    ),
    api_list("voucher"),
    api_detail("voucher", "voucher"),
    api("voucher-file", {"GET": API_READ}, obj="voucher"),
    api_list("contribution-rule"),
    api(
        "contribution-rule-list",
        {"POST": api_write(201, DO)},
        body=_json_picked(
            lambda pick, world: {
                "programme": pick("programme").pk,
                "name": "矩阵规则",
                "sub_type": "maintenance_fund",
                "basis": "per_m2",
                "rate": "5.00",
            }
        ),
        scoped=True,
        writes=True,
        variant="create",
    ),
    api_detail("contribution-rule", "rule"),
    api(
        "statistics-funding-mix",
        {"GET": expect(200, anon=401)},
        query={"street": "street"},
    ),
    # --- API: governance ------------------------------------------------------------------
    api_list("committee"),
    api_list("committee", create=committee_body),
    api(
        "committee-detail",
        {"GET": API_READ, "PUT": api_write(400, SO), "DELETE": API_NO_METHOD},
        obj="committee",
    ),
    api("committee-members", {"POST": api_write(400, SO)}, obj="committee"),
    api(
        "committee-member",
        {"DELETE": api_write(204, SO)},
        url=lambda pick, world: reverse(
            "api:committee-member", args=[pick("committee").pk, pick("member").pk]
        ),
        scoped=True,
        writes=True,
    ),
    api_list("meeting"),
    api_list("meeting", create=meeting_body),
    api_detail("meeting", "meeting"),
    api(
        "meeting-minutes",
        {"GET": API_READ, "POST": api_write(400, SO)},
        obj="meeting",
        fmt="multipart",
    ),
    api_list("survey"),
    api_list("survey", create=survey_body),
    api_detail("survey", "survey"),
    api_list("satisfaction-survey"),
    api_list("satisfaction-survey", create=satisfaction_body),
    api_detail("satisfaction-survey", "satisfaction"),
    api_list("vote"),
    api_list("vote", create=vote_body),
    api_detail("vote", "vote"),
    api("vote-ballots", {"POST": api_write(400, SO)}, obj="vote", fmt="multipart"),
    api("vote-tally", {"POST": api_write(400, SO)}, obj="vote"),
    api_list("long-term-management"),
    api(
        "long-term-management-list",
        {"POST": api_write(201, SO)},
        body=_json_picked(
            lambda pick, world: {
                "compound": pick("compound").pk,
                "mode": "property_company",
                "fee_per_m2": "0.80",
                "starts_on": _day(world, 1),
            }
        ),
        scoped=True,
        writes=True,
        variant="create",
    ),
    api(
        "long-term-management-detail",
        {"GET": API_READ, "DELETE": API_NO_METHOD},
        url=lambda pick, world: reverse(
            "api:long-term-management-detail",
            args=[
                LongTermManagement.objects.filter(compound=pick("accepted_project").compound_id)
                .first()
                .pk
            ],
        ),
        scoped=True,
    ),
    api_list("suggestion"),
    api_list("suggestion", create=suggestion_body),
    api_detail("suggestion", "suggestion"),
    api("suggestion-answer", {"POST": api_write(400, SO, DO)}, obj="suggestion"),
    api("suggestion-assign", {"POST": api_write(400, SO, DO)}, obj="suggestion"),
    # An unanswered suggestion cannot be closed: 400 for the roles that may handle it.
    api("suggestion-close", {"POST": api_write(400, SO, DO)}, obj="suggestion"),
    api(
        "statistics-governance",
        {"GET": expect(200, anon=401, theirs=400)},
        query={"street": "street"},
    ),
    # --- API: people and keys (district officials; everyone else 403 before any lookup) --
    api("user-list", {"GET": managers(200, anon=401), "POST": managers(400, anon=401)}),
    api(
        "user-detail",
        # An empty PATCH is a save without changes (the version moves on).
        {"GET": managers(200, anon=401), "PATCH": managers(200, anon=401)},
        obj="account",
        writes=True,
    ),
    # No reason: 400. The account is active already: 400. No password: 400.
    *(
        api(f"user-{name}", {"POST": managers(400, anon=401)}, obj="account")
        for name in ("deactivate", "reactivate", "password")
    ),
    api("api-key-list", {"GET": managers(200, anon=401), "POST": managers(400, anon=401)}),
    api("api-key-detail", {"GET": managers(200, anon=401)}, obj="api_key"),
    api("api-key-revoke", {"POST": managers(400, anon=401)}, obj="api_key"),
    # --- API: schema, docs, unknown paths -------------------------------------------------
    # The schema and its docs page are public (SERVE_PERMISSIONS AllowAny): no data in them.
    api("schema", {"GET": PUBLIC}),
    api("docs", {"GET": PUBLIC}),
    Rule(
        "api/^[\\s\\S]*$",
        {"GET": expect(404, anon=404), "POST": expect(404, anon=404)},
        url=lambda pick, world: "/api/v1/no-such-endpoint/",
    ),
    # --- Funding pages ----------------------------------------------------------------------
    Rule("funding:mix", {"GET": READ}, query={"street": "street"}),
    Rule("funding:mix", {"GET": READ}, query={"programme": "programme"}, variant="programme"),
    Rule("funding:project", {"GET": READ}, obj="project"),
    Rule(
        "funding:project-commitment-create",
        {"GET": form(SO, DO), "POST": form(SO, DO)},
        obj="project",
    ),
    # Programme-level money: district-level readers; a street officer is refused.
    Rule(
        "funding:programme", {"GET": expect(200, anon=LOGIN, ours_for={SO: 403})}, obj="programme"
    ),
    Rule(
        "funding:programme-commitment-create",
        {"GET": form(DO), "POST": form(DO)},
        obj="programme",
    ),
    Rule("funding:commitment-detail", {"GET": READ}, obj="commitment"),
    Rule(
        "funding:commitment-detail",
        {"GET": expect(200, anon=LOGIN, ours_for={SO: 404})},
        obj="bond",
        variant="programme-level",
    ),
    # An approval without a version is an approval: back to the commitment with a message.
    Rule(
        "funding:commitment-approve",
        {"GET": POST_ONLY, "POST": form(DO, status=302)},
        obj="planned",
        writes=True,
    ),
    Rule("funding:receipt-create", {"GET": form(SO, DO), "POST": form(SO, DO)}, obj="commitment"),
    Rule(
        "funding:expenditure-create",
        {"GET": form(SO, DO), "POST": form(SO, DO)},
        obj="commitment",
    ),
    # Programme-level money: a street officer does not see it at all.
    Rule(
        "funding:allocation-create",
        {
            "GET": expect(200, anon=LOGIN, only=[DO], ours_for={SO: 404}),
            "POST": expect(200, anon=LOGIN, only=[DO], ours_for={SO: 404}),
        },
        obj="bond",
    ),
    # Corrections, lines as published, in kind and vouchers (issue 14). A POST without data
    # re-renders the form with the service's message: nothing is written.
    Rule("funding:commitment-reverse", {"GET": form(DO), "POST": form(DO)}, obj="commitment"),
    Rule("funding:commitment-split", {"GET": form(DO), "POST": form(DO)}, obj="combined"),
    Rule("funding:commitment-value", {"GET": form(SO, DO), "POST": form(SO, DO)}, obj="in_kind"),
    Rule("funding:receipt-reverse", {"GET": form(SO, DO), "POST": form(SO, DO)}, obj="receipt"),
    Rule(
        "funding:spending-attribute",
        {
            "GET": expect(200, anon=LOGIN, only=[DO], ours_for={SO: 404}),
            "POST": expect(200, anon=LOGIN, only=[DO], ours_for={SO: 404}),
        },
        obj="bond",
    ),
    Rule(
        "funding:expenditure-reverse",
        {"GET": form(SO, DO), "POST": form(SO, DO)},
        obj="expenditure",
    ),
    # Everyone who sees the record reads it and its vouchers; its writers attach vouchers.
    Rule(
        "funding:receipt-detail",
        {"GET": READ, "POST": expect(200, anon=LOGIN, only=[SO, DO])},
        obj="receipt",
    ),
    Rule(
        "funding:expenditure-detail",
        {"GET": READ, "POST": expect(200, anon=LOGIN, only=[SO, DO])},
        obj="expenditure",
    ),
    # GET only (@require_GET under @login_required): a POST is a 405 whatever the voucher.
    Rule(
        "funding:voucher-file",
        {"GET": READ, "POST": expect(405, anon=LOGIN, theirs=405)},
        obj="voucher",
    ),
    # --- Reports and exports ----------------------------------------------------------------
    Rule("reports:index", {"GET": READ}),
    Rule("reports:ledger-xlsx", {"GET": READ}, query={"street": "street"}),
    Rule("reports:ledger-csv", {"GET": READ}, query={"street": "street"}),
    # A job is its owner's alone: anybody else's is a 404, for a superuser too.
    Rule(
        "reports:export-job",
        {"GET": expect(200, anon=LOGIN, theirs_for={SU: 404})},
        obj="export_job",
    ),
    Rule(
        "reports:export-download",
        {"GET": expect(200, anon=LOGIN, theirs_for={SU: 404})},
        obj="export_job",
    ),
    Rule("reports:annual-return", {"GET": READ}, query={"district": "district"}),
    Rule("reports:monthly-return", {"GET": READ}, query={"district": "district"}),
    Rule("reports:weekly", {"GET": READ}, query={"district": "district"}),
    Rule("reports:monthly", {"GET": READ}, query={"district": "district"}),
    # Census imports: a district official always imports into its own district (`district=` is
    # for superusers only, so another district's id changes nothing); other roles are refused
    # before any district is looked up.
    *(
        Rule(
            name,
            {
                method: expect(200, anon=LOGIN, only=[DO], theirs=403, theirs_for={DO: 200})
                for method in methods
            },
            query={"district": "district"},
        )
        for name, methods in (
            ("reports:census-import", ("GET", "POST")),
            ("reports:census-template", ("GET",)),
        )
    ),
    Rule("reports:notification-list", {"GET": READ}),
    # A notification is its recipient's alone (a superuser's too).
    Rule(
        "reports:notification-read",
        {"GET": POST_ONLY, "POST": expect(302, anon=LOGIN, theirs_for={SU: 404})},
        obj="notification",
        writes=True,
    ),
    Rule(
        "reports:notification-read-all",
        {"GET": expect(405, anon=LOGIN), "POST": expect(302, anon=LOGIN)},
        writes=True,
    ),
    # --- Statistics pages -------------------------------------------------------------------
    Rule(
        "rollups:recompute",
        {"GET": form(DO), "POST": form(DO, status=302)},
        writes=True,
    ),
    # Runs are not geographic: district officials (who may start one) follow them.
    *(
        Rule(
            name,
            {"GET": expect(200, anon=LOGIN, only=[DO], others=404)},
            url=lambda pick, world, name=name: reverse(name, args=[world.run_id]),
        )
        for name in ("rollups:run", "rollups:run-status")
    ),
    # Every figure of the whole instance: unscoped readers only (every reader here is scoped).
    Rule("rollups:all", {"GET": expect(404, anon=LOGIN, ours_for={SU: 200})}),
    # A street officer reads its own street's figures only; a district official its district
    # and what lies inside it; a city viewer its city.
    Rule("rollups:scope", {"GET": READ}, obj="street", kwargs={"kind": "street"}, variant="street"),
    *(
        Rule(
            "rollups:scope",
            {"GET": expect(200, anon=LOGIN, ours_for=denied)},
            obj=kind,
            kwargs={"kind": kind},
            variant=kind,
        )
        for kind, denied in (
            ("district", {SO: 404}),
            ("area", {SO: 404}),
            ("programme", {SO: 404}),
            ("city", {SO: 404, DO: 404}),
            # A province holds other cities: only province readers (and administrators).
            ("province", {SO: 404, DO: 404, CV: 404, AC: 404, AU: 404}),
        )
    ),
    # --- People and keys pages: district officials, within their district ------------------
    Rule("people:index", {"GET": managers(200, anon=LOGIN)}),
    Rule(
        "people:user-create", {"GET": managers(200, anon=LOGIN), "POST": managers(200, anon=LOGIN)}
    ),
    Rule(
        "people:key-create", {"GET": managers(200, anon=LOGIN), "POST": managers(200, anon=LOGIN)}
    ),
    *(
        Rule(name, {"GET": managers(200, anon=LOGIN), "POST": managers(200, anon=LOGIN)}, obj=obj)
        for name, obj in (
            ("people:user-edit", "account"),
            ("people:user-active", "account"),
            ("people:user-password", "account"),
            ("people:key-revoke", "api_key"),
        )
    ),
    # --- Programmes pages -------------------------------------------------------------------
    Rule("programmes:compound-list", {"GET": READ}),
    # A filter naming a street outside the scope is not a valid choice: the page lists the
    # reader's own compounds (and never the other street's, which the page check looks for).
    Rule(
        "programmes:compound-list",
        {"GET": expect(200, anon=LOGIN, theirs=200)},
        query={"street": "street"},
        variant="filtered",
    ),
    Rule("programmes:compound-detail", {"GET": READ}, obj="compound"),
    Rule("programmes:progress-file", {"GET": form(SO), "POST": form(SO)}, obj="project"),
    Rule("programmes:stage-change", {"GET": form(DO), "POST": form(DO)}, obj="project"),
    Rule("programmes:historical-record", {"GET": form(DO), "POST": form(DO)}, obj="project"),
    Rule("programmes:problem-raise", {"GET": form(SO), "POST": form(SO)}, obj="project"),
    Rule("programmes:problem-close", {"GET": form(SO, DO), "POST": form(SO, DO)}, obj="problem"),
    Rule("programmes:photo", {"GET": READ}, obj="photo"),
    Rule("programmes:report-return", {"GET": form(DO), "POST": form(DO)}, obj="report"),
    # --- Programme set-up pages (district officials of the district) ------------------------
    Rule("programmes:setup-programme-list", {"GET": READ}),
    Rule("programmes:setup-programme-create", {"GET": form(DO), "POST": form(DO)}),
    Rule("programmes:setup-programme", {"GET": READ}, obj="programme"),
    *(
        Rule(f"programmes:{name}", {"GET": form(DO), "POST": form(DO)}, obj="programme")
        for name in (
            "setup-programme-edit",
            "setup-year-target",
            "setup-local-target",
            "setup-batch",
            "setup-programme-import",
        )
    ),
    Rule("programmes:setup-programme-import-template", {"GET": form(DO)}, obj="programme"),
    Rule("funding:rule-create", {"GET": form(DO), "POST": form(DO)}, obj="programme"),
    Rule("programmes:setup-project-create", {"GET": form(DO), "POST": form(DO)}),
    *(
        Rule(f"programmes:{name}", {"GET": form(DO), "POST": form(DO)}, obj="project")
        for name in ("setup-project-edit", "setup-work-item-add", "setup-acceptance")
    ),
    *(
        Rule(f"programmes:{name}", {"GET": form(DO), "POST": form(DO)}, obj="item")
        for name in ("setup-work-item-edit", "setup-work-item-remove")
    ),
    Rule("programmes:setup-work-types", {"GET": READ, "POST": form(DO)}),
    Rule(
        "programmes:setup-work-type-edit",
        {"GET": form(DO), "POST": form(DO)},
        obj="work_type",
    ),
    # Geography set-up pages (区划与小区): the district's officials only.
    *(
        Rule(f"programmes:{name}", {"GET": form(DO), "POST": form(DO)})
        for name in (
            "geography",
            "street-create",
            "community-create",
            "area-create",
            "compound-create",
        )
    ),
    *(
        Rule(f"programmes:{name}", {"GET": form(DO), "POST": form(DO)}, obj=obj)
        for name, obj in (
            ("street-edit", "street"),
            ("community-edit", "community"),
            ("area-edit", "area"),
            ("compound-edit", "compound"),
            ("compound-merge", "compound"),
            ("building-create", "compound"),
            ("building-edit", "building"),
        )
    ),
    # --- Governance pages -------------------------------------------------------------------
    Rule("governance:compound", {"GET": READ}, obj="compound"),
    *(
        Rule(f"governance:{name}", {"GET": form(SO), "POST": form(SO)}, obj=obj)
        for name, obj in (
            ("committee-create", "compound"),
            ("committee-edit", "committee"),
            ("member-add", "committee"),
            ("meeting-create", "compound"),
            ("survey-create", "project"),
            ("vote-create", "compound"),
            ("vote-tally", "vote"),
            ("vote-ballots", "vote"),
            ("suggestion-create", "compound"),
            ("satisfaction-create", "accepted_project"),
            ("management-create", "compound"),
            ("fund-edit", "project"),
            ("disclosure-create", "project"),
        )
    ),
    Rule(
        "governance:member-remove",
        {"GET": POST_ONLY, "POST": form(SO, status=302)},
        obj="member",
        writes=True,
    ),
    Rule("governance:meeting-minutes", {"GET": READ}, obj="meeting"),
    Rule("governance:vote-detail", {"GET": READ}, obj="vote"),
    Rule("governance:suggestion-list", {"GET": READ}),
    Rule("governance:suggestion-detail", {"GET": READ, "POST": form(SO, DO)}, obj="suggestion"),
    Rule(
        "governance:disclosure-edit", {"GET": form(SO, DO), "POST": form(SO, DO)}, obj="disclosure"
    ),
    # Public disclosure pages: any published disclosure, for anyone, signed in or not (so
    # "theirs", another city's, is public too); a draft or an unknown token is a 404.
    *(
        rule
        for name, methods in (
            ("governance:public-disclosure", ("GET", "POST")),
            ("governance:public-disclosure-print", ("GET",)),
            ("governance:public-disclosure-qr", ("GET",)),
        )
        for rule in (
            Rule(
                name,
                dict.fromkeys(methods, expect(200, anon=200, theirs=200)),
                obj="disclosure",
                kwarg="token",
                attr="token",
            ),
            Rule(
                name,
                dict.fromkeys(methods, expect(404, anon=404)),
                obj="draft_disclosure",
                kwarg="token",
                attr="token",
                variant="draft",
            ),
            Rule(
                name,
                dict.fromkeys(methods, expect(404, anon=404)),
                kwargs={"token": "no-such-token"},
                variant="unknown",
            ),
        )
    ),
]

# Public pages show a compound's name by design: the leak check looks for personal data only.
PUBLIC_PAGES = {
    "governance:public-disclosure",
    "governance:public-disclosure-print",
    "governance:public-disclosure-qr",
}

# Patterns the matrix does not request, each with the reason. Empty: every pattern has a rule.
EXEMPT: dict[str, str] = {}


# --- The admin: superusers only ------------------------------------------------------------

# Registered models (app label or app_label.model) that may have no record in the world: their
# object pages are tried for the other roles only, with an id that may not exist.
ADMIN_WITHOUT_RECORDS: dict[str, str] = {
    "axes": "django-axes' login records: the matrix signs its readers in without a password",
}


def _admin(superuser: int | None, others: int = LOGIN) -> Expect:
    """Everyone but a superuser is sent to the admin's login page, whatever the page; a
    superuser gets `superuser` (SKIP for the admin's own writes, which are not about access:
    a superuser may change anything there)."""
    return expect(others, anon=others, only=[], others=others, ours_for={SU: superuser})


def _superuser_request():
    request = RequestFactory().get("/admin/")
    request.user = User(username="matrix-root", is_superuser=True, is_staff=True, is_active=True)
    return request


def _object_id(model) -> str:
    record = model._default_manager.order_by("pk").first()
    return str(record.pk) if record is not None else "0"


def _history_args(model) -> list:
    """An object and one of its historical records (models created by data migrations have
    records without history: the first historical row names an object that has one)."""
    row = model.history.order_by("history_id").first()
    if row is None:
        return ["0", "0"]
    return [getattr(row, model._meta.pk.attname), row.history_id]


def admin_model_rules() -> list[Rule]:
    """The pages of every registered model, from the registry (so a new model is covered)."""
    request = _superuser_request()
    rules = []
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        info = f"{meta.app_label}_{meta.model_name}"
        empty = meta.app_label in ADMIN_WITHOUT_RECORDS or meta.label_lower in ADMIN_WITHOUT_RECORDS
        view = 200 if model_admin.has_view_or_change_permission(request) else 403
        add = 200 if model_admin.has_add_permission(request) else 403
        delete = 200 if model_admin.has_delete_permission(request) else 403
        on_object = (lambda status: SKIP) if empty else (lambda status: status)

        def obj_url(name: str, model=model):
            return lambda pick, world: reverse(f"admin:{name}", args=[_object_id(model)])

        common = {"login": "admin:login", "writes": True}
        rules += [
            Rule(f"admin:{info}_changelist", {"GET": _admin(view)}, **common),
            Rule(f"admin:{info}_add", {"GET": _admin(add), "POST": _admin(SKIP)}, **common),
            Rule(
                f"admin:{info}_change",
                {"GET": _admin(on_object(view)), "POST": _admin(SKIP)},
                url=obj_url(f"{info}_change"),
                **common,
            ),
            Rule(
                f"admin:{info}_history",
                {"GET": _admin(on_object(view))},
                url=obj_url(f"{info}_history"),
                **common,
            ),
            Rule(
                f"admin:{info}_delete",
                {"GET": _admin(on_object(delete)), "POST": _admin(SKIP)},
                url=obj_url(f"{info}_delete"),
                **common,
            ),
            # The bare object address redirects to its change page.
            Rule(
                f"admin/{meta.app_label}/{meta.model_name}/<path:object_id>/",
                {"GET": _admin(302)},
                url=lambda pick, world, m=model: (
                    f"/admin/{m._meta.app_label}/{m._meta.model_name}/{_object_id(m)}/"
                ),
                **common,
            ),
        ]
        if hasattr(model_admin, "user_change_password"):  # django.contrib.auth's UserAdmin
            rules.append(
                Rule(
                    # Named after auth's own User model, whatever the user model is.
                    "admin:auth_user_password_change",
                    {"GET": _admin(on_object(view)), "POST": _admin(SKIP)},
                    url=obj_url("auth_user_password_change"),
                    **common,
                )
            )
        if hasattr(model_admin, "history_form_view"):  # django-simple-history's admin
            rules.append(
                Rule(
                    f"admin:{info}_simple_history",
                    {"GET": _admin(on_object(view))},
                    url=lambda pick, world, m=model, i=info: reverse(
                        f"admin:{i}_simple_history", args=_history_args(m)
                    ),
                    **common,
                )
            )
    return rules


def _view_on_site(pick, world) -> str:
    compound = pick("compound")
    content_type = ContentType.objects.get_for_model(compound)
    return reverse("admin:view_on_site", args=[content_type.pk, compound.pk])


ADMIN_SITE_RULES = [
    Rule("admin:index", {"GET": _admin(200)}, login="admin:login"),
    Rule(
        "admin:app_list",
        {"GET": _admin(200)},
        kwargs={"app_label": "programmes"},
        login="admin:login",
    ),
    # The login page itself: a signed-in non-superuser is told it may not enter.
    Rule(
        "admin:login",
        {"GET": expect(200, anon=200, ours_for={SU: 302}), "POST": expect(200, anon=200)},
        login="admin:login",
    ),
    # Anyone but a superuser is sent back to the admin (and from there to its login page); a
    # superuser logs out with a POST.
    Rule(
        "admin:logout",
        {"GET": _admin(405, others=302), "POST": _admin(LOGIN, others=302)},
        login="login",
        writes="always",
    ),
    Rule(
        "admin:password_change",
        {"GET": _admin(200), "POST": _admin(200)},
        login="admin:login",
    ),
    Rule("admin:password_change_done", {"GET": _admin(200)}, login="admin:login"),
    Rule(
        "admin:autocomplete",
        {"GET": _admin(200)},
        fixed_query={"app_label": "renovation", "model_name": "user", "field_name": "district"},
        login="admin:login",
    ),
    Rule("admin:jsi18n", {"GET": _admin(200)}, login="admin:login"),
    Rule("admin:view_on_site", {"GET": _admin(302)}, url=_view_on_site, login="admin:login"),
    Rule(
        "admin/(?P<url>.*)$",
        {"GET": _admin(404)},
        url=lambda pick, world: "/admin/no-such-page/",
        login="admin:login",
    ),
]


def all_rules() -> list[Rule]:
    return [*RULES, *admin_model_rules(), *ADMIN_SITE_RULES]


# --- The URL conf --------------------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    key: str
    route: str
    callback: Callable


def _walk(patterns, prefix: str = "", namespace: str | None = None):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            if entry.name:
                key = f"{namespace}:{entry.name}" if namespace else entry.name
            else:
                key = route
            yield Pattern(key, route, entry.callback), entry


def url_patterns() -> tuple[list[Pattern], list[Pattern]]:
    """Every pattern of the URL conf, and apart the format-suffix copies DRF adds to a route
    (`.json`, `.csv`): they reach the same view as their base route, which has the rule."""
    patterns, suffixed = [], []
    for pattern, entry in _walk(get_resolver().url_patterns):
        if "format" in entry.pattern.regex.groupindex:
            suffixed.append(pattern)
        else:
            patterns.append(pattern)
    return patterns, suffixed

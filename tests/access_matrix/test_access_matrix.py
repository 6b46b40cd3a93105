"""The access matrix: every URL pattern × every role × an object inside and outside the role's
scope × the methods that matter, each answering exactly the status its rule expects.

The patterns come from the URL conf, so a new URL without a rule (or an explicit exemption)
fails `test_every_pattern_has_a_rule`; the roles come from `User.Role`, so a new role without a
reader and a scope fails `test_every_role_has_a_reader_and_a_scope`. Besides the status, every
case checks that

- nothing was written, unless the rule allows a permitted request to write (a GET never does);
- a 302 to the login page goes to the right login page, and any other 302 does not;
- a 200 carries no compound of a record set outside the reader's scope, and no phone number the
  reader may not see (HTML, JSON, CSV and the sheets inside an XLSX).

The record sets are built once per module (tests/access_matrix/world.py) in a transaction that
is rolled back at the end; each case runs in a savepoint of its own.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import reverse

from .rules import (
    ADMIN_WITHOUT_RECORDS,
    DO,
    EXEMPT,
    PERSONAL,
    PUBLIC_PAGES,
    ROLE_USERS,
    ROLES,
    SIGNED_IN,
    SU,
    THEIRS,
    VISIBLE,
    Login,
    Rule,
    all_rules,
    url_patterns,
)
from .world import LEVELS, OWN, SETS, World, build_world, marker, phones

ALL_RULES = all_rules()
RULES = {rule.id: rule for rule in ALL_RULES}
SUCCESS = {200, 201, 204}
# Tables a request may write whatever it is: the session of the signed-in reader (a logout
# deletes it).
UNWATCHED_TABLES = {"django_session"}


@dataclass(frozen=True)
class Case:
    rule: str
    role: str
    side: str
    method: str

    @property
    def id(self) -> str:
        return f"{self.rule}|{self.role}|{self.side}|{self.method}"


CASES = [
    Case(rule.id, role, side, method)
    for rule in ALL_RULES
    for method in rule.methods
    for role in ROLES
    for side in rule.sides
    if rule.methods[method].status(role, side) is not None
]


# --- Fixtures ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def matrix(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world, a signed-in session per role and one test client, in a transaction rolled
    back at the end. One client for every case: its handler loads the middleware once (WhiteNoise
    reads the whole static tree when it starts)."""
    media = tmp_path_factory.mktemp("access-matrix-media")
    with (
        # The matrix sends hundreds of requests per key within a minute: no throttling here
        # (tests/api covers it).
        override_settings(MEDIA_ROOT=media, RENOVATION_API_RATES={}),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        world = build_world(ROLE_USERS)
        sessions = {}
        for role, user in world.users.items():
            if user is not None:
                login = Client()  # one each: signing in on a used session ends the earlier one
                login.force_login(user)
                sessions[role] = login.cookies[settings.SESSION_COOKIE_NAME].value
        yield world, sessions, Client()
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _media_root():
    """Overrides tests/conftest.py: the world's files live in the module's media directory."""


_baseline: dict[str, dict[str, int]] = {}


def fingerprint() -> dict[str, int]:
    """What the connection has written, per table. PostgreSQL counts every row inserted,
    updated or deleted in the transaction; elsewhere, rows per table (inserts and deletes, and
    updates of models that keep a history)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_xact_user_tables"
            )
        else:
            quote = connection.ops.quote_name
            tables = connection.introspection.table_names(cursor)
            cursor.execute(
                " UNION ALL ".join(f"SELECT '{t}', COUNT(*) FROM {quote(t)}" for t in tables)
            )
        return {table: count for table, count in cursor.fetchall() if table not in UNWATCHED_TABLES}


def _picker(world: World, role: str, side: str):
    def pick(name: str):
        level = LEVELS[name]
        if side in ("ours", "-"):
            return world.record(name, "A", role)
        set_key = "stranger" if level == OWN else THEIRS[role][level]
        return world.record(name, set_key, role)

    return pick


def _client(matrix, role: str, api: bool) -> tuple[Client, dict]:
    world, sessions, client = matrix
    client.cookies.clear()
    headers = {}
    if role in sessions:
        if api:
            headers["HTTP_AUTHORIZATION"] = f"Token {world.tokens[role]}"
        else:
            client.cookies[settings.SESSION_COOKIE_NAME] = sessions[role]
    return client, headers


def request(client: Client, method: str, url: str, rule: Rule, data: dict | None, headers):
    if method == "GET":
        return client.get(url, **headers)
    if rule.fmt == "json":
        return client.generic(
            method, url, json.dumps(data or {}), content_type="application/json", **headers
        )
    if method == "POST":
        return client.post(url, data or {}, **headers)  # multipart, as a browser form
    return client.generic(method, url, **headers)


def read(response) -> bytes:
    """The body; reading a streamed one to its end also closes it (and its file), as a WSGI
    server would."""
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def body_text(response, content: bytes) -> str:
    content_type = response.get("Content-Type", "")
    if content_type.startswith(("image/", "application/pdf")):
        return ""
    if content[:2] == b"PK":  # an XLSX: its sheets and shared strings
        with zipfile.ZipFile(io.BytesIO(content)) as book:
            content = b"".join(book.read(n) for n in book.namelist() if n.endswith(".xml"))
    return content.decode("utf-8", errors="replace")


def forbidden_texts(rule: Rule, role: str) -> list[str]:
    if role == SU:
        return []
    texts = []
    if rule.name not in PUBLIC_PAGES:
        for key in set(SETS) - VISIBLE[role]:
            texts += [marker(key), json.dumps(marker(key))[1:-1]]
    for key in set(SETS) - PERSONAL[role]:
        texts += list(phones(key))
    return texts


# --- The matrix ----------------------------------------------------------------------------


@pytest.mark.django_db  # each case in a savepoint of the module's transaction
@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_access(matrix, case):
    world = matrix[0]
    rule = RULES[case.rule]
    expected = rule.methods[case.method].status(case.role, case.side)
    pick = _picker(world, case.role, case.side)
    url = rule.path(pick, world)
    data = rule.body(pick, world) if rule.body else None
    client, headers = _client(matrix, case.role, api=url.startswith("/api/"))
    before = _baseline.pop("fingerprint", None) or fingerprint()

    response = request(client, case.method, url, rule, data, headers)

    content = read(response)
    status = response.status_code
    detail = f"{case.method} {url} as {case.role}: {status}, expected {expected!r}"
    if 300 <= status < 400:
        detail += f" → {response.get('Location')}"
    elif status != expected:
        detail += f": {content[:300].decode(errors='replace')}"
    assert status == expected, detail
    login_url = reverse(rule.login)
    if isinstance(expected, Login):
        assert response["Location"].startswith(login_url), detail
    elif status == 302:
        assert not response["Location"].startswith(login_url), detail
    may_write = rule.writes == "always" or (
        rule.writes
        and (expected in SUCCESS or (expected == 302 and not isinstance(expected, Login)))
    )
    after = fingerprint()
    if not may_write:
        assert after == before, f"{detail}: data changed"
    if status == 200:
        text = body_text(response, content)
        leaked = [t for t in forbidden_texts(rule, case.role) if t in text]
        assert not leaked, f"{detail}: the page shows {leaked}"
    if connection.vendor == "postgresql":
        # PostgreSQL's counters only grow (a rolled-back savepoint keeps them): what this case
        # ended with is the next case's starting point, one query saved per case.
        _baseline["fingerprint"] = after


# --- Meta-tests: the matrix covers the URL conf and the roles ------------------------------


def test_every_pattern_has_a_rule_or_an_exemption():
    patterns, _ = url_patterns()
    keys = {pattern.key for pattern in patterns}
    ruled = {rule.name for rule in ALL_RULES}
    missing = sorted(keys - ruled - set(EXEMPT))
    assert not missing, f"URL patterns without an access rule (add one in rules.py): {missing}"
    assert not ruled & set(EXEMPT), "a pattern is both ruled and exempted"


def test_every_rule_and_exemption_names_an_existing_pattern():
    patterns, _ = url_patterns()
    keys = {pattern.key for pattern in patterns}
    stale = sorted({rule.name for rule in ALL_RULES} - keys)
    assert not stale, f"rules for patterns that no longer exist: {stale}"
    assert not set(EXEMPT) - keys, f"stale exemptions: {sorted(set(EXEMPT) - keys)}"
    assert len(RULES) == len(ALL_RULES), "two rules share a pattern and a variant"


def test_pattern_keys_are_unique():
    """A key names one pattern, so that its rule means one thing (format-suffix copies of a
    DRF route are the only exception: they reach the same view)."""
    patterns, suffixed = url_patterns()
    keys = [pattern.key for pattern in patterns]
    duplicates = sorted({key for key in keys if keys.count(key) > 1})
    assert not duplicates, f"patterns sharing a name: {duplicates}"
    orphans = sorted({pattern.key for pattern in suffixed} - set(keys))
    assert not orphans, f"format-suffix routes without their base route: {orphans}"


def test_every_offered_api_method_is_in_the_matrix():
    """DRF routes say which methods they map: each must be tried by the pattern's rules."""
    patterns, _ = url_patterns()
    tried: dict[str, set[str]] = {}
    for rule in ALL_RULES:
        tried.setdefault(rule.name, set()).update(rule.methods)
    untried = {}
    for pattern in patterns:
        actions = getattr(pattern.callback, "actions", None)
        if actions and pattern.key not in EXEMPT:
            offered = {method.upper() for method in actions} - {"HEAD"}  # HEAD is a GET
            methods = offered - tried.get(pattern.key, set())
            if methods:
                untried[pattern.key] = sorted(methods)
    assert not untried, f"API methods no rule tries: {untried}"


def test_every_role_has_a_reader_and_a_scope():
    for role in SIGNED_IN:
        assert role in ROLE_USERS, f"role {role!r} has no reader in rules.ROLE_USERS"
    for table in (THEIRS, VISIBLE, PERSONAL):
        assert set(table) == set(ROLES), f"roles {set(ROLES) ^ set(table)} in {table}"


def test_every_expectation_covers_every_role():
    for rule in ALL_RULES:
        for method, expected in rule.methods.items():
            for side in (expected.ours, expected.theirs):
                assert set(side) == set(ROLES), (rule.id, method, set(ROLES) ^ set(side))
                assert all(s is None or 100 <= s < 600 for s in side.values()), rule.id


@pytest.mark.django_db
def test_the_world_has_what_the_rules_name(matrix):
    """Every record a rule names exists on both sides, and every model of the admin has a
    record for its object pages (unless listed, with the reason, as having none)."""
    from django.contrib import admin

    world = matrix[0]
    for rule in ALL_RULES:
        for name in filter(None, [rule.obj, *rule.query.values()]):
            assert name in LEVELS, (rule.id, name)
            for role in ROLES:
                for side in rule.sides:
                    assert _picker(world, role, side)(name) is not None
    empty = {
        model._meta.label
        for model in admin.site._registry
        if not model._default_manager.exists()
        and model._meta.app_label not in ADMIN_WITHOUT_RECORDS
        and model._meta.label_lower not in ADMIN_WITHOUT_RECORDS
    }
    assert not empty, f"admin models without a record in the world: {sorted(empty)}"
    registered = {m._meta.app_label for m in admin.site._registry} | {
        m._meta.label_lower for m in admin.site._registry
    }
    assert set(ADMIN_WITHOUT_RECORDS) <= registered, "stale ADMIN_WITHOUT_RECORDS entries"


@pytest.mark.django_db
def test_the_scopes_are_what_the_matrix_assumes(matrix):
    """Guards the rules: each reader's "theirs" record set really is outside its scope, and
    "ours" inside, by the registry's own rule (so a 404 in the matrix is about the page)."""
    from programmes.models import Compound

    world = matrix[0]
    for role, user in world.users.items():
        if user is None:
            continue
        visible = set(
            Compound.objects.visible_to(user).values_list("street__name", flat=True).distinct()
        )
        expected = {world.sets[key].street.name for key in VISIBLE[role]}
        assert visible == expected, role


@pytest.mark.django_db
def test_the_page_checks_find_what_they_look_for(matrix):
    """Guards the leak check: the markers and phone numbers it searches for do appear where
    the reader may see them (a district official sees both streets of its district and their
    committee members' phones), so their absence elsewhere means something."""
    world, sessions, client = matrix
    client.cookies.clear()
    client.cookies[settings.SESSION_COOKIE_NAME] = sessions[DO]
    listing = client.get(reverse("programmes:compound-list"))
    governance = client.get(reverse("governance:compound", args=[world.sets["B"].compound.pk]))
    ledger = client.get(reverse("reports:ledger-xlsx"))

    listing_text = body_text(listing, read(listing))
    assert marker("A") in listing_text
    assert marker("B") in listing_text
    assert marker("W") not in listing_text
    assert phones("B")[0] in body_text(governance, read(governance))
    assert marker("B") in body_text(ledger, read(ledger))  # inside the workbook's XML
    assert forbidden_texts(RULES["programmes:compound-list"], DO)  # W's and N's, at least

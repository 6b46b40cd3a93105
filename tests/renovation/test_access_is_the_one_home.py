"""renovation/access.py is the one home of every "who may" rule (issue 12, point 1): a scan of
the non-test code finds no role compared anywhere else, in a condition or in a query, but for
the few places that only describe a role, each listed below with its reason."""

from __future__ import annotations

import ast
from pathlib import Path

from renovation.models import User

ROOT = Path(__file__).resolve().parents[2]
ACCESS = "renovation/access.py"
ROLE_MEMBERS = frozenset(User.Role.names)
ROLE_VALUES = frozenset(User.Role.values)

# (module, a piece of the comparison's code): why it only describes a role.
DESCRIBES_A_ROLE = {
    ("renovation/models.py", "role="): "database constraints: the scope each role must store",
    ("renovation/models.py", "role__in="): "database constraint: the roles a province scope fits",
    (
        "renovation/people_services.py",
        "role == User.Role.STREET_OFFICER",
    ): "validates the role and scope pair an account is given (which scope the role stores)",
    (
        "renovation/people_services.py",
        "role == User.Role.API_CLIENT",
    ): "validates the role and scope pair an account is given (which scope the role stores)",
    (
        "renovation/people_services.py",
        "(locked.role, locked.district_id, locked.street_id) !=",
    ): "tells whether an account's role or scope changed (its keys are then revoked)",
    (
        "scripts/bench/accounts.py",
        "role=User.Role.",
    ): "the benchmark looks up its own accounts of each role to measure with",
    (
        "sampledata/synthetic/accounts.py",
        "user.role == User.Role.API_CLIENT",
    ): "synthetic data issues a key to the benchmark's API-client account",
}


def _names_a_role(node: ast.AST) -> bool:
    for sub in ast.walk(node):
        if isinstance(sub, ast.Attribute) and (sub.attr == "role" or sub.attr in ROLE_MEMBERS):
            return True
        if isinstance(sub, ast.Constant) and sub.value in ROLE_VALUES:
            return True
    return False


def role_checks(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, code) of each comparison that involves a user's role, and of each query that
    filters on one (`filter`, `exclude`, `get`, `Q` with role=...)."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare) and any(
            _names_a_role(operand) for operand in [node.left, *node.comparators]
        ):
            found.append((node.lineno, ast.unparse(node)))
        elif isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else ""
            name = name or (node.func.id if isinstance(node.func, ast.Name) else "")
            if name in {"filter", "exclude", "get", "Q"}:
                found.extend(
                    (node.lineno, ast.unparse(keyword))
                    for keyword in node.keywords
                    if keyword.arg and keyword.arg.split("__")[0] == "role"
                )
    return found


def _source_files() -> list[str]:
    """The project's own Python files: every top-level folder but the hidden ones (.venv,
    .git), tests and assets, without migrations."""
    skipped = {"tests", "artifacts", "node_modules", "static", "templates", "locale"}
    folders = [
        top
        for top in ROOT.iterdir()
        if top.is_dir() and not top.name.startswith(".") and top.name not in skipped
    ]
    paths = [*ROOT.glob("*.py"), *(path for top in folders for path in top.rglob("*.py"))]
    return sorted(
        path.relative_to(ROOT).as_posix() for path in paths if "migrations" not in path.parts
    )


def test_the_scan_finds_role_checks_in_conditions_and_queries():
    source = """
if user.role == user.Role.DISTRICT_OFFICIAL: pass
allowed = request.user.role in (User.Role.API_CLIENT, "auditor")
if kind != Role.AUDITOR: pass
User.objects.filter(role=User.Role.STREET_OFFICER)
Q(role__in=["auditor"])
if member.kind == CommitteeMember.Role.CHAIR: pass
"""
    assert [line for line, _ in role_checks(ast.parse(source))] == [2, 3, 4, 5, 6]


def test_access_holds_role_rules_and_the_scan_sees_them():
    tree = ast.parse((ROOT / ACCESS).read_text(encoding="utf-8"))
    assert len(role_checks(tree)) >= 8


def test_no_role_is_compared_outside_access():
    offenders, allowed_seen = [], set()
    for path in _source_files():
        if path == ACCESS:
            continue
        tree = ast.parse((ROOT / path).read_text(encoding="utf-8"), path)
        for line, code in role_checks(tree):
            allowed = [key for key in DESCRIBES_A_ROLE if key[0] == path and key[1] in code]
            if allowed:
                allowed_seen.update(allowed)
            else:
                offenders.append(f"{path}:{line}: {code}")
    assert offenders == [], "move the rule into renovation/access.py:\n" + "\n".join(offenders)
    # An allowance nothing needs any more is removed, not kept "just in case".
    assert set(DESCRIBES_A_ROLE) - allowed_seen == set()

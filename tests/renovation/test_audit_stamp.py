"""One place stamps who and why on a write (renovation/audit.py): what the stamp sets, that the
history row of the save or delete carries it, that admin never edits the audit columns, and a
scan of the code that finds no other module setting those attributes by hand."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.contrib import admin
from simple_history.utils import bulk_create_with_history

from programmes.models import Compound, YearTarget
from renovation.audit import REASON_MAX_LENGTH, stamp
from tests import factories

ROOT = Path(__file__).resolve().parents[2]
AUDIT_MODULE = Path("renovation/audit.py")

# Attributes and arguments that say who wrote a record and why.
AUDIT_ATTRIBUTES = frozenset(
    {
        "created_by",
        "created_by_id",
        "updated_by",
        "updated_by_id",
        "_history_user",
        "_change_reason",
    }
)
AUDIT_KEYWORDS = AUDIT_ATTRIBUTES | {"default_user", "default_change_reason"}

# Modules still stamping by hand, each with its reason.
NOT_YET_CONVERTED = {
    # Demo data builds records directly, not through the services.
    "sampledata/": "demo and synthetic data write their fixtures directly",
}


def _source_files() -> list[Path]:
    """The project's own Python files: every top-level folder but the hidden ones (.venv,
    .git), tests and assets, without migrations."""
    skipped = {"tests", "artifacts", "node_modules", "static", "templates", "locale"}
    folders = [
        top
        for top in ROOT.iterdir()
        if top.is_dir() and not top.name.startswith(".") and top.name not in skipped
    ]
    paths = [*ROOT.glob("*.py"), *(path for top in folders for path in top.rglob("*.py"))]
    return sorted(path.relative_to(ROOT) for path in paths if "migrations" not in path.parts)


def _hand_stamps(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, what) for every assignment of an audit attribute, `setattr` of one, and every
    call that passes one as a keyword (a constructor, `objects.create`, a bulk history call)."""
    found = []
    for node in ast.walk(tree):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AnnAssign | ast.AugAssign):
            targets = [node.target]
        for target in targets:
            for sub in ast.walk(target):
                if isinstance(sub, ast.Attribute) and sub.attr in AUDIT_ATTRIBUTES:
                    found.append((sub.lineno, f"assigns .{sub.attr}"))
        if not isinstance(node, ast.Call):
            continue
        if (
            isinstance(node.func, ast.Name)
            and node.func.id == "setattr"
            and len(node.args) > 1
            and isinstance(node.args[1], ast.Constant)
            and node.args[1].value in AUDIT_ATTRIBUTES
        ):
            found.append((node.lineno, f"setattr {node.args[1].value}"))
        for keyword in node.keywords:
            if keyword.arg in AUDIT_KEYWORDS:
                found.append((node.lineno, f"passes {keyword.arg}="))
            if keyword.arg == "defaults" and isinstance(keyword.value, ast.Dict):
                found.extend(
                    (node.lineno, f"defaults {key.value!r}")
                    for key in keyword.value.keys
                    if isinstance(key, ast.Constant) and key.value in AUDIT_ATTRIBUTES
                )
    return found


def test_the_scan_finds_every_way_of_stamping_by_hand():
    source = """
record.updated_by = by
record._history_user, other = by, 1
setattr(record, "_change_reason", "x")
Receipt(amount=1, created_by=by)
bulk_create_with_history(rows, Model, default_user=by)
Source.objects.get_or_create(name="x", defaults={"updated_by": by})
"""
    assert [line for line, _ in _hand_stamps(ast.parse(source))] == [2, 3, 4, 5, 6, 7]


def test_no_module_but_the_audit_helper_stamps_who_and_why_by_hand():
    offenders = []
    scanned = 0
    for path in _source_files():
        posix = path.as_posix()
        if path == AUDIT_MODULE or posix.startswith(tuple(NOT_YET_CONVERTED)):
            continue
        scanned += 1
        tree = ast.parse((ROOT / path).read_text(encoding="utf-8"), str(path))
        offenders += [f"{posix}:{line}: {what}" for line, what in _hand_stamps(tree)]
    assert scanned > 150
    assert offenders == [], "use renovation.audit.stamp:\n" + "\n".join(offenders)


def test_the_helper_itself_is_found_by_the_scan():
    """Guards the scan: the one module allowed to stamp is seen stamping."""
    tree = ast.parse((ROOT / AUDIT_MODULE).read_text(encoding="utf-8"))
    assert {what for _, what in _hand_stamps(tree)} >= {
        "assigns .created_by",
        "assigns .updated_by",
        "assigns ._history_user",
        "assigns ._change_reason",
    }


# --- What a stamp sets ---------------------------------------------------------------------


@pytest.mark.django_db
def test_a_new_record_names_its_creator_and_the_history_row_who_and_why(
    street_a, district_official
):
    compound = Compound(street=street_a, name="新华小区", households=10)

    columns = stamp(compound, by=district_official, reason="登记")
    compound.save()

    compound.refresh_from_db()
    assert (compound.created_by, compound.updated_by) == (district_official, district_official)
    row = compound.history.get()
    assert (row.history_type, row.history_user, row.history_change_reason) == (
        "+",
        district_official,
        "登记",
    )
    assert columns == ["created_by", "updated_by", "updated_at"]


@pytest.mark.django_db
def test_a_change_keeps_the_creator_and_names_who_changed_it(
    street_a, district_official, street_officer
):
    compound = factories.CompoundFactory(street=street_a, created_by=street_officer)
    compound.name = "新名称"

    columns = stamp(compound, by=district_official, reason="更名")
    compound.save(update_fields=["name", *columns])

    compound.refresh_from_db()
    assert (compound.created_by, compound.updated_by) == (street_officer, district_official)
    latest = compound.history.first()
    assert (latest.history_type, latest.history_user, latest.history_change_reason) == (
        "~",
        district_official,
        "更名",
    )
    assert columns == ["updated_by", "updated_at"]


@pytest.mark.django_db
def test_a_record_without_audit_columns_still_gets_who_and_why_in_its_history(
    programme, district_official
):
    target = YearTarget(programme=programme, year=2024, compounds=3, households=300)

    assert stamp(target, by=district_official, reason="目标") == []
    target.save()

    row = target.history.get()
    assert (row.history_user, row.history_change_reason) == (district_official, "目标")


@pytest.mark.django_db
def test_a_delete_is_stamped_too(programme, district_official):
    target = factories.YearTargetFactory(programme=programme)
    stamp(target, by=district_official, reason="删除")
    target.delete()

    row = YearTarget.history.filter(history_type="-").get()
    assert (row.history_user, row.history_change_reason) == (district_official, "删除")


@pytest.mark.django_db
def test_a_long_reason_is_cut_to_the_history_column_and_an_old_reason_is_not_reused(
    street_a, district_official
):
    compound = factories.CompoundFactory(street=street_a)
    stamp(compound, by=district_official, reason="原因" * 80)
    compound.save()
    assert compound.history.first().history_change_reason == ("原因" * 80)[:REASON_MAX_LENGTH]

    stamp(compound, by=district_official)  # the next write gives no reason
    compound.save()
    assert compound.history.first().history_change_reason is None


@pytest.mark.django_db
def test_no_user_is_named_when_nobody_signed_in_wrote(street_a, district_official):
    compound = factories.CompoundFactory(street=street_a, created_by=district_official)
    stamp(compound, by=None, reason="居民留言")
    compound.save()

    latest = compound.history.first()
    assert latest.history_user is None
    compound.refresh_from_db()
    assert compound.updated_by is None
    assert compound.created_by == district_official


@pytest.mark.django_db
def test_stamped_records_written_in_bulk_carry_who_and_why(street_a, district_official):
    compounds = [Compound(street=street_a, name=f"小区{n}", households=5) for n in range(3)]
    for compound in compounds:
        stamp(compound, by=district_official, reason="普查导入")

    bulk_create_with_history(compounds, Compound)

    rows = Compound.history.filter(name__startswith="小区")
    assert rows.count() == 3
    assert {(r.history_user_id, r.history_change_reason) for r in rows} == {
        (district_official.pk, "普查导入")
    }
    assert set(
        Compound.objects.filter(name__startswith="小区").values_list("created_by", flat=True)
    ) == {district_official.pk}


# --- Admin never edits the audit columns ---------------------------------------------------


@pytest.mark.django_db
def test_no_admin_form_edits_who_created_or_changed_a_record(rf):
    request = rf.get("/")
    request.user = factories.UserFactory(is_superuser=True, is_staff=True)
    audited = 0
    for model, model_admin in admin.site._registry.items():
        columns = {"created_by", "updated_by"} & {f.name for f in model._meta.concrete_fields}
        if not columns:
            continue
        audited += 1
        if not (
            model_admin.has_change_permission(request) or model_admin.has_add_permission(request)
        ):
            continue  # read-only: nothing is edited
        form = model_admin.get_form(request)
        assert not columns & set(form.base_fields), model
    assert audited >= 20

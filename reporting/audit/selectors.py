"""The audit trail: every change django-simple-history kept, for the records in a user's scope.

Each domain model has its own history table. The trail is one SQL UNION over those tables
(each part restricted with the model's own scope paths, the rule of renovation.access), ordered
by time and paginated in the database; the rows of one page are then read with their previous
version, two queries per kind of record on the page. So a page costs the same number of
queries whatever the size of the history.

Residents' personal data (a committee member's name and phone) is masked for everyone but
platform administrators, as in exports: an auditor checks who changed what, not whom to call.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db import models
from django.db.models import CharField, OuterRef, Q, QuerySet, Subquery, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.masking import mask_name, mask_phone
from renovation.access import NOTHING, province_path, scope_q

if TYPE_CHECKING:
    from renovation.models import User

AUDITED_APPS = ("renovation", "programmes", "funding", "governance")

# History rows of models whose queryset has no scope paths of its own: the path from the
# historical row to its street, district and city (None where the record sits above it).
EXTRA_SCOPE_PATHS: dict[str, dict[str, str | None]] = {
    "programmes.yeartarget": {
        "street": None,
        "district": "programme__district",
        "city": "programme__district__city",
    },
    "programmes.batch": {
        "street": None,
        "district": "programme__district",
        "city": "programme__district__city",
    },
    "programmes.acceptancerecord": {
        "street": "project__compound__street",
        "district": "project__compound__street__district",
        "city": "project__compound__street__district__city",
    },
    "programmes.progressreportline": {
        "street": "report__project__compound__street",
        "district": "report__project__compound__street__district",
        "city": "report__project__compound__street__district__city",
    },
    "funding.contributionrule": {
        "street": None,
        "district": "programme__district",
        "city": "programme__district__city",
    },
    "governance.voteruleset": {"street": None, "district": None, "city": "city"},
    # People and API keys: where the account sat when it changed (stamped on its history row),
    # and where a key was issued.
    "renovation.user": {"street": "street", "district": "scope_district", "city": "scope_city"},
    "renovation.apikey": {"street": None, "district": "district", "city": "city"},
    "governance.voterule": {"street": None, "district": None, "city": "rule_set__city"},
}

# Personal data kept in history rows: field name -> mask.
PERSONAL_FIELDS = {
    "governance.committeemember": {"name": mask_name, "phone": mask_phone},
}

# Bookkeeping that changes on every save and says nothing to a reader of the audit trail.
NOISE = frozenset({"created_at", "updated_at", "created_by", "updated_by", "version"})
LABEL_FIELDS = ("title", "name", "code", "username")


@dataclass(frozen=True)
class AuditedModel:
    key: str  # "app_label.modelname"
    model: type[models.Model]
    # django-simple-history builds each historical model when the app loads: its fields
    # (history_id, history_date, the tracked columns) are unknown to the type checker.
    history: type[Any]
    paths: dict[str, str | None]

    @property
    def label(self) -> str:
        return str(self.model._meta.verbose_name)


@cache
def audited_models() -> dict[str, AuditedModel]:
    """Every model of the domain apps that keeps a history, by key, in app and name order."""
    found = {}
    for app_label in AUDITED_APPS:
        for model in apps.get_app_config(app_label).get_models():
            history = getattr(model, "history", None)
            if history is None or not hasattr(history, "model"):
                continue
            key = model._meta.label_lower
            paths = EXTRA_SCOPE_PATHS.get(key) or getattr(
                model._default_manager.get_queryset(), "scope_paths", None
            )
            if paths is None:
                continue  # unscoped data (catalogues): not part of any scope's trail
            paths = {**paths, "province": province_path(paths)}
            # On a history row "pk" is the history id: the record's own id is "id".
            paths = {level: ("id" if path == "" else path) for level, path in paths.items()}
            found[key] = AuditedModel(key=key, model=model, history=history.model, paths=paths)
    return found


def model_choices() -> list[tuple[str, str]]:
    return sorted(((m.key, m.label) for m in audited_models().values()), key=lambda c: c[1])


@dataclass
class AuditFilters:
    model: str = ""
    username: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    def q(self) -> Q:
        condition = Q()
        if self.username:
            condition &= Q(history_user__username__iexact=self.username)
        zone = timezone.get_current_timezone()
        if self.date_from:
            start = dt.datetime.combine(self.date_from, dt.time.min, tzinfo=zone)
            condition &= Q(history_date__gte=start)
        if self.date_to:
            end = dt.datetime.combine(self.date_to + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
            condition &= Q(history_date__lt=end)
        return condition


def audit_trail(*, user: User, filters: AuditFilters | None = None) -> QuerySet:
    """History rows in the user's scope, newest first, as (history_id, history_date, audit_kind)
    values: one UNION ALL query, sliced by the paginator."""
    filters = filters or AuditFilters()
    parts = []
    for key, audited in audited_models().items():
        if filters.model and key != filters.model:
            continue
        scope = scope_q(user, audited.paths)
        if scope == NOTHING:
            continue
        parts.append(
            audited.history._default_manager.filter(scope, filters.q())
            .annotate(audit_kind=Value(key, output_field=CharField()))
            .values("history_id", "history_date", "audit_kind")
            .order_by()
        )
    if not parts:
        first = next(iter(audited_models().values()))
        return first.history._default_manager.none().values("history_id", "history_date")
    trail = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    return trail.order_by("-history_date", "-history_id")


@dataclass
class AuditEntry:
    when: dt.datetime
    who: str
    kind: str
    kind_label: str
    object_id: int
    record: str
    action: str
    changes: list[str] = field(default_factory=list)
    reason: str = ""


def _display(model_field, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return str(value)


def _masked(key: str, name: str, value: Any, personal: bool) -> Any:
    mask = PERSONAL_FIELDS.get(key, {}).get(name)
    if mask is None or personal or value in (None, ""):
        return value
    return mask(str(value))


def _label(audited: AuditedModel, row, personal: bool) -> str:
    for name in LABEL_FIELDS:
        value = getattr(row, name, None)
        if value:
            return f"{_masked(audited.key, name, value, personal)} (#{row.id})"
    return f"#{row.id}"


def _changes(audited: AuditedModel, newer, older, personal: bool) -> list[str]:
    if older is None:
        return []
    changes = []
    # Field by field rather than with diff_against, which skips non-editable fields and so
    # would hide what services own (stage, status, version-stamped decisions).
    for model_field in newer.tracked_fields:
        if model_field.name in NOISE:
            continue
        old = getattr(older, model_field.attname)
        new = getattr(newer, model_field.attname)
        if old == new:
            continue
        old = _masked(audited.key, model_field.name, old, personal)
        new = _masked(audited.key, model_field.name, new, personal)
        changes.append(
            f"{model_field.verbose_name}: {_display(model_field, old)} → "
            f"{_display(model_field, new)}"
        )
    return changes


def audit_entries(*, user: User, rows: list[dict]) -> list[AuditEntry]:
    """The entries of one page of `audit_trail`, with field-level changes against each
    record's previous version: two queries per kind of record on the page."""
    personal = bool(user.is_superuser)
    registry = audited_models()
    ids_by_kind: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        ids_by_kind[row["audit_kind"]].append(row["history_id"])
    loaded: dict[tuple[str, int], tuple[Any, Any]] = {}
    for kind, ids in ids_by_kind.items():
        history = registry[kind].history
        newer_first = Q(history_date__lt=OuterRef("history_date")) | Q(
            history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id")
        )
        previous = (
            history._default_manager.filter(newer_first, id=OuterRef("id"))
            .order_by("-history_date", "-history_id")
            .values("history_id")[:1]
        )
        current = list(
            history._default_manager.filter(history_id__in=ids)
            .select_related("history_user")
            .annotate(previous_history_id=Subquery(previous))
        )
        previous_ids = [r.previous_history_id for r in current if r.previous_history_id]
        older = {
            r.history_id: r for r in history._default_manager.filter(history_id__in=previous_ids)
        }
        for record in current:
            loaded[(kind, record.history_id)] = (record, older.get(record.previous_history_id))
    entries = []
    for row in rows:
        pair = loaded.get((row["audit_kind"], row["history_id"]))
        if pair is None:
            continue
        record, older = pair
        audited = registry[row["audit_kind"]]
        entries.append(
            AuditEntry(
                when=record.history_date,
                who=record.history_user.username if record.history_user else "",
                kind=audited.key,
                kind_label=audited.label,
                object_id=record.id,
                record=_label(audited, record, personal),
                action=record.get_history_type_display(),
                changes=_changes(audited, record, older, personal),
                reason=record.history_change_reason or "",
            )
        )
    return entries

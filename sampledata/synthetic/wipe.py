"""Recognising synthetic data and removing it (`--replace`).

Synthetic provinces, cities and districts have registry codes starting with `SYN`. The generator
only runs on a database whose registry holds nothing else, so replacing means emptying every
table of the registry, programme, funding and governance apps (TRUNCATE on PostgreSQL, DELETE
elsewhere) and the statistics snapshots, keeping the work-type catalogue and the national vote
rule sets of the migrations, deleting the cities' own rule sets and every user with a geographic
scope with the API keys held by them or issued in the geography (their scope is gone: the
benchmark accounts are created again). Users without a scope, the
system user among them, are kept. The geography itself is deleted rather than truncated, since
users and vote rule sets refer to it.
"""

from __future__ import annotations

from django.apps import apps
from django.db import connection
from django.db.models import Q

from governance.models import VoteRule, VoteRuleSet
from programmes.models import Province

from .common import CODE_PREFIX

KEEP = {
    "programmes.WorkType",
    "governance.VoteRuleSet",
    "governance.VoteRule",
    "governance.HistoricalVoteRuleSet",
    "governance.HistoricalVoteRule",
}
GEOGRAPHY = (
    "programmes.Area",
    "programmes.Community",
    "programmes.Street",
    "programmes.District",
    "programmes.City",
    "programmes.Province",
)
SNAPSHOTS = ("reporting.ScopeSnapshot", "renovation.DirtyScope", "reporting.RollupRun")


def synthetic_provinces() -> int:
    return Province.objects.filter(code__startswith=CODE_PREFIX).count()


def other_provinces() -> int:
    return Province.objects.exclude(code__startswith=CODE_PREFIX).count()


def _empty(labels: list[str], *, truncate: bool = True) -> None:
    db_tables = [apps.get_model(label)._meta.db_table for label in labels]
    with connection.cursor() as cursor:
        if truncate and connection.vendor == "postgresql":
            cursor.execute("TRUNCATE " + ", ".join(connection.ops.quote_name(t) for t in db_tables))
        else:
            for table in db_tables:
                # Table names from model metadata, quoted.
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")  # nosec B608


def wipe() -> None:
    """Remove all synthetic data (the caller has checked that nothing else is in the registry)."""
    from django.contrib.auth import get_user_model

    domain = [
        model._meta.label
        for app in ("programmes", "funding", "governance")
        for model in apps.get_app_config(app).get_models()
        if model._meta.label not in KEEP and model._meta.label not in GEOGRAPHY
    ]
    _empty([*domain, *SNAPSHOTS])
    VoteRule.objects.filter(rule_set__city__isnull=False).delete()
    VoteRuleSet.objects.filter(city__isnull=False).delete()
    from renovation.api_keys import ApiKey

    scoped = get_user_model().objects.filter(
        Q(province__isnull=False)
        | Q(city__isnull=False)
        | Q(district__isnull=False)
        | Q(street__isnull=False)
    )
    # Keys name their holder and where they were issued: they go with them.
    ApiKey.objects.filter(
        Q(owner__in=scoped) | Q(district__isnull=False) | Q(city__isnull=False)
    ).delete()
    scoped.delete()
    # Users and the vote rule sets reference the geography, so it is deleted, not truncated
    # (TRUNCATE would have to CASCADE into them).
    _empty(list(GEOGRAPHY), truncate=False)

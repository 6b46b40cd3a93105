"""Which statistics scopes a change in programmes counts in (see renovation.stale)."""

from __future__ import annotations

from collections.abc import Iterable

from renovation.models import ScopeKind
from renovation.stale import mark_stale

from .models import Compound, Programme, Project, Street


def _ids(values: Iterable[int | None]) -> set[int]:
    return {pk for pk in values if pk is not None}


def scopes_of(
    *,
    project_ids: Iterable[int | None] = (),
    programme_ids: Iterable[int | None] = (),
    compound_ids: Iterable[int | None] = (),
    street_ids: Iterable[int | None] = (),
    area_ids: Iterable[int | None] = (),
) -> set[tuple[str, int]]:
    """The street, area, district and programme scopes these records count in (a few
    queries). City and national figures follow their districts."""
    scopes: set[tuple[str, int]] = {(ScopeKind.AREA, pk) for pk in _ids(area_ids)}
    if projects := _ids(project_ids):
        for programme, street, district, area in Project.objects.filter(
            pk__in=projects
        ).values_list(
            "programme_id", "compound__street_id", "compound__street__district_id", "compound__area"
        ):
            scopes |= {
                (ScopeKind.PROGRAMME, programme),
                (ScopeKind.STREET, street),
                (ScopeKind.DISTRICT, district),
            }
            if area is not None:
                scopes.add((ScopeKind.AREA, area))
    if programmes := _ids(programme_ids):
        for programme, district in Programme.objects.filter(pk__in=programmes).values_list(
            "pk", "district_id"
        ):
            scopes |= {(ScopeKind.PROGRAMME, programme), (ScopeKind.DISTRICT, district)}
    if compounds := _ids(compound_ids):
        for street, district, area in Compound.objects.filter(pk__in=compounds).values_list(
            "street_id", "street__district_id", "area_id"
        ):
            scopes |= {(ScopeKind.STREET, street), (ScopeKind.DISTRICT, district)}
            if area is not None:
                scopes.add((ScopeKind.AREA, area))
    if streets := _ids(street_ids):
        for street, district in Street.objects.filter(pk__in=streets).values_list(
            "pk", "district_id"
        ):
            scopes |= {(ScopeKind.STREET, street), (ScopeKind.DISTRICT, district)}
    return scopes


def mark_dirty(
    *,
    project_ids: Iterable[int | None] = (),
    programme_ids: Iterable[int | None] = (),
    compound_ids: Iterable[int | None] = (),
    street_ids: Iterable[int | None] = (),
    area_ids: Iterable[int | None] = (),
) -> None:
    """Mark the scopes these records count in dirty, in the caller's transaction."""
    mark_stale(
        scopes_of(
            project_ids=project_ids,
            programme_ids=programme_ids,
            compound_ids=compound_ids,
            street_ids=street_ids,
            area_ids=area_ids,
        )
    )

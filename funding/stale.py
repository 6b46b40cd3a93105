"""Which statistics scopes a change in funding counts in (see renovation.stale)."""

from __future__ import annotations

from collections.abc import Iterable

from programmes import stale as programmes_stale
from renovation.stale import mark_stale

from .models import Allocation, Commitment


def mark_dirty(
    *,
    commitment_ids: Iterable[int | None] = (),
    project_ids: Iterable[int | None] = (),
    programme_ids: Iterable[int | None] = (),
    compound_ids: Iterable[int | None] = (),
    street_ids: Iterable[int | None] = (),
    area_ids: Iterable[int | None] = (),
) -> None:
    """Programme money counts in the programme and its district; project money and the
    allocated parts of programme money also in the projects' streets and areas."""
    programmes, projects = set(programme_ids), set(project_ids)
    if commitments := {pk for pk in commitment_ids if pk is not None}:
        for programme, project in Commitment.objects.filter(pk__in=commitments).values_list(
            "programme_id", "project_id"
        ):
            programmes.add(programme)
            projects.add(project)
        projects |= set(
            Allocation.objects.filter(commitment__in=commitments).values_list(
                "project_id", flat=True
            )
        )
    mark_stale(
        programmes_stale.scopes_of(
            project_ids=projects,
            programme_ids=programmes,
            compound_ids=compound_ids,
            street_ids=street_ids,
            area_ids=area_ids,
        )
    )

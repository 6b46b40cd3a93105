"""Where rows belong: from each model of programmes to each kind of scope (the sources of the
figures in counts.py; funding and governance reach a compound or a project the same way)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from renovation.figures import Source

COMPOUND_PATHS: dict[str, str | None] = {
    "street": "street",
    "area": "area",
    "district": "street__district",
    "city": "street__district__city",
    "province": "street__district__city__province",
    "all": None,
}


def through(prefix: str, paths: Mapping[str, str | None] = COMPOUND_PATHS) -> dict[str, Any]:
    """The paths of `paths` seen from a model that reaches a compound through `prefix`."""
    return {kind: None if path is None else prefix + path for kind, path in paths.items()}


PROJECT_PATHS = {**through("compound__"), "programme": "programme"}
# Rows that belong to a project (work items, site problems, surveys ...).
PROJECT_ROW_PATHS = through("project__", PROJECT_PATHS)

COMPOUNDS_BY_STAGE = {"stage": "current_project__stage"}
# A programme's compounds are those of its projects (one per compound), by the project's stage.
COMPOUND = (
    Source("programmes.Compound", COMPOUND_PATHS, breakdowns=COMPOUNDS_BY_STAGE),
    Source(
        "programmes.Project",
        {"programme": "programme"},
        prefix="compound__",
        breakdowns={"stage": "stage"},
    ),
)
PROJECT = (Source("programmes.Project", PROJECT_PATHS, breakdowns={"stage": "stage"}),)
TARGET = (
    Source(
        "programmes.YearTarget",
        {
            "district": "programme__district",
            "programme": "programme",
            "city": "programme__district__city",
            "province": "programme__district__city__province",
            "all": None,
        },
    ),
    # A street or an area has the share of a programme's target the programme gave it.
    Source("programmes.LocalTarget", {"street": "street", "area": "area"}),
)
PROBLEM = (Source("programmes.SiteProblem", PROJECT_ROW_PATHS),)
WORK = (
    Source("programmes.WorkItem", PROJECT_ROW_PATHS, breakdowns={"work_type": "work_type__code"}),
)

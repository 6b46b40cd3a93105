"""Set-up writes of projects: a compound's project in a programme, and changes to its set-up
(programme, batch, plan year, categories, total investment, contractor, supervisor, designer,
planned dates). Same conventions as `setup_services`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from programmes import stale
from renovation.audit import stamp
from renovation.validation import checked

from .models import (
    Batch,
    Category,
    Compound,
    Programme,
    Project,
    Stage,
    compound_current_project_refresh,
)
from .setup_services import Errors, _check_version, _dates, _money, _require_district, _text

if TYPE_CHECKING:
    from renovation.models import User

# --- Projects ------------------------------------------------------------------------------

PROJECT_FIELDS = (
    "programme",
    "compound",
    "batch",
    "year",
    "name",
    "categories",
    "budget",
    "contractor",
    "supervisor",
    "designer",
    "planned_start",
    "planned_end",
)


def _validate_project(
    project: Project,
    categories: Iterable[str] | None,
    errors: Errors,
    *,
    year: int | None,
    budget: Decimal | None,
) -> None:
    """Every field's error; `year` and `budget` are checked before they reach a new record."""
    programme, compound = project.programme, project.compound
    if compound.street.district_id != programme.district_id:
        errors.add("compound", _("The compound is not in the programme's district."))
    if year is None or not programme.start_year <= year <= programme.end_year:
        errors.add(
            "year",
            _("Choose a year of the programme (%(first)s–%(last)s).")
            % {"first": programme.start_year, "last": programme.end_year},
        )
    if project.batch is not None and project.batch.programme_id != programme.pk:
        errors.add("batch", _("Choose a batch of this programme."))
    if categories is not None:
        values = list(categories)
        stored = Category.join(values)
        if not stored or len(set(values)) != len(stored.split(",")):
            errors.add("categories", _("Choose one or more of basic, improvement, enhancement."))
        else:
            project.categories = stored
            project.category = stored.split(",")[0]
    _money(errors, "budget", budget)
    for field, limit in (
        ("name", 160),
        ("contractor", 160),
        ("supervisor", 160),
        ("designer", 160),
    ):
        value = _text(getattr(project, field))
        setattr(project, field, value)
        if len(value) > limit:
            errors.add(field, _("Write at most %(n)s characters.") % {"n": limit})
    _dates(errors, project.planned_start, project.planned_end)
    if (
        "compound" not in errors
        and Project.objects.filter(programme=programme, compound=compound)
        .exclude(pk=project.pk)
        .exists()
    ):
        errors.add(
            "compound", _("This compound already has a project in this programme (一院一策).")
        )


@transaction.atomic
def project_create(
    *,
    by: User,
    programme: Programme,
    compound: Compound,
    year: int | None,
    categories: Iterable[str],
    budget: Decimal | None = Decimal("0"),
    batch: Batch | None = None,
    name: str = "",
    contractor: str = "",
    supervisor: str = "",
    designer: str = "",
    planned_start: dt.date | None = None,
    planned_end: dt.date | None = None,
) -> Project:
    """A compound's project in a programme (one per compound and programme), at 摸排."""
    _require_district(by, programme.district_id)
    project = Project(
        programme=programme,
        compound=compound,
        batch=batch,
        name=name,
        contractor=contractor,
        supervisor=supervisor,
        designer=designer,
        planned_start=planned_start,
        planned_end=planned_end,
    )
    errors = Errors()
    _validate_project(project, categories, errors, year=year, budget=budget)
    errors.raise_if_any()
    project.year, project.budget = checked(year), checked(budget)
    stamp(project, by=by, reason=_("Project created"))
    try:
        with transaction.atomic():
            project.save()
    except IntegrityError:
        raise ValidationError(
            {"compound": [_("This compound already has a project in this programme (一院一策).")]}
        ) from None
    stale.mark_dirty(project_ids=[project.pk], programme_ids=[programme.pk])
    return project


@transaction.atomic
def project_update(
    *, project: Project, by: User, version: int | None, reason: str = "", **changes: Any
) -> Project:
    """Change a project's set-up (not its stage: stages change through their gates). The
    programme and compound change only before construction, within the same district."""
    _require_district(by, project.programme.district_id)
    locked = (
        Project.objects.select_for_update()
        .select_related("programme", "compound__street")
        .get(pk=project.pk)
    )
    _check_version(locked.version, version)
    unknown = set(changes) - set(PROJECT_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown field: %(name)s.") % {"name": ", ".join(sorted(unknown))})
    errors = Errors()
    old_compound, old_programme = locked.compound_id, locked.programme_id
    categories = changes.pop("categories", None)
    for field, value in changes.items():
        setattr(locked, field, value)
    moved = locked.compound_id != old_compound or locked.programme_id != old_programme
    if moved and Stage.order(locked.stage) >= Stage.order(Stage.CONSTRUCTION):
        errors.add(
            "compound",
            _("The compound and programme of a project change only before construction."),
        )
    if locked.programme.district_id != project.programme.district_id:
        errors.add("programme", _("Choose a programme of the same district."))
    _validate_project(locked, categories, errors, year=locked.year, budget=locked.budget)
    errors.raise_if_any()
    locked.version += 1
    stamp(locked, by=by, reason=_text(reason) or _("Project set-up changed"))
    locked.save()
    stale.mark_dirty(
        project_ids=[locked.pk],
        compound_ids=[old_compound, locked.compound_id],
        programme_ids=[old_programme, locked.programme_id],
    )
    if locked.compound_id != old_compound:
        compound_current_project_refresh(compound_ids=[old_compound])
    return locked

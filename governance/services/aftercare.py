"""After the works: satisfaction, long-term management, fund collection."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from programmes import stale
from programmes.models import Compound, Project, Stage
from renovation.audit import stamp
from renovation.errors import ConflictError
from renovation.validation import (
    PLAN_YEARS_AHEAD,
    checked,
    date_range_errors,
)

from ..models import (
    FundCollection,
    LongTermManagement,
    OwnerVote,
    SatisfactionSurvey,
)

if TYPE_CHECKING:
    from renovation.models import User

from ._common import CENT, _not_in_future, _project_of, _require_street, _text

# --- After the works -----------------------------------------------------------------------


@transaction.atomic
def satisfaction_record(
    *,
    project: Project,
    by: User,
    held_on: dt.date | None,
    respondents: int | None,
    satisfied: int | None,
    dissatisfied: int | None = 0,
    notes: str = "",
) -> SatisfactionSurvey:
    _require_street(by, project.compound)
    errors: dict[str, list[str]] = {}
    if Stage.order(project.stage) < Stage.order(Stage.ACCEPTED):
        raise ValidationError(
            _(
                "Satisfaction is evaluated after the completion acceptance; the project is at "
                "“%(stage)s”."
            )
            % {"stage": project.get_stage_display()}
        )
    _not_in_future(errors, "held_on", held_on, _("The evaluation date"))
    acceptance = getattr(project, "acceptance", None)
    if held_on and acceptance is not None and held_on < acceptance.accepted_on:
        errors.setdefault("held_on", []).append(
            _("The evaluation cannot be before the acceptance on %(date)s.")
            % {"date": acceptance.accepted_on}
        )
    if not respondents or respondents < 1:
        errors["respondents"] = [_("Enter how many residents answered (at least one).")]
    if satisfied is None or satisfied < 0:
        errors["satisfied"] = [_("Enter a whole number, zero or more.")]
    if dissatisfied is None or dissatisfied < 0:
        errors["dissatisfied"] = [_("Enter a whole number, zero or more.")]
    if errors:
        raise ValidationError(errors)
    respondents, satisfied = checked(respondents), checked(satisfied)
    dissatisfied = checked(dissatisfied)
    if satisfied + dissatisfied > respondents:
        raise ValidationError(
            {"satisfied": [_("Satisfied and dissatisfied are more than the respondents.")]}
        )
    survey = SatisfactionSurvey(
        project=project,
        held_on=checked(held_on),
        respondents=respondents,
        satisfied=satisfied,
        dissatisfied=dissatisfied,
        notes=_text(notes),
    )
    stamp(survey, by=by)
    survey.save()
    stale.mark_dirty(project_ids=[survey.project_id])
    return survey


@transaction.atomic
def long_term_management_record(
    *,
    compound: Compound,
    by: User,
    mode: str,
    fee_per_m2: Decimal | None,
    starts_on: dt.date | None,
    provider: str = "",
    project: Project | None = None,
    decided_by: OwnerVote | None = None,
    notes: str = "",
) -> LongTermManagement:
    _require_street(by, compound)
    project = _project_of(compound, project)
    errors: dict[str, list[str]] = {}
    if mode not in LongTermManagement.Mode.values:
        errors["mode"] = [_("Choose the management mode.")]
    if fee_per_m2 is None or fee_per_m2 < 0 or fee_per_m2 != fee_per_m2.quantize(CENT):
        errors["fee_per_m2"] = [_("Enter the fee in yuan per m², zero or more.")]
    if starts_on is None:
        errors["starts_on"] = [
            _("Enter the date."),
        ]
    date_range_errors(errors, "starts_on", starts_on, years_ahead=PLAN_YEARS_AHEAD)
    if decided_by is not None and decided_by.compound_id != compound.pk:
        errors["decided_by"] = [_("The vote belongs to another compound.")]
    if errors:
        raise ValidationError(errors)
    arrangement = LongTermManagement(
        compound=compound,
        project=project,
        mode=mode,
        provider=_text(provider)[:160],
        fee_per_m2=checked(fee_per_m2),
        starts_on=checked(starts_on),
        decided_by=decided_by,
        notes=_text(notes),
    )
    stamp(arrangement, by=by)
    arrangement.save()
    stale.mark_dirty(compound_ids=[arrangement.compound_id])
    return arrangement


@transaction.atomic
def fund_collection_record(
    *,
    project: Project,
    by: User,
    as_of: dt.date | None,
    households_expected: int | None,
    households_paid: int | None,
    amount_expected: Decimal | None,
    amount_collected: Decimal | None,
    standard: str = "",
    version: int | None = None,
) -> FundCollection:
    """Create or update the project's maintenance-fund collection figures."""
    _require_street(by, project.compound)
    existing = FundCollection.objects.select_for_update().filter(project=project).first()
    if existing is not None and (version is None or existing.version != version):
        raise ConflictError()
    if existing is None and version is not None:
        raise ConflictError()
    errors: dict[str, list[str]] = {}
    _not_in_future(errors, "as_of", as_of, _("The date"))
    if not households_expected or households_expected < 1:
        errors["households_expected"] = [_("Enter how many households should pay (at least one).")]
    if households_paid is None or households_paid < 0:
        errors["households_paid"] = [_("Enter a whole number, zero or more.")]
    for key, value in (
        ("amount_expected", amount_expected),
        ("amount_collected", amount_collected),
    ):
        if value is None or value < 0 or value != value.quantize(CENT):
            errors[key] = [_("Enter an amount in yuan, zero or more, two decimals at most.")]
    if errors:
        raise ValidationError(errors)
    households_expected, households_paid = checked(households_expected), checked(households_paid)
    if households_paid > households_expected:
        raise ValidationError(
            {"households_paid": [_("More households paid than were expected to.")]}
        )
    record = existing or FundCollection(project=project)
    record.as_of = checked(as_of)
    record.standard = _text(standard)[:64]
    record.households_expected = households_expected
    record.households_paid = households_paid
    record.amount_expected = checked(amount_expected)
    record.amount_collected = checked(amount_collected)
    if existing is not None:
        record.version += 1
    stamp(record, by=by)
    record.save()
    stale.mark_dirty(project_ids=[record.project_id])
    return record

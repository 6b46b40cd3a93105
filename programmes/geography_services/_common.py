"""What the geography writes share: the role check, audit stamp, validation, names and locks."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from renovation.access import can_set_up_geography, require
from renovation.errors import ConflictError

if TYPE_CHECKING:
    from renovation.models import User


def _require(by: User, district_id: int) -> None:
    require(
        can_set_up_geography(by, district_id),
        _("Streets, areas and compounds are set up by the district's officials."),
    )


def _stamp(record: models.Model, *, by: User, reason: str) -> None:
    if hasattr(record, "updated_by"):
        record.updated_by = by
        if record.pk is None:
            record.created_by = by
    record._history_user = by
    record._change_reason = reason[:100]


def _clean(record: models.Model, exclude: Iterable[str] = ()) -> None:
    """The model's own rules (lengths, ranges, unique names) with its translated messages."""
    try:
        record.full_clean(exclude=[*exclude, "created_by", "updated_by", "current_project"])
    except ValidationError as error:
        raise ValidationError(error.message_dict) from None


def _name(value: str, field: str = "name") -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: _("Enter a name.")})
    return value


def _check_version(record: models.Model, version: int | None) -> None:
    if version is not None and record.version != version:
        raise ConflictError()


def _locked(model: type[models.Model], pk: int) -> Any:
    """The row, locked; a row deleted meanwhile (a merged compound) is a conflict."""
    record = model.objects.select_for_update().filter(pk=pk).first()
    if record is None:
        raise ConflictError(
            _(
                "This record no longer exists (merged into another or deleted) since you opened "
                "it. Nothing was saved."
            )
        )
    return record

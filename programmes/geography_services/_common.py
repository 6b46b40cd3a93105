"""What the geography writes share: the role check, validation, names, versions and locks."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, TypeVar

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from renovation.access import can_set_up_geography, require
from renovation.errors import ConflictError

from ..models import Building, Compound

if TYPE_CHECKING:
    from renovation.models import User


M = TypeVar("M", bound=models.Model)


def _require(by: User, district_id: int) -> None:
    require(
        can_set_up_geography(by, district_id),
        _("Streets, areas and compounds are set up by the district's officials."),
    )


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


def _check_version(record: Compound | Building, version: int | None) -> None:
    if version is not None and record.version != version:
        raise ConflictError()


def _locked(model: type[M], pk: int) -> M:
    """The row, locked; a row deleted meanwhile (a merged compound) is a conflict."""
    record = model._default_manager.select_for_update().filter(pk=pk).first()
    if record is None:
        raise ConflictError(
            _(
                "This record no longer exists (merged into another or deleted) since you opened "
                "it. Nothing was saved."
            )
        )
    return record

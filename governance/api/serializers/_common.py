"""Fields and helpers the governance serializers share: ids, counts, areas, versions, kinds,
the personal-data check and the compound or project a record belongs to."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from governance.masking import can_see_personal_data
from programmes.api.serializers import MAX_VERSION
from renovation.api.fields import PlainDecimalField

MAX_ID = 2**63 - 1
MAX_COUNT = 10**7  # as the page forms


def _id(**kwargs) -> serializers.IntegerField:
    kwargs.setdefault("required", False)
    kwargs.setdefault("allow_null", True)
    kwargs.setdefault("default", None)
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


def _count(**kwargs) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=0, max_value=MAX_COUNT, **kwargs)


def _area(**kwargs) -> serializers.DecimalField:
    return PlainDecimalField(
        max_digits=12, decimal_places=2, min_value=0, help_text=_("m², two decimals."), **kwargs
    )


def _version() -> serializers.IntegerField:
    return serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=0,
        max_value=MAX_VERSION,
        help_text=_(
            "The version you read (its ETag; or send If-Match). A stale version gives 409 and "
            "saves nothing."
        ),
    )


def kind_field(choices, **kwargs) -> serializers.ChoiceField:
    """A `kind` choice documented inline: committees, meetings and suggestions each have their
    own kinds, and the schema's shared `KindEnum` component is the funding kinds'."""
    schema = {"type": "string", "allOf": [{"enum": [c[0] for c in choices]}]}
    field_class = extend_schema_field(schema)(
        type("KindChoiceField", (serializers.ChoiceField,), {})
    )
    return field_class(choices=choices, **kwargs)


def _personal(context: dict, street_id: int, district_id: int) -> bool:
    """Whether the requesting user sees personal data of a record of this street (cached per
    street for the response)."""
    request = context.get("request")
    cache = context.setdefault("_personal", {})
    if street_id not in cache:
        cache[street_id] = can_see_personal_data(
            getattr(request, "user", None), street_id=street_id, district_id=district_id
        )
    return cache[street_id]


class _CompoundFields(serializers.Serializer):
    compound_name = serializers.CharField(source="compound.name", read_only=True)
    street = serializers.IntegerField(source="compound.street_id", read_only=True)
    district = serializers.IntegerField(source="compound.street.district_id", read_only=True)


class _ProjectFields(serializers.Serializer):
    compound = serializers.IntegerField(source="project.compound_id", read_only=True)
    compound_name = serializers.CharField(source="project.compound.name", read_only=True)
    street = serializers.IntegerField(source="project.compound.street_id", read_only=True)
    district = serializers.IntegerField(
        source="project.compound.street.district_id", read_only=True
    )

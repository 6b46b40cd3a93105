"""Set-up endpoints of compounds (with the merge of duplicates) and buildings."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from programmes import geography_services, selectors
from programmes.models import Area, Community, Compound
from renovation.api.schema import ERRORS
from renovation.api.views import (
    ETAG_HEADER,
    IF_MATCH,
    etag,
    list_and_detail_schema,
    requested_version,
)

from .. import geography_serializers as geo
from .. import serializers as api
from .. import views
from ._common import WARNINGS_NOTE, _example, _in_scope, _input, _may_change, _versioned


def _compound_values(request: Request, data: dict) -> dict:
    """The input with related ids replaced by records of the caller's scope."""
    user = request.user
    values = {k: v for k, v in data.items() if k not in ("version", "confirm_warnings")}
    if "street" in values:
        values["street"] = _in_scope(selectors.street_list(user=user), values["street"])
    if "community" in values:
        values["community"] = _in_scope(Community.objects.visible_to(user), values["community"])
    if "area" in values:
        values["area"] = _in_scope(Area.objects.visible_to(user), values["area"])
    return values


@list_and_detail_schema("registry", "compounds", "compound", versioned=True)
class CompoundSetupViewSet(views.CompoundViewSet):
    versioned = True

    def _respond(self, compound: Compound, code: int = status.HTTP_200_OK) -> Response:
        compound = self.get_queryset().get(pk=compound.pk)
        response = _versioned(compound, code, self.get_serializer(compound).data)
        if code == status.HTTP_201_CREATED:
            response["Location"] = reverse("api:compound-detail", args=[compound.pk])
        return response

    @extend_schema(
        tags=["registry"],
        summary="Register a compound (小区) in a street office of your district",
        description="District officials. `residents: null` means not known." + WARNINGS_NOTE,
        request=geo.CompoundInput,
        responses={201: api.CompoundSerializer, 404: ERRORS["404"]},
        parameters=[ETAG_HEADER],
        examples=[_example("New compound", "compound_create")],
    )
    def create(self, request: Request) -> Response:
        data = _input(geo.CompoundInput, request)
        values = _compound_values(request, data)
        compound = geography_services.compound_create(
            by=request.user, street=values.pop("street"), **values
        )
        return self._respond(compound, status.HTTP_201_CREATED)

    @extend_schema(
        tags=["registry"],
        summary="Change a compound's registry fields",
        description="Only the fields sent change. Send `version` (or If-Match)." + WARNINGS_NOTE,
        request=geo.CompoundInput(partial=True),
        responses={200: api.CompoundSerializer},
        parameters=[IF_MATCH, ETAG_HEADER],
        examples=[_example("Households after the census check", "compound_update")],
    )
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        compound = self.get_object()
        _may_change(request, compound.street.district_id)
        data = _input(geo.CompoundInput, request, partial=True)
        compound = geography_services.compound_update(
            by=request.user,
            compound=compound,
            version=requested_version(request, data.get("version")),
            confirm_warnings=data.get("confirm_warnings", False),
            **_compound_values(request, data),
        )
        return self._respond(compound)

    @extend_schema(
        tags=["registry"],
        summary="Merge a duplicate compound into this one",
        description=(
            "District officials. The duplicate's buildings (a building of the same name is the "
            "same building), projects (with their money) and governance records move onto this "
            "compound, and the duplicate is deleted; the response is the audit entry of what "
            "moved. Refused (400) when both have a project in the same programme. Send both "
            "versions to be told (409) if either compound changed since you read it."
        ),
        request=geo.MergeInput,
        responses={201: geo.CompoundMergeSerializer},
        parameters=[IF_MATCH, ETAG_HEADER],
        examples=[_example("Registered twice", "merge")],
    )
    @action(detail=True, methods=["post"])
    def merge(self, request: Request, pk: str | None = None) -> Response:
        kept = self.get_object()
        _may_change(request, kept.street.district_id)
        data = _input(geo.MergeInput, request)
        duplicate = _in_scope(selectors.compound_list(user=request.user), data["duplicate"])
        record = geography_services.compound_merge(
            by=request.user,
            kept=kept,
            duplicate=duplicate,
            reason=data["reason"],
            version=requested_version(request, data.get("version")),
            duplicate_version=data.get("duplicate_version"),
        )
        response = Response(
            geo.CompoundMergeSerializer(record).data, status=status.HTTP_201_CREATED
        )
        response["ETag"] = etag(record.kept.version)
        return response


@list_and_detail_schema("registry", "buildings", "building", versioned=True)
class BuildingSetupViewSet(views.BuildingViewSet):
    versioned = True

    def _respond(self, building, code: int = status.HTTP_200_OK) -> Response:
        building = self.get_queryset().get(pk=building.pk)
        response = _versioned(building, code, self.get_serializer(building).data)
        if code == status.HTTP_201_CREATED:
            response["Location"] = reverse("api:building-detail", args=[building.pk])
        return response

    @extend_schema(
        tags=["registry"],
        summary="Add a building (楼栋) to a compound",
        description="District officials." + WARNINGS_NOTE,
        request=geo.BuildingInput,
        responses={201: api.BuildingSerializer, 404: ERRORS["404"]},
        parameters=[ETAG_HEADER],
        examples=[_example("New building", "building_create")],
    )
    def create(self, request: Request) -> Response:
        data = _input(geo.BuildingInput, request)
        compound = _in_scope(selectors.compound_list(user=request.user), data.pop("compound"))
        data.pop("version", None)
        building = geography_services.building_create(
            by=request.user,
            compound=compound,
            confirm_warnings=data.pop("confirm_warnings"),
            **data,
        )
        return self._respond(building, status.HTTP_201_CREATED)

    @extend_schema(
        tags=["registry"],
        summary="Change a building",
        description="Only the fields sent change. Send `version` (or If-Match)." + WARNINGS_NOTE,
        request=geo.BuildingInput(partial=True),
        responses={200: api.BuildingSerializer},
        parameters=[IF_MATCH, ETAG_HEADER],
        examples=[_example("Households confirmed", "building_update")],
    )
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        building = self.get_object()
        _may_change(request, building.compound.street.district_id)
        data = _input(geo.BuildingInput, request, partial=True)
        if "compound" in data and data["compound"] != building.compound_id:
            raise serializers.ValidationError(
                {"compound": [_("A building stays in its compound; merge compounds instead.")]}
            )
        data.pop("compound", None)
        version = requested_version(request, data.pop("version", None))
        building = geography_services.building_update(
            by=request.user,
            building=building,
            version=version,
            confirm_warnings=data.pop("confirm_warnings", False),
            **data,
        )
        return self._respond(building)

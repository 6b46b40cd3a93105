"""Set-up of a district's geography through the API: POST on the lists and PATCH on the details
of streets, communities, areas, compounds and buildings, and the merge of duplicate compounds.

The same services as the pages (programmes.geography_services). Records named in the path or
the body come from the caller's scope (404 outside it); the role is checked by the services
(403); a stale version is a 409; plausibility warnings are a 400 with code `warnings` until
the request is sent again with `confirm_warnings: true`.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from programmes import geography_services, selectors
from programmes.models import Area, Community, Compound, District
from renovation.access import can_set_up_geography, require
from renovation.api.schema import ERRORS
from renovation.api.views import (
    ETAG_HEADER,
    IF_MATCH,
    ScopedReadOnlyViewSet,
    etag,
    list_and_detail_schema,
    requested_version,
)

from . import geography_serializers as geo
from . import views

TAG = "geography"

# The documented examples; tests/programmes/test_geography_api.py posts every one of them.
EXAMPLES: dict[str, dict[str, Any]] = {
    "street_create": {"name": "玉林街道"},
    "street_update": {"name": "玉林街道办事处"},
    "community_create": {"street": 7, "name": "玉林北路社区"},
    "community_update": {"name": "玉林东路社区"},
    "area_create": {"name": "玉林片区", "description": "拆墙并院、连片改造", "compounds": [41]},
    "area_update": {"name": "玉林北片区", "compounds": [41, 42]},
    "compound_create": {
        "name": "芳草小区",
        "code": "YL-0101",
        "street": 7,
        "address": "芳草街12号",
        "year_built": 1995,
        "building_count": 6,
        "households": 240,
        "residents": None,
        "floor_area": "18500.00",
        "survey_status": "eligible",
        "flag_ageing_facilities": True,
    },
    "compound_update": {"households": 252, "residents": 690, "version": 1},
    "building_create": {
        "compound": 41,
        "name": "7栋",
        "floors": 6,
        "units": 3,
        "households": 36,
        "has_elevator": False,
        "year_built": 1995,
    },
    "building_update": {"households": 300, "confirm_warnings": True, "version": 1},
    "merge": {
        "duplicate": 42,
        "reason": "同一小区在摸排中登记了两次（芳草小区 / 芳草苑）",
        "version": 1,
        "duplicate_version": 1,
    },
}


def _example(name: str, key: str) -> OpenApiExample:
    return OpenApiExample(name, value=EXAMPLES[key], request_only=True)


def _input(serializer_class: type[serializers.Serializer], request: Request, *, partial=False):
    serializer = serializer_class(data=request.data, partial=partial)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _in_scope(queryset: QuerySet, pk: int | None) -> Any:
    """A record named in the body, from the caller's scope: 404 like one in the path."""
    if pk is None:
        return None
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def _district(request: Request, pk: int | None) -> District:
    user = request.user
    if pk is None:
        if user.district_id is None:
            raise serializers.ValidationError({"district": [_("Name the district.")]})
        pk = user.district_id
    return _in_scope(selectors.district_list(user=user), pk)


def _may_change(request: Request, district_id: int) -> None:
    """Checked before the body is read: a record in scope that the caller may not change is
    a 403 whatever the body says."""
    require(
        can_set_up_geography(request.user, district_id),
        _("Streets, areas and compounds are set up by the district's officials."),
    )


def _versioned(record, code: int = status.HTTP_200_OK, data: Any = None) -> Response:
    response = Response(data, status=code)
    response["ETag"] = etag(record.version)
    return response


def _created(basename: str, pk: int, data: Any) -> Response:
    response = Response(data, status=status.HTTP_201_CREATED)
    response["Location"] = reverse(f"api:{basename}-detail", args=[pk])
    return response


WARNINGS_NOTE = (
    " Figures that look wrong (a building with more households than its compound, per-household "
    "work above the compound's households) are a 400 with code `warnings`, each warning with "
    "its own code under `warnings`; send the request again with `confirm_warnings: true` to "
    "save them."
)


# --- Streets, communities, areas -----------------------------------------------------------


class StreetSetupViewSet(views.StreetViewSet):
    @extend_schema(
        tags=[TAG],
        summary="Set up a street office (街道) in your district",
        request=geo.StreetCreateInput,
        responses={201: views.api.StreetSerializer, 404: ERRORS["404"]},
        examples=[_example("New street office", "street_create")],
    )
    def create(self, request: Request) -> Response:
        data = _input(geo.StreetCreateInput, request)
        street = geography_services.street_create(
            by=request.user, district=_district(request, data.get("district")), name=data["name"]
        )
        street = self.get_queryset().get(pk=street.pk)
        return _created("street", street.pk, self.get_serializer(street).data)

    @extend_schema(
        tags=[TAG],
        summary="Rename a street office",
        request=geo.StreetUpdateInput,
        responses={200: views.api.StreetSerializer},
        examples=[_example("Rename", "street_update")],
    )
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        street = self.get_object()
        _may_change(request, street.district_id)
        data = _input(geo.StreetUpdateInput, request)
        geography_services.street_update(by=request.user, street=street, name=data["name"])
        return Response(self.get_serializer(self.get_queryset().get(pk=street.pk)).data)


@list_and_detail_schema(TAG, "communities", "community")
class CommunityViewSet(ScopedReadOnlyViewSet):
    """Communities (社区) under the street offices you may see."""

    serializer_class = geo.CommunitySerializer
    filterset_fields = ["street"]
    search_fields = ["name"]
    ordering_fields = ["name", "street", "id"]

    def get_queryset(self) -> QuerySet:
        return Community.objects.visible_to(self.request.user).select_related("street")

    @extend_schema(
        tags=[TAG],
        summary="Set up a community (社区) under a street office",
        request=geo.CommunityCreateInput,
        responses={201: geo.CommunitySerializer, 404: ERRORS["404"]},
        examples=[_example("New community", "community_create")],
    )
    def create(self, request: Request) -> Response:
        data = _input(geo.CommunityCreateInput, request)
        street = _in_scope(selectors.street_list(user=request.user), data["street"])
        community = geography_services.community_create(
            by=request.user, street=street, name=data["name"]
        )
        community = self.get_queryset().get(pk=community.pk)
        return _created("community", community.pk, self.get_serializer(community).data)

    @extend_schema(
        tags=[TAG],
        summary="Rename a community or move it to another street office",
        request=geo.CommunityUpdateInput,
        responses={200: geo.CommunitySerializer},
        examples=[_example("Rename", "community_update")],
    )
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        community = self.get_object()
        _may_change(request, community.street.district_id)
        data = _input(geo.CommunityUpdateInput, request)
        street = community.street
        if "street" in data:
            street = _in_scope(selectors.street_list(user=request.user), data["street"])
        geography_services.community_update(
            by=request.user,
            community=community,
            name=data.get("name", community.name),
            street=street,
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=community.pk)).data)


def _compounds(request: Request, ids: list[int]) -> list[Compound]:
    found = list(selectors.compound_list(user=request.user).filter(pk__in=set(ids)))
    if len(found) != len(set(ids)):
        raise Http404
    return found


class AreaSetupViewSet(views.AreaViewSet):
    @extend_schema(
        tags=[TAG],
        summary="Set up an area (片区) of neighbouring compounds",
        request=geo.AreaInput,
        responses={201: views.api.AreaSerializer, 404: ERRORS["404"]},
        examples=[_example("New area", "area_create")],
    )
    def create(self, request: Request) -> Response:
        data = _input(geo.AreaInput, request)
        area = geography_services.area_create(
            by=request.user,
            district=_district(request, data.get("district")),
            name=data["name"],
            description=data["description"],
            compounds=_compounds(request, data.get("compounds", [])),
        )
        area = self.get_queryset().get(pk=area.pk)
        return _created("area", area.pk, self.get_serializer(area).data)

    @extend_schema(
        tags=[TAG],
        summary="Rename an area, or set its compounds",
        request=geo.AreaInput(partial=True),
        responses={200: views.api.AreaSerializer},
        examples=[_example("Rename and regroup", "area_update")],
    )
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        area = self.get_object()
        _may_change(request, area.district_id)
        data = _input(geo.AreaInput, request, partial=True)
        geography_services.area_update(
            by=request.user,
            area=area,
            name=data.get("name", area.name),
            description=data.get("description", area.description),
            compounds=_compounds(request, data["compounds"]) if "compounds" in data else None,
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=area.pk)).data)


# --- Compounds and buildings ---------------------------------------------------------------


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
        responses={201: views.api.CompoundSerializer, 404: ERRORS["404"]},
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
        responses={200: views.api.CompoundSerializer},
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
        responses={201: views.api.BuildingSerializer, 404: ERRORS["404"]},
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
        responses={200: views.api.BuildingSerializer},
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

"""Set-up endpoints of street offices, communities and areas (片区)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from programmes import geography_services, selectors
from programmes.models import Community, Compound
from renovation.api.schema import ERRORS
from renovation.api.views import ScopedReadOnlyViewSet, list_and_detail_schema

from .. import geography_serializers as geo
from .. import serializers as api
from .. import views
from ._common import TAG, _created, _district, _example, _in_scope, _input, _may_change


class StreetSetupViewSet(views.StreetViewSet):
    @extend_schema(
        tags=[TAG],
        summary="Set up a street office (街道) in your district",
        request=geo.StreetCreateInput,
        responses={201: api.StreetSerializer, 404: ERRORS["404"]},
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
        responses={200: api.StreetSerializer},
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
        responses={201: api.AreaSerializer, 404: ERRORS["404"]},
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
        responses={200: api.AreaSerializer},
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

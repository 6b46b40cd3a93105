"""Read endpoints of geography and the registry: districts, streets, areas, compounds, buildings."""

from __future__ import annotations

from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend

from programmes import filters, selectors
from renovation.api.views import ScopedReadOnlyViewSet, list_and_detail_schema

from .. import serializers as api


@list_and_detail_schema("geography", "districts", "district")
class DistrictViewSet(ScopedReadOnlyViewSet):
    serializer_class = api.DistrictSerializer
    filterset_class = filters.DistrictFilter
    search_fields = ["name", "code"]
    ordering_fields = ["code", "name", "id"]

    def get_queryset(self) -> QuerySet:
        return selectors.district_list(user=self.request.user)


@list_and_detail_schema("geography", "streets", "street office")
class StreetViewSet(ScopedReadOnlyViewSet):
    serializer_class = api.StreetSerializer
    filterset_class = filters.StreetFilter
    search_fields = ["name"]
    ordering_fields = ["name", "district", "id"]

    def get_queryset(self) -> QuerySet:
        return selectors.street_list(user=self.request.user)


@list_and_detail_schema("geography", "areas", "area")
class AreaViewSet(ScopedReadOnlyViewSet):
    serializer_class = api.AreaSerializer
    filterset_class = filters.AreaFilter
    search_fields = ["name"]
    ordering_fields = ["name", "district", "id"]

    def get_queryset(self) -> QuerySet:
        return selectors.area_list(user=self.request.user)


@list_and_detail_schema("registry", "compounds", "compound")
class CompoundViewSet(ScopedReadOnlyViewSet):
    """Compounds, filtered exactly as on the compound list page (`q` searches name and
    address, exact names first; `ordering` as on the page)."""

    serializer_class = api.CompoundSerializer
    filterset_class = filters.CompoundApiFilter
    # Search and ordering come from the page's FilterSet (`q`, `ordering`).
    filter_backends = [DjangoFilterBackend]

    def get_queryset(self) -> QuerySet:
        return selectors.compound_list(user=self.request.user)


@list_and_detail_schema("registry", "buildings", "building")
class BuildingViewSet(ScopedReadOnlyViewSet):
    serializer_class = api.BuildingSerializer
    filterset_class = filters.BuildingFilter
    search_fields = ["name", "compound__name"]
    ordering_fields = ["name", "compound", "floors", "households", "id"]

    def get_queryset(self) -> QuerySet:
        return selectors.building_list(user=self.request.user)

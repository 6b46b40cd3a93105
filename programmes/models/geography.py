"""Geography: provinces, cities, districts, street offices, communities and areas (片区)."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from renovation.access import ScopedQuerySet


class Province(models.Model):
    name = models.CharField(_("name"), max_length=64, unique=True)
    code = models.CharField(_("code"), max_length=12, unique=True)

    class Meta:
        verbose_name = _("province")
        verbose_name_plural = _("provinces")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class CityQuerySet(ScopedQuerySet):
    scope_paths: ClassVar = {"street": None, "district": None, "city": ""}


class City(models.Model):
    province = models.ForeignKey(
        Province, verbose_name=_("province"), on_delete=models.PROTECT, related_name="cities"
    )
    name = models.CharField(_("name"), max_length=64)
    code = models.CharField(_("code"), max_length=12, unique=True)

    objects = CityQuerySet.as_manager()

    class Meta:
        verbose_name = _("city")
        verbose_name_plural = _("cities")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["province", "name"], name="city_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class DistrictQuerySet(ScopedQuerySet):
    scope_paths: ClassVar = {"street": None, "district": "", "city": "city"}


class District(models.Model):
    city = models.ForeignKey(
        City, verbose_name=_("city"), on_delete=models.PROTECT, related_name="districts"
    )
    name = models.CharField(_("name"), max_length=64)
    code = models.CharField(_("code"), max_length=12, unique=True)

    objects = DistrictQuerySet.as_manager()

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["city", "name"], name="district_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class StreetQuerySet(ScopedQuerySet):
    scope_paths: ClassVar = {"street": "", "district": "district", "city": "district__city"}


class Street(models.Model):
    district = models.ForeignKey(
        District, verbose_name=_("district"), on_delete=models.PROTECT, related_name="streets"
    )
    name = models.CharField(_("name"), max_length=64)

    objects = StreetQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("street office")
        verbose_name_plural = _("street offices")
        ordering = ["district_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["district", "name"], name="street_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Community(models.Model):
    street = models.ForeignKey(
        Street,
        verbose_name=_("street office"),
        on_delete=models.PROTECT,
        related_name="communities",
    )
    name = models.CharField(_("name"), max_length=64)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        ordering = ["street_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["street", "name"], name="community_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class AreaQuerySet(ScopedQuerySet):
    # An area (片区) can span streets; a street officer sees the areas of its district, and
    # every figure about an area is computed over the compounds the officer may see.
    scope_paths: ClassVar = {"street": None, "district": "district", "city": "district__city"}


class Area(models.Model):
    district = models.ForeignKey(
        District, verbose_name=_("district"), on_delete=models.PROTECT, related_name="areas"
    )
    name = models.CharField(_("name"), max_length=64)
    description = models.TextField(_("description"), blank=True)

    objects = AreaQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["district_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["district", "name"], name="area_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

"""Funding sources: who pays, as what, per district."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from renovation.access import ScopedQuerySet
from renovation.models import Audited

from .choices import Kind, SubType, _kind_matches_subtype


class FundingSourceQuerySet(ScopedQuerySet):
    # A district's register of funders; street officers read their own district's register.
    scope_paths: ClassVar = {"street": None, "district": "district", "city": "district__city"}


class FundingSource(Audited):
    """Who pays, as what: a kind, a sub-type and the funder's name, per district."""

    district = models.ForeignKey(
        "programmes.District",
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        related_name="funding_sources",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    sub_type = models.CharField(_("sub-type"), max_length=24, choices=SubType.choices)
    funder = models.CharField(_("funder"), max_length=160)
    # The sub-types a combined line holds, comma-separated in SubType order ("central_subsidy,
    # provincial_subsidy"); empty for every other sub-type.
    combines = models.CharField(_("combined sub-types"), max_length=200, blank=True, default="")

    objects = FundingSourceQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("funding source")
        verbose_name_plural = _("funding sources")
        ordering = ["district_id", "kind", "sub_type", "funder"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "kind", "sub_type", "combines", "funder"],
                name="fundingsource_unique_with_combines",
            ),
            models.CheckConstraint(
                condition=_kind_matches_subtype(), name="fundingsource_subtype_of_kind"
            ),
            models.CheckConstraint(condition=~Q(funder=""), name="fundingsource_funder_named"),
            models.CheckConstraint(
                condition=(Q(sub_type=SubType.COMBINED) & ~Q(combines=""))
                | (~Q(sub_type=SubType.COMBINED) & Q(combines="")),
                name="fundingsource_combined_names_sub_types",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.funder} · {self.sub_type_label}"

    @property
    def combined_sub_types(self) -> list[str]:
        return [code for code in self.combines.split(",") if code]

    @property
    def sub_type_label(self) -> str:
        """The sub-type as shown: a combined line names what it combines (中央补助 + 省级补助)."""
        if self.sub_type == SubType.COMBINED and self.combines:
            return " + ".join(
                str(SubType(code).label)
                for code in self.combined_sub_types
                if code in SubType.values
            )
        return str(self.get_sub_type_display())

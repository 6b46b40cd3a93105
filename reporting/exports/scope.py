"""The scope of an export: any of district, street, area, programme and plan year, each only
among what the user may see. An id outside the user's scope is the same as an id that does not
exist: `ScopeNotFound`, which pages answer with 404."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q, QuerySet

from programmes.models import Area, Compound, District, Programme, Project, Street, WorkItem
from programmes.selectors import ScopeNotFound, scope_parameters

if TYPE_CHECKING:
    from renovation.models import User

__all__ = ["LedgerScope", "ScopeNotFound", "ledger_scope_resolve"]


@dataclass(frozen=True)
class LedgerScope:
    district: District | None = None
    street: Street | None = None
    area: Area | None = None
    programme: Programme | None = None
    year: int | None = None  # the plan year of the projects

    PARAMS = ("district", "street", "area", "programme", "year")

    @property
    def below_district(self) -> bool:
        """Street and area scopes count only money booked for projects (see funding)."""
        return self.street is not None or self.area is not None

    @property
    def label(self) -> str:
        parts = [str(getattr(self, name)) for name in self.PARAMS if getattr(self, name)]
        return " · ".join(parts)

    def params(self) -> dict[str, int]:
        values = {}
        for name in self.PARAMS:
            value = getattr(self, name)
            if value is not None:
                values[name] = value if name == "year" else value.pk
        return values

    def project_q(self, prefix: str = "") -> Q:
        q = Q()
        if self.district is not None:
            q &= Q(**{f"{prefix}compound__street__district": self.district.pk})
        if self.street is not None:
            q &= Q(**{f"{prefix}compound__street": self.street.pk})
        if self.area is not None:
            q &= Q(**{f"{prefix}compound__area": self.area.pk})
        if self.programme is not None:
            q &= Q(**{f"{prefix}programme": self.programme.pk})
        if self.year is not None:
            q &= Q(**{f"{prefix}year": self.year})
        return q

    def compounds(self, user: User) -> QuerySet[Compound]:
        """Compounds in scope; with a programme or year, those with a project in it."""
        compounds = Compound.objects.visible_to(user)
        if self.district is not None:
            compounds = compounds.filter(street__district=self.district.pk)
        if self.street is not None:
            compounds = compounds.filter(street=self.street.pk)
        if self.area is not None:
            compounds = compounds.filter(area=self.area.pk)
        if self.programme is not None or self.year is not None:
            projects = Project.objects.filter(compound=OuterRef("pk"))
            if self.programme is not None:
                projects = projects.filter(programme=self.programme.pk)
            if self.year is not None:
                projects = projects.filter(year=self.year)
            compounds = compounds.filter(Exists(projects))
        return compounds

    def projects(self, user: User) -> QuerySet[Project]:
        return Project.objects.visible_to(user).filter(self.project_q())

    def work_items(self, user: User) -> QuerySet[WorkItem]:
        return WorkItem.objects.visible_to(user).filter(self.project_q("project__"))


def ledger_scope_resolve(*, user: User, params: Mapping) -> LedgerScope:
    """Read a scope from GET parameters (one query per named parameter)."""
    return LedgerScope(**scope_parameters(user=user, names=LedgerScope.PARAMS, params=params))

"""What a funding figure covers: the scope, read from GET parameters, and what the scope
selector offers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from programmes.models import Area, Batch, District, Programme, Project, Street
from programmes.selectors import scope_parameters

from ..models import Allocation, Commitment

if TYPE_CHECKING:
    from renovation.models import User


@dataclass(frozen=True)
class FundingScope:
    """What a funding figure covers. Fields combine (青羊区 + 2022; a programme's batch)."""

    programme: Programme | None = None
    district: District | None = None
    street: Street | None = None
    area: Area | None = None
    project: Project | None = None
    batch: Batch | None = None
    year: int | None = None

    PARAMS = ("programme", "district", "street", "area", "project", "batch", "year")

    @property
    def below_district(self) -> bool:
        return any((self.street, self.area, self.project))

    def params(self) -> dict[str, int]:
        """The GET parameters that select this scope (for links and exports)."""
        values = {}
        for name in self.PARAMS:
            value = getattr(self, name)
            if value is not None:
                values[name] = value if name == "year" else value.pk
        return values

    def label_parts(self) -> list[str]:
        return [str(getattr(self, n)) for n in self.PARAMS if getattr(self, n) is not None]

    def commitment_q(self, prefix: str = "") -> Q:
        """Filters on the commitment itself (budget year, batch, programme, district)."""
        q = Q()
        if self.programme is not None:
            q &= Q(**{f"{prefix}programme": self.programme.pk})
        if self.district is not None:
            q &= Q(**{f"{prefix}programme__district": self.district.pk})
        if self.batch is not None:
            q &= Q(**{f"{prefix}batch": self.batch.pk})
        if self.year is not None:
            q &= Q(**{f"{prefix}year": self.year})
        return q

    def project_q(self, prefix: str = "project__") -> Q:
        """Filters on the project the money is for (street, area, project)."""
        q = Q()
        if self.project is not None:
            q &= Q(**{prefix.removesuffix("__") or "pk": self.project.pk})
        if self.street is not None:
            q &= Q(**{f"{prefix}compound__street": self.street.pk})
        if self.area is not None:
            q &= Q(**{f"{prefix}compound__area": self.area.pk})
        return q

    def projects(self, user: User) -> QuerySet[Project]:
        """The projects in scope (for resident contributions, which are owed per compound)."""
        q = self.project_q(prefix="")
        if self.programme is not None:
            q &= Q(programme=self.programme.pk)
        if self.district is not None:
            q &= Q(programme__district=self.district.pk)
        if self.batch is not None:
            q &= Q(batch=self.batch.pk)
        if self.year is not None:
            q &= Q(year=self.year)
        return Project.objects.visible_to(user).filter(q)


def funding_scope_resolve(*, user: User, params) -> FundingScope:
    """Read a scope from GET parameters; an id outside the user's scope raises ScopeNotFound.
    One query per named parameter at most."""
    return FundingScope(**scope_parameters(user=user, names=FundingScope.PARAMS, params=params))


@dataclass
class ScopeOptions:
    programmes: list[Programme]
    districts: list[District]
    streets: list[Street]
    areas: list[Area]
    batches: list[Batch]
    years: list[int]


def funding_scope_options(*, user: User) -> ScopeOptions:
    """What the scope selector offers: only what the user may see (at most seven queries)."""
    programmes = Programme.objects.visible_to(user).select_related("district")
    years = set(
        Commitment.objects.visible_to(user).values_list("year", flat=True).distinct().order_by()
    )
    if user.street_id and not user.is_superuser:
        # A street officer's programme money comes through allocations to its projects.
        years |= set(
            Allocation.objects.visible_to(user)
            .values_list("commitment__year", flat=True)
            .distinct()
            .order_by()
        )
    return ScopeOptions(
        programmes=list(programmes),
        districts=list(District.objects.visible_to(user)),
        streets=list(Street.objects.visible_to(user).select_related("district")),
        areas=list(Area.objects.visible_to(user)),
        batches=list(
            Batch.objects.filter(programme__in=Programme.objects.visible_to(user))
            .select_related("programme")
            .order_by("programme_id", "year", "sequence")
        ),
        years=sorted(set(years), reverse=True),
    )

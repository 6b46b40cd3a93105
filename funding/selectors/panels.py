"""The funding panels of the compound page and the home dashboard."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from programmes.models import Compound, Project

from .mix import funding_mix
from .mix_report import FundingMix
from .scope import FundingScope

if TYPE_CHECKING:
    from renovation.models import User


@dataclass
class CompoundPanel:
    compound: Compound
    project: Project | None
    mix: FundingMix | None
    can_view_project: bool


def compound_funding_panel(*, user: User, compound: Compound) -> CompoundPanel:
    """Funding of a compound's current project and its residents' contributions (seven queries
    at most; the compound is already in the caller's scope)."""
    project = (
        Project.objects.visible_to(user)
        .select_related("programme", "compound")
        .filter(pk=compound.current_project_id)
        .first()
        if compound.current_project_id
        else None
    )
    mix = funding_mix(user=user, scope=FundingScope(project=project)) if project else None
    return CompoundPanel(compound, project, mix, project is not None)


def dashboard_funding_panel(*, user: User, year: int | None = None) -> FundingMix:
    """The funding mix of everything the user sees (or one budget year), for the home page."""
    return funding_mix(user=user, scope=FundingScope(year=year))

"""The governance page of a compound, with personal data masked by role."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Prefetch

from programmes.models import Compound, Project
from renovation.access import can_see_personal_data

from ..masking import mask_name, mask_phone
from ..models import (
    CommitteeMember,
    Disclosure,
    FundCollection,
    LongTermManagement,
    Meeting,
    OpinionSurvey,
    OwnerVote,
    ResidentCommittee,
    SatisfactionSurvey,
    Suggestion,
)
from .indicators import Indicators, governance_indicators

if TYPE_CHECKING:
    from renovation.models import User


# --- Personal data -------------------------------------------------------------------------


@dataclass(frozen=True)
class MemberRow:
    pk: int
    name: str
    role: str
    building: str
    unit: str
    is_party_member: bool
    phone: str
    masked: bool


def member_row(member: CommitteeMember, *, personal: bool) -> MemberRow:
    return MemberRow(
        pk=member.pk,
        name=member.name if personal else mask_name(member.name),
        role=member.get_role_display(),
        building=member.building,
        unit=member.unit,
        is_party_member=member.is_party_member,
        phone=member.phone if personal else mask_phone(member.phone),
        masked=not personal,
    )


@dataclass
class CommitteeRow:
    committee: ResidentCommittee
    members: list[MemberRow]

    @property
    def listed(self) -> int:
        return len(self.members)


def personal_data_visible(user: User, compound: Compound) -> bool:
    return can_see_personal_data(
        user, street_id=compound.street_id, district_id=compound.street.district_id
    )


def suggestion_contact(suggestion: Suggestion, *, personal: bool) -> str:
    if personal:
        return suggestion.contact
    return mask_phone(suggestion.contact) if suggestion.contact else ""


# --- The governance page of a compound -----------------------------------------------------


@dataclass
class CompoundGovernance:
    compound: Compound
    personal: bool
    committees: list[CommitteeRow]
    meetings: list[Meeting]
    surveys: list[OpinionSurvey]
    votes: list[OwnerVote]
    suggestions: list[Suggestion]
    suggestion_contacts: dict[int, str]
    satisfaction: list[SatisfactionSurvey]
    management: list[LongTermManagement]
    funds: list[FundCollection]
    disclosures: list[Disclosure]
    projects: list[Project]
    figures: Indicators

    @property
    def current_project(self) -> Project | None:
        return next((p for p in self.projects if p.pk == self.compound.current_project_id), None)


def compound_governance(
    *, user: User, compound: Compound, suggestions_limit: int = 20
) -> CompoundGovernance:
    """Everything recorded about a compound's governance, personal data masked by role, in a
    fixed number of queries."""
    personal = personal_data_visible(user, compound)
    committees = list(
        ResidentCommittee.objects.visible_to(user)
        .filter(compound=compound)
        .prefetch_related(
            Prefetch("members", queryset=CommitteeMember.objects.order_by("role", "id"))
        )
        .order_by("kind", "formed_on", "id")
    )
    suggestions = list(
        Suggestion.objects.visible_to(user)
        .filter(compound=compound)
        .select_related("answered_by")
        .order_by("-received_at", "-id")[:suggestions_limit]
    )
    projects = list(
        Project.objects.visible_to(user)
        .filter(compound=compound)
        .select_related("programme")
        .order_by("-programme__start_year", "-year", "-id")
    )
    return CompoundGovernance(
        compound=compound,
        personal=personal,
        committees=[
            CommitteeRow(c, [member_row(m, personal=personal) for m in c.members.all()])
            for c in committees
        ],
        meetings=list(
            Meeting.objects.visible_to(user).filter(compound=compound).order_by("-held_on", "-id")
        ),
        surveys=list(
            OpinionSurvey.objects.visible_to(user)
            .filter(project__compound=compound)
            .select_related("building", "project")
            .order_by("-held_on", "-id")
        ),
        votes=list(
            OwnerVote.objects.visible_to(user)
            .filter(compound=compound)
            .select_related("building")
            .order_by("-held_on", "-id")
        ),
        suggestions=suggestions,
        suggestion_contacts={s.pk: suggestion_contact(s, personal=personal) for s in suggestions},
        satisfaction=list(
            SatisfactionSurvey.objects.visible_to(user)
            .filter(project__compound=compound)
            .order_by("-held_on", "-id")
        ),
        management=list(
            LongTermManagement.objects.visible_to(user)
            .filter(compound=compound)
            .order_by("-starts_on", "-id")
        ),
        funds=list(
            FundCollection.objects.visible_to(user)
            .filter(project__compound=compound)
            .select_related("project")
        ),
        disclosures=list(
            Disclosure.objects.visible_to(user)
            .filter(project__compound=compound)
            .order_by("-window_starts_on", "-id")
        ),
        projects=projects,
        figures=governance_indicators(user=user, compound=compound),
    )

"""Scoped lists: every governance queryset a page or endpoint reads, limited to what the user
may see (outside scope is DoesNotExist, so a 404)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from programmes.models import Compound, Project
from programmes.selectors import compound_list

from ..models import CommitteeMember, Disclosure, Meeting, OwnerVote, ResidentCommittee, Suggestion

if TYPE_CHECKING:
    from renovation.models import User


def committee_list(*, user: User) -> QuerySet[ResidentCommittee]:
    return ResidentCommittee.objects.visible_to(user).select_related(
        "street__district", "compound", "area"
    )


def member_list(*, user: User) -> QuerySet[CommitteeMember]:
    return CommitteeMember.objects.visible_to(user).select_related("committee__street__district")


def meeting_list(*, user: User) -> QuerySet[Meeting]:
    return Meeting.objects.visible_to(user).select_related("compound__street__district", "project")


def vote_list(*, user: User) -> QuerySet[OwnerVote]:
    return OwnerVote.objects.visible_to(user).select_related(
        "compound__street__district", "building", "project", "rule_set"
    )


def suggestion_list(*, user: User) -> QuerySet[Suggestion]:
    return Suggestion.objects.visible_to(user).select_related(
        "compound__street__district", "project", "answered_by"
    )


def disclosure_list(*, user: User) -> QuerySet[Disclosure]:
    return Disclosure.objects.visible_to(user).select_related(
        "project__compound__street__district", "project__programme"
    )


def project_in_scope(*, user: User, pk: int) -> Project:
    return (
        Project.objects.visible_to(user)
        .select_related("compound__street__district", "programme", "acceptance")
        .get(pk=pk)
    )


def compound_in_scope(*, user: User, pk: int) -> Compound:
    return compound_list(user=user).select_related("street__district__city").get(pk=pk)

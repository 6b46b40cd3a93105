"""Reads for the public disclosure page (no user: only what the plan says, never a person)."""

from __future__ import annotations

from funding.selectors import FundingMix, FundingScope, funding_mix
from programmes.models import Project, Stage

from ..models import Disclosure


def public_disclosure(*, token: str) -> Disclosure:
    """A published disclosure by its public token (DoesNotExist otherwise). No user: the
    page shows only what the plan says, never a person."""
    return (
        Disclosure.objects.public()
        .select_related(
            "project__compound__street__district__city",
            "project__compound__community",
            "project__programme",
            "project__batch",
        )
        .prefetch_related("project__work_items__work_type")
        .get(token=token)
    )


def public_funding_mix(project: Project) -> FundingMix:
    """The project's funding mix by kind for its public page.

    The public page has no user, so the mix is read as the platform itself (an unsaved
    superuser that is never logged in) and restricted to this one project by the scope: the
    figures are the project's planned money per kind, nothing about any person."""
    from renovation.models import User

    reader = User(username="public-disclosure", is_superuser=True, is_active=True)
    return funding_mix(user=reader, scope=FundingScope(project=project))


def public_stages() -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in Stage.choices]

"""The project funding page: its lines of money, receipts and expenditures, and the
commitment pages."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Prefetch, Q, QuerySet, Sum

from programmes.models import Programme, Project

from ..models import Allocation, Commitment, Expenditure, Receipt
from ..records import commitments_shown, expenditures_shown, receipts_shown
from .rounding import money_

if TYPE_CHECKING:
    from renovation.models import User


@dataclass
class Line:
    """A commitment as it concerns one project: its own project-level money, or the part of a
    programme-level commitment allocated to the project."""

    commitment: Commitment
    allocation: Allocation | None
    planned: Decimal
    received: Decimal
    spent: Decimal

    @property
    def available(self) -> Decimal:
        return self.received - self.spent


def project_for_funding(*, user: User, pk: int) -> Project:
    return (
        Project.objects.visible_to(user)
        .select_related("compound", "compound__street", "compound__street__district", "programme")
        .get(pk=pk)
    )


def project_funding_lines(*, user: User, project: Project) -> list[Line]:
    """Every line of money for one project with what was received and spent (four queries)."""
    own = list(
        commitments_shown(
            Commitment.objects.filter(project=project).select_related(
                "source", "approved_by", "rule"
            )
        )
    )
    allocations = list(
        Allocation.objects.visible_to(user)
        .filter(project=project)
        .select_related("commitment__source", "commitment__approved_by", "commitment__reversed_by")
        .order_by("-commitment__year", "commitment_id")
    )
    received = dict(
        Receipt.objects.filter(project=project)
        .values_list("commitment")
        .annotate(t=Sum("amount"))
        .values_list("commitment", "t")
    )
    spent = dict(
        Expenditure.objects.filter(project=project)
        .values_list("commitment")
        .annotate(t=Sum("amount"))
        .values_list("commitment", "t")
    )
    lines = [
        Line(c, None, c.amount, money_(received.get(c.pk)), money_(spent.get(c.pk))) for c in own
    ]
    lines += [
        Line(
            a.commitment,
            a,
            a.amount,
            money_(received.get(a.commitment_id)),
            money_(spent.get(a.commitment_id)),
        )
        for a in allocations
    ]
    return lines


def project_receipts(*, user: User, project: Project) -> QuerySet[Receipt]:
    """With their counter-entries (冲销) paired and their voucher counts (one query)."""
    return receipts_shown(
        Receipt.objects.visible_to(user)
        .filter(project=project)
        .select_related("commitment__source", "created_by")
    )


def project_expenditures(*, user: User, project: Project) -> QuerySet[Expenditure]:
    return expenditures_shown(
        Expenditure.objects.visible_to(user)
        .filter(project=project)
        .select_related("commitment__source", "created_by", "work_item__work_type")
    )


def funding_line(
    *, user: User, commitment_id: int, project_id: int | None
) -> tuple[Commitment, Project | None]:
    """The commitment and project of a line the user may see (DoesNotExist otherwise).

    A street officer reaches a programme-level commitment only through a project of its street
    that has an allocation from it."""
    base = Commitment.objects.select_related(
        "programme", "programme__district", "source", "project", "project__compound"
    )
    if project_id is None:
        commitment = base.visible_to(user).get(pk=commitment_id)
        return commitment, commitment.project
    project = project_for_funding(user=user, pk=project_id)
    commitment = base.filter(
        Q(project=project) | Q(project__isnull=True, allocations__project=project)
    ).get(pk=commitment_id)
    return commitment, project


def commitment_detail(*, user: User, pk: int) -> Commitment:
    """A commitment the user may see, with its allocations, receipts and expenditures."""
    return (
        Commitment.objects.visible_to(user)
        .select_related(
            "source",
            "programme",
            "programme__district",
            "project",
            "project__compound",
            "project__compound__street",
            "batch",
            "rule",
            "approved_by",
            "created_by",
            "reverses",
            "reversed_by",
            "split_from",
        )
        .prefetch_related(
            Prefetch(
                "allocations",
                queryset=Allocation.objects.select_related("project", "project__compound"),
            ),
            Prefetch(
                "receipts",
                queryset=receipts_shown(Receipt.objects.select_related("project__compound")),
            ),
            Prefetch(
                "expenditures",
                queryset=expenditures_shown(
                    Expenditure.objects.select_related("project__compound", "work_item__work_type")
                ),
            ),
            Prefetch("split_parts", queryset=Commitment.objects.select_related("source")),
        )
        .get(pk=pk)
    )


def programme_commitments(*, user: User, programme: Programme) -> QuerySet[Commitment]:
    """Programme-level money with allocated, received and spent totals (one query)."""
    return commitments_shown(
        Commitment.objects.visible_to(user)
        .filter(programme=programme, project__isnull=True)
        .select_related("source", "batch")
        .annotate(
            allocated=Sum("allocations__amount"),
        )
    )

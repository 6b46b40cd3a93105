"""Funding sources, commitments, allocations, receipts, expenditures and resident contributions.

Money moves planned -> approved -> received (到位) -> spent. Every amount is a Decimal in yuan with
two places. A commitment ties one funding source to a project, or to a programme (programme-level
money such as a district bond issue), which is then allocated to projects.

Receipts and expenditures are booked on a *line*: a commitment together with the project the
money is for. A project-level commitment has one line (its project); a programme-level commitment
has one line per allocated project plus its unassigned pool (project empty). Spending on a line
can never exceed what was received on that line, so every scope's figures stay consistent.

The models are split by topic (choices, sources, contributions, commitments, records, vouchers)
and re-exported here, so `funding.models` names every one of them.
"""

from .choices import (
    MONEY,
    SUBTYPE_KIND,
    ZERO,
    Kind,
    SubType,
    subtypes_of,
)
from .commitments import Allocation, AllocationQuerySet, Commitment, CommitmentQuerySet
from .contributions import ContributionRule
from .records import Expenditure, LineRecord, LineRecordQuerySet, Receipt
from .sources import FundingSource, FundingSourceQuerySet
from .vouchers import VOUCHER_EXTENSIONS, Voucher, voucher_path

__all__ = [
    "MONEY",
    "SUBTYPE_KIND",
    "VOUCHER_EXTENSIONS",
    "ZERO",
    "Allocation",
    "AllocationQuerySet",
    "Commitment",
    "CommitmentQuerySet",
    "ContributionRule",
    "Expenditure",
    "FundingSource",
    "FundingSourceQuerySet",
    "Kind",
    "LineRecord",
    "LineRecordQuerySet",
    "Receipt",
    "SubType",
    "Voucher",
    "subtypes_of",
    "voucher_path",
]

"""Funding sources, commitments, allocations, receipts, expenditures and resident contributions.

Money moves planned -> approved -> received (到位) -> spent. Every amount is a Decimal in yuan with
two places. A commitment ties one funding source to a project, or to a programme (programme-level
money such as a district bond issue), which is then allocated to projects.

Receipts and expenditures are booked on a *line*: a commitment together with the project the
money is for. A project-level commitment has one line (its project); a programme-level commitment
has one line per allocated project plus its unassigned pool (project empty). Spending on a line
can never exceed what was received on that line, so every scope's figures stay consistent.
"""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from renovation.access import ScopedQuerySet
from renovation.models import Audited
from renovation.validation import event_date, plan_year, stored_date_range, stored_year_range

ZERO = Decimal("0")
MONEY = {"max_digits": 16, "decimal_places": 2}


class Kind(models.TextChoices):
    """The four contributions (“4个一点”)."""

    # A context keeps these apart from the same English words elsewhere ("Residents" counts
    # people on the compound page).
    GOVERNMENT = "government", pgettext_lazy("funding kind", "Government")  # 政府补一点
    MARKET = "market", pgettext_lazy("funding kind", "Market")  # 市场投一点
    RESIDENTS = "residents", pgettext_lazy("funding kind", "Residents")  # 居民出一点
    SOCIETY = "society", pgettext_lazy("funding kind", "Society")  # 社会帮一点


class SubType(models.TextChoices):
    CENTRAL_SUBSIDY = "central_subsidy", _("Central subsidy")
    PROVINCIAL_SUBSIDY = "provincial_subsidy", _("Provincial subsidy")
    MUNICIPAL_SUBSIDY = "municipal_subsidy", _("Municipal subsidy")
    DISTRICT_BUDGET = "district_budget", _("District or county budget")
    SPECIAL_BOND = "special_bond", _("Special-purpose bond")
    GENERAL_BOND = "general_bond", _("General bond")
    POLICY_INSTRUMENT = "policy_instrument", _("Policy-based financial instrument")
    PROPERTY_UNIT = "property_unit", _("Property-rights unit contribution")
    SOCIAL_CAPITAL = "social_capital", _("Social capital or franchise")
    UTILITY = "utility", _("Utility company (in kind)")
    MAINTENANCE_FUND = "maintenance_fund", _("Housing maintenance fund")
    RESIDENT_SHARING = "resident_sharing", _("Resident cost sharing")
    PARKING_RIGHTS = "parking_rights", _("Parking-rights income")
    PUBLIC_INCOME = "public_income", _("Public-income transfer")
    DONATION = "donation", _("Donation")
    # A line as published that combines sub-types of one kind ("中央和省级补助"), until the
    # split is known (funding/lines.py); FundingSource.combines names the sub-types.
    COMBINED = "combined", _("Combined line (not yet split)")
    OTHER = "other", _("Other")


# Which kind each sub-type belongs to; "other" may be booked under any kind. The same mapping is
# a database check on FundingSource, so no path (admin, shell, import) can book, say, a special
# bond as residents' money.
SUBTYPE_KIND: dict[str, str | None] = {
    SubType.CENTRAL_SUBSIDY: Kind.GOVERNMENT,
    SubType.PROVINCIAL_SUBSIDY: Kind.GOVERNMENT,
    SubType.MUNICIPAL_SUBSIDY: Kind.GOVERNMENT,
    SubType.DISTRICT_BUDGET: Kind.GOVERNMENT,
    SubType.SPECIAL_BOND: Kind.GOVERNMENT,
    SubType.GENERAL_BOND: Kind.GOVERNMENT,
    SubType.POLICY_INSTRUMENT: Kind.GOVERNMENT,
    SubType.PROPERTY_UNIT: Kind.MARKET,
    SubType.SOCIAL_CAPITAL: Kind.MARKET,
    SubType.UTILITY: Kind.MARKET,
    SubType.MAINTENANCE_FUND: Kind.RESIDENTS,
    SubType.RESIDENT_SHARING: Kind.RESIDENTS,
    SubType.PARKING_RIGHTS: Kind.RESIDENTS,
    SubType.PUBLIC_INCOME: Kind.RESIDENTS,
    SubType.DONATION: Kind.SOCIETY,
    SubType.COMBINED: None,
    SubType.OTHER: None,
}


def subtypes_of(kind: str) -> list[str]:
    """Sub-types that may be booked under `kind`, in display order ("other" last); a combined
    line is not one of them (it names its own, see `FundingSource.combines`)."""
    return [
        st for st, k in SUBTYPE_KIND.items() if (k == kind or k is None) and st != SubType.COMBINED
    ]


def _kind_matches_subtype() -> Q:
    condition = Q(sub_type__in=[SubType.OTHER, SubType.COMBINED])
    for kind in Kind.values:
        condition |= Q(kind=kind, sub_type__in=[s for s, k in SUBTYPE_KIND.items() if k == kind])
    return condition


# --- Sources -------------------------------------------------------------------------------


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


# --- Resident contributions ----------------------------------------------------------------


class ContributionRule(Audited):
    """What residents are expected to pay under a programme: per m² of floor area (维修资金,
    at least 5 元/m² in 青羊) or per household (800 元 per household for water meters)."""

    class Basis(models.TextChoices):
        PER_M2 = "per_m2", _("per m² of floor area")
        PER_HOUSEHOLD = "per_household", _("per household")

    programme = models.ForeignKey(
        "programmes.Programme",
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="contribution_rules",
    )
    name = models.CharField(_("name"), max_length=128)
    sub_type = models.CharField(
        _("sub-type"),
        max_length=24,
        choices=[(s, SubType(s).label) for s in subtypes_of(Kind.RESIDENTS)],
    )
    basis = models.CharField(_("basis"), max_length=16, choices=Basis.choices)
    rate = models.DecimalField(_("rate (yuan)"), max_digits=10, decimal_places=2)
    year = models.PositiveSmallIntegerField(
        _("plan year"),
        null=True,
        blank=True,
        help_text=_("Applies to the projects of this plan year; leave empty for every year."),
        validators=[plan_year],
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("resident contribution rule")
        verbose_name_plural = _("resident contribution rules")
        ordering = ["programme_id", "name"]
        constraints = [
            stored_year_range("year", name="fund_contributionrule_year_range", earliest=1990),
            models.UniqueConstraint(fields=["programme", "name"], name="contributionrule_unique"),
            models.CheckConstraint(condition=Q(rate__gte=0), name="contributionrule_rate_nonneg"),
            models.CheckConstraint(
                condition=Q(sub_type__in=subtypes_of(Kind.RESIDENTS)),
                name="contributionrule_residents_subtype",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.rate} {self.get_basis_display()}"


# --- Commitments ---------------------------------------------------------------------------


class CommitmentQuerySet(ScopedQuerySet):
    # Project-level money is street business; programme-level money (project empty) is seen by
    # district-level users only — a street officer sees it through allocations to its projects.
    scope_paths: ClassVar = {
        "street": "project__compound__street",
        "district": "programme__district",
        "city": "programme__district__city",
    }


class Commitment(Audited):
    """Money (or work valued at an estimate) planned from a source.

    Never deleted: a wrong commitment is reversed by a counter-entry (冲销, `reverses`), a
    commitment of the opposite amount with the reason, so every sum over commitments is net
    (funding/corrections.py). A combined line split into its sub-types is reversed the same
    way and its parts point back to it (`split_from`, funding/lines.py)."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        APPROVED = "approved", _("Approved / pledged")

    class Mode(models.TextChoices):
        """How the contribution is made: money, or goods and work valued at an estimate (a gas
        company laying pipes free of charge, a water company replacing them)."""

        CASH = "cash", _("Money")  # 资金
        IN_KIND = "in_kind", _("In kind")  # 实物
        AGENCY_BUILD = "agency_build", _("Built on the programme's behalf")  # 代建
        FREE_WORKS = "free_works", _("Works done free of charge")  # 免费实施

    source = models.ForeignKey(
        FundingSource,
        verbose_name=_("funding source"),
        on_delete=models.PROTECT,
        related_name="commitments",
    )
    programme = models.ForeignKey(
        "programmes.Programme",
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="funding_commitments",
    )
    project = models.ForeignKey(
        "programmes.Project",
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="funding_commitments",
        help_text=_("Empty for programme-level money, which is allocated to projects."),
    )
    batch = models.ForeignKey(
        "programmes.Batch",
        verbose_name=_("batch"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="funding_commitments",
    )
    year = models.PositiveSmallIntegerField(_("budget year"), db_index=True, validators=[plan_year])
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    rule = models.ForeignKey(
        ContributionRule,
        verbose_name=_("resident contribution rule"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="commitments",
    )
    reference = models.CharField(_("document reference"), max_length=160, blank=True)
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=Status.choices,
        default=Status.PLANNED,
        editable=False,
        db_index=True,
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    approved_at = models.DateTimeField(
        _("approved at"), null=True, blank=True, editable=False, validators=[event_date]
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    mode = models.CharField(
        _("form of contribution"),
        max_length=16,
        choices=Mode.choices,
        default=Mode.CASH,
        help_text=_(
            "In kind, built or done free of charge: the amount is the estimated value, zero "
            "while it is not assessed."
        ),
    )
    works = models.TextField(
        _("work or goods contributed"),
        blank=True,
        default="",
        help_text=_("For a contribution in kind: what is supplied or done, and where."),
    )
    reverses = models.OneToOneField(
        "self",
        verbose_name=_("reverses"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="reversed_by",
    )
    reversal_reason = models.TextField(_("reason for the reversal"), blank=True, default="")
    split_from = models.ForeignKey(
        "self",
        verbose_name=_("split from"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="split_parts",
    )

    objects = CommitmentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("funding commitment")
        verbose_name_plural = _("funding commitments")
        ordering = ["programme_id", "-year", "id"]
        constraints = [
            stored_year_range("year", name="fund_commitment_year_range", earliest=1990),
            stored_date_range(
                "approved_at", name="fund_commitment_approved_at_range", is_datetime=True
            ),
            # An entry is never negative and its counter-entry never positive; money (unlike
            # an unassessed contribution in kind) is never planned at zero.
            models.CheckConstraint(
                condition=(
                    Q(reverses__isnull=True, amount__gte=0) & (~Q(mode="cash") | Q(amount__gt=0))
                )
                | Q(reverses__isnull=False, amount__lte=0),
                name="commitment_amount_sign",
            ),
            models.CheckConstraint(
                condition=Q(reverses__isnull=True) | ~Q(reversal_reason=""),
                name="commitment_reversal_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(mode="cash") | ~Q(works=""), name="commitment_in_kind_described"
            ),
            models.CheckConstraint(
                condition=Q(status="planned") | Q(approved_at__isnull=False),
                name="commitment_approved_has_time",
            ),
        ]

    def __str__(self) -> str:
        target = self.project if self.project_id else self.programme
        return f"{self.source} → {target} ({self.year})"

    def get_absolute_url(self) -> str:
        return reverse("funding:commitment-detail", args=[self.pk])

    @property
    def is_programme_level(self) -> bool:
        return self.project_id is None

    @property
    def is_reversal(self) -> bool:
        return self.reverses_id is not None

    @property
    def in_kind(self) -> bool:
        return self.mode != self.Mode.CASH

    @property
    def value_assessed(self) -> bool:
        """False for a contribution in kind booked at zero: its value is not assessed yet."""
        return not self.in_kind or self.amount != 0 or self.is_reversal


class AllocationQuerySet(ScopedQuerySet):
    scope_paths: ClassVar = {
        "street": "project__compound__street",
        "district": "commitment__programme__district",
        "city": "commitment__programme__district__city",
    }


class Allocation(Audited):
    """The part of a programme-level commitment earmarked for one project."""

    commitment = models.ForeignKey(
        Commitment,
        verbose_name=_("funding commitment"),
        on_delete=models.PROTECT,
        related_name="allocations",
    )
    project = models.ForeignKey(
        "programmes.Project",
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        related_name="funding_allocations",
    )
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = AllocationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        ordering = ["commitment_id", "project_id"]
        constraints = [
            models.UniqueConstraint(fields=["commitment", "project"], name="allocation_unique"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="allocation_amount_nonneg"),
        ]

    def __str__(self) -> str:
        return f"{self.commitment.source} → {self.project}: {self.amount}"


class LineRecordQuerySet(ScopedQuerySet):
    """Receipts and expenditures: a street officer sees those booked for its projects; the
    district sees every record of its programmes, including the unassigned pool."""

    scope_paths: ClassVar = {
        "street": "project__compound__street",
        "district": "commitment__programme__district",
        "city": "commitment__programme__district__city",
    }


class LineRecord(Audited):
    commitment = models.ForeignKey(
        Commitment,
        verbose_name=_("funding commitment"),
        on_delete=models.PROTECT,
        related_name="%(class)ss",
    )
    # The project the money is for: the commitment's own project, an allocated project of a
    # programme-level commitment, or empty for the programme's unassigned pool.
    project = models.ForeignKey(
        "programmes.Project",
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="funding_%(class)ss",
    )
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    note = models.TextField(_("note"), blank=True)
    # A wrong record is never deleted: its counter-entry (冲销) has the opposite amount, the same
    # line and date, and the reason, so every sum is net (funding/corrections.py).
    reverses = models.OneToOneField(
        "self",
        verbose_name=_("reverses"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="reversed_by",
    )
    reversal_reason = models.TextField(_("reason for the reversal"), blank=True, default="")
    # Re-booked from a record of another line (a combined line split into its sub-types).
    moved_from = models.ForeignKey(
        "self",
        verbose_name=_("moved from"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="moved_to",
    )

    objects = LineRecordQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_reversal(self) -> bool:
        return self.reverses_id is not None


def _sign_constraints(model: str) -> list[models.CheckConstraint]:
    """A record is positive and its counter-entry negative; a counter-entry gives its reason."""
    return [
        models.CheckConstraint(
            condition=Q(reverses__isnull=True, amount__gt=0)
            | Q(reverses__isnull=False, amount__lt=0),
            name=f"{model}_amount_sign",
        ),
        models.CheckConstraint(
            condition=Q(reverses__isnull=True) | ~Q(reversal_reason=""),
            name=f"{model}_reversal_has_reason",
        ),
    ]


class Receipt(LineRecord):
    """Money that has actually arrived (到位)."""

    received_on = models.DateField(_("received on"), db_index=True, validators=[event_date])
    over_reason = models.TextField(
        _("reason for receiving more than committed"),
        blank=True,
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        ordering = ["-received_on", "-id"]
        constraints = [
            stored_date_range("received_on", name="fund_receipt_received_on_range"),
            *_sign_constraints("receipt"),
        ]

    def __str__(self) -> str:
        return f"{self.received_on} {self.amount}"

    def get_absolute_url(self) -> str:
        return reverse("funding:receipt-detail", args=[self.pk])


class Expenditure(LineRecord):
    spent_on = models.DateField(_("spent on"), db_index=True, validators=[event_date])
    work_item = models.ForeignKey(
        "programmes.WorkItem",
        verbose_name=_("work item"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="expenditures",
    )
    payee = models.CharField(_("payee"), max_length=160, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("expenditure")
        verbose_name_plural = _("expenditures")
        ordering = ["-spent_on", "-id"]
        constraints = [
            stored_date_range("spent_on", name="fund_expenditure_spent_on_range"),
            *_sign_constraints("expenditure"),
        ]

    def __str__(self) -> str:
        return f"{self.spent_on} {self.amount}"

    def get_absolute_url(self) -> str:
        return reverse("funding:expenditure-detail", args=[self.pk])


# --- Vouchers ------------------------------------------------------------------------------

# Scans and electronic documents accepted as vouchers (凭证): PDF, OFD (China's electronic
# invoice format) and photos of paper slips. The content is checked, not only the name
# (renovation.uploads.check_voucher).
VOUCHER_EXTENSIONS = ["pdf", "ofd", "jpg", "jpeg", "png"]


def voucher_path(instance: Voucher, filename: str) -> str:
    stamp = timezone.now().strftime("%Y/%m")
    return f"funding/vouchers/{stamp}/{filename}"


class Voucher(Audited):
    """A bank slip, invoice or payment order (凭证) attached to a receipt or an expenditure.
    Attached, never replaced or deleted: a record's vouchers are part of its history."""

    receipt = models.ForeignKey(
        Receipt,
        verbose_name=_("receipt"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="vouchers",
    )
    # The record's line, copied from it (records never move): scoped like the record itself.
    commitment = models.ForeignKey(
        Commitment,
        verbose_name=_("funding commitment"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    project = models.ForeignKey(
        "programmes.Project",
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    expenditure = models.ForeignKey(
        Expenditure,
        verbose_name=_("expenditure"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="vouchers",
    )
    file = models.FileField(
        _("file"),
        upload_to=voucher_path,
        max_length=255,
        validators=[FileExtensionValidator(VOUCHER_EXTENSIONS)],
    )
    title = models.CharField(
        _("description"),
        max_length=160,
        help_text=_("For example 银行进账单, 增值税发票, 支付凭证."),
    )
    size = models.PositiveIntegerField(_("size (bytes)"))

    objects = LineRecordQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("voucher")
        verbose_name_plural = _("vouchers")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(receipt__isnull=False, expenditure__isnull=True)
                | Q(receipt__isnull=True, expenditure__isnull=False),
                name="voucher_of_one_record",
            ),
            models.CheckConstraint(condition=~Q(title=""), name="voucher_titled"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def record(self) -> Receipt | Expenditure | None:
        return self.receipt if self.receipt_id else self.expenditure

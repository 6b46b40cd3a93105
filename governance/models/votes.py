"""Owners' votes under Civil Code art. 278: the rule sets, the votes and their ballots."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from renovation.access import ScopedQuerySet
from renovation.models import Audited
from renovation.validation import event_date, plan_date, stored_date_range

from ._common import ZERO, CompoundScopedQuerySet, ScopeKind, scope_constraints


class Matter(models.TextChoices):
    """The matters of Civil Code art. 278 that decide which approval threshold applies."""

    ELECT_COMMITTEE = "elect_committee", _("Electing or replacing the owners' committee")
    USE_FUND = "use_fund", _("Using the maintenance fund")
    RAISE_FUND = "raise_fund", _("Raising the maintenance fund")
    RENOVATE = "renovate", _("Renovating or rebuilding buildings and facilities")
    CHANGE_USE = "change_use", _("Changing the use of common parts")
    OTHER = "other", _("Other matters")


class VoteRuleSet(models.Model):
    """Thresholds for owners' votes, versioned by city and date. A rule set without a city is
    the national default (the Civil Code); a city's own set takes precedence from its date."""

    city = models.ForeignKey(
        "programmes.City",
        verbose_name=_("city"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="vote_rule_sets",
    )
    name = models.CharField(_("name"), max_length=128)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    effective_from = models.DateField(_("effective from"), validators=[plan_date])

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("vote rule set")
        verbose_name_plural = _("vote rule sets")
        ordering = ["city_id", "-effective_from"]
        constraints = [
            stored_date_range("effective_from", name="gov_voteruleset_effective_from_range"),
            models.UniqueConstraint(
                fields=["city", "effective_from"], name="voteruleset_one_per_city_and_date"
            ),
            models.UniqueConstraint(
                fields=["effective_from"],
                condition=Q(city__isnull=True),
                name="voteruleset_one_default_per_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.effective_from})"


class VoteRule(models.Model):
    """For one matter: who must take part (of all owners, by area and by heads) and who must
    agree (of those taking part, by area and by heads), as exact fractions."""

    rule_set = models.ForeignKey(
        VoteRuleSet, verbose_name=_("rule set"), on_delete=models.CASCADE, related_name="rules"
    )
    matter = models.CharField(_("matter"), max_length=24, choices=Matter.choices)
    quorum_numerator = models.PositiveSmallIntegerField(_("quorum numerator"), default=2)
    quorum_denominator = models.PositiveSmallIntegerField(_("quorum denominator"), default=3)
    quorum_strict = models.BooleanField(
        _("quorum must be exceeded"),
        default=False,
        help_text=_("“More than” instead of “at least”."),
    )
    approval_numerator = models.PositiveSmallIntegerField(_("approval numerator"))
    approval_denominator = models.PositiveSmallIntegerField(_("approval denominator"))
    approval_strict = models.BooleanField(
        _("approval must be exceeded"),
        default=False,
        help_text=_("“More than” instead of “at least”."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("vote rule")
        verbose_name_plural = _("vote rules")
        ordering = ["rule_set_id", "matter"]
        constraints = [
            models.UniqueConstraint(fields=["rule_set", "matter"], name="voterule_one_per_matter"),
            models.CheckConstraint(
                condition=Q(quorum_denominator__gt=0)
                & Q(quorum_numerator__lte=F("quorum_denominator")),
                name="voterule_quorum_is_a_fraction",
            ),
            models.CheckConstraint(
                condition=Q(approval_denominator__gt=0)
                & Q(approval_numerator__lte=F("approval_denominator")),
                name="voterule_approval_is_a_fraction",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule_set}: {self.get_matter_display()}"


class OwnerVote(Audited):
    """An owners' vote on one matter over a compound, a building or one building unit.

    The tallies are entered as totals or computed from imported ballots; the service evaluates
    them against the rule set in force on the vote date and stores the outcome with the rule set
    used, so a later rule change never rewrites a past result."""

    class TallyMethod(models.TextChoices):
        NONE = "none", _("Not tallied yet")
        TOTALS = "totals", _("Totals")
        BALLOTS = "ballots", _("Per-owner ballots")

    compound = models.ForeignKey(
        "programmes.Compound",
        verbose_name=_("compound"),
        on_delete=models.CASCADE,
        related_name="owner_votes",
    )
    project = models.ForeignKey(
        "programmes.Project",
        verbose_name=_("project"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owner_votes",
    )
    scope_kind = models.CharField(
        _("scope"), max_length=16, choices=ScopeKind.choices, default=ScopeKind.COMPOUND
    )
    building = models.ForeignKey(
        "programmes.Building",
        verbose_name=_("building"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owner_votes",
    )
    unit = models.CharField(_("unit"), max_length=32, blank=True)
    matter = models.CharField(_("matter"), max_length=24, choices=Matter.choices)
    title = models.CharField(_("title"), max_length=160)
    held_on = models.DateField(_("vote closed on"), validators=[event_date])
    eligible_owners = models.PositiveIntegerField(
        _("owners entitled to vote"), validators=[MinValueValidator(1)]
    )
    eligible_area = models.DecimalField(
        _("exclusive floor area of all owners (m²)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    tally_method = models.CharField(
        _("tally"), max_length=16, choices=TallyMethod.choices, default=TallyMethod.NONE
    )
    participating_owners = models.PositiveIntegerField(_("owners taking part"), default=0)
    participating_area = models.DecimalField(
        _("area of owners taking part (m²)"), max_digits=12, decimal_places=2, default=ZERO
    )
    agree_owners = models.PositiveIntegerField(_("owners in favour"), default=0)
    agree_area = models.DecimalField(
        _("area of owners in favour (m²)"), max_digits=12, decimal_places=2, default=ZERO
    )
    oppose_owners = models.PositiveIntegerField(_("owners against"), default=0)
    oppose_area = models.DecimalField(
        _("area of owners against (m²)"), max_digits=12, decimal_places=2, default=ZERO
    )
    # The outcome, kept by the tally service with the rule set it applied.
    rule_set = models.ForeignKey(
        VoteRuleSet,
        verbose_name=_("rule set applied"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    quorum_reached = models.BooleanField(_("quorum reached"), default=False, editable=False)
    passed = models.BooleanField(_("passed"), default=False, editable=False, db_index=True)
    tallied_at = models.DateTimeField(
        _("tallied at"), null=True, blank=True, editable=False, validators=[event_date]
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = CompoundScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("owners' vote")
        verbose_name_plural = _("owners' votes")
        ordering = ["compound_id", "-held_on", "-id"]
        constraints = [
            stored_date_range(
                "tallied_at", name="gov_ownervote_tallied_at_range", is_datetime=True
            ),
            stored_date_range("held_on", name="gov_ownervote_held_on_range"),
            *scope_constraints("ownervote"),
            models.CheckConstraint(condition=Q(eligible_owners__gt=0), name="vote_owners_positive"),
            models.CheckConstraint(condition=Q(eligible_area__gt=0), name="vote_area_positive"),
            models.CheckConstraint(
                condition=Q(participating_owners__lte=F("eligible_owners"))
                & Q(participating_area__lte=F("eligible_area")),
                name="vote_participation_within_eligible",
            ),
            models.CheckConstraint(
                condition=Q(
                    participating_owners__gte=F("agree_owners") + F("oppose_owners"),
                    participating_area__gte=F("agree_area") + F("oppose_area"),
                ),
                name="vote_answers_within_participation",
            ),
            models.CheckConstraint(
                condition=Q(participating_area__gte=0)
                & Q(agree_area__gte=0)
                & Q(oppose_area__gte=0),
                name="vote_areas_nonnegative",
            ),
            models.CheckConstraint(
                condition=Q(passed=False) | Q(quorum_reached=True),
                name="vote_passed_needs_quorum",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("governance:vote-detail", args=[self.pk])

    @property
    def is_tallied(self) -> bool:
        return self.tally_method != self.TallyMethod.NONE

    @property
    def abstain_owners(self) -> int:
        return self.participating_owners - self.agree_owners - self.oppose_owners

    @property
    def abstain_area(self) -> Decimal:
        return self.participating_area - self.agree_area - self.oppose_area

    @property
    def scope_display(self) -> str:
        if self.scope_kind == ScopeKind.COMPOUND:
            return str(ScopeKind.COMPOUND.label)
        building = self.building.name if self.building_id else ""
        return f"{building} {self.unit}".strip()


class BallotQuerySet(ScopedQuerySet):
    scope_paths: ClassVar = {
        "street": "vote__compound__street",
        "district": "vote__compound__street__district",
        "city": "vote__compound__street__district__city",
    }


class Ballot(models.Model):
    """One owner's vote for one exclusive part (room). Owners with several rooms count once by
    heads (Supreme People's Court interpretation on building ownership, art. 9) but with all their
    area; `owner` identifies them and is personal data."""

    class Choice(models.TextChoices):
        AGREE = "agree", _("In favour")
        OPPOSE = "oppose", _("Against")
        ABSTAIN = "abstain", _("Abstained")

    vote = models.ForeignKey(
        OwnerVote, verbose_name=_("vote"), on_delete=models.CASCADE, related_name="ballots"
    )
    room = models.CharField(_("room"), max_length=64)
    owner = models.CharField(_("owner"), max_length=64, blank=True)
    area = models.DecimalField(_("exclusive area (m²)"), max_digits=10, decimal_places=2)
    choice = models.CharField(_("choice"), max_length=8, choices=Choice.choices)

    objects = BallotQuerySet.as_manager()

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        ordering = ["vote_id", "room"]
        constraints = [
            models.UniqueConstraint(fields=["vote", "room"], name="ballot_one_per_room"),
            models.CheckConstraint(condition=Q(area__gt=0), name="ballot_area_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.vote_id} {self.room}"

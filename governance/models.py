"""Resident governance (先自治后整治): committees, meetings, surveys, owners' votes, suggestions,
satisfaction, long-term management, maintenance-fund collection and public disclosure.

Every record hangs off a compound (or a project of one) and is scoped through its street, so a
street officer reads and writes only its own street's records. Names and phone numbers of
committee members and the contact left with a suggestion are personal data: selectors mask them
for roles that do not need them, and public pages never show them.
"""

from __future__ import annotations

import secrets
from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.core.validators import FileExtensionValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from renovation.access import ScopedQuerySet
from renovation.figures.rounding import rate
from renovation.models import Audited
from renovation.validation import event_date, plan_date, stored_date_range

ZERO = Decimal("0")
HUNDRED = Decimal("100")


def percent(part, whole) -> Decimal | None:
    """`part` of `whole` in percent by the one rule of rates (one decimal place, half up);
    None when there is no whole."""
    return rate(part, whole)


class ProjectScopedQuerySet(ScopedQuerySet):
    scope_paths: ClassVar = {
        "street": "project__compound__street",
        "district": "project__compound__street__district",
        "city": "project__compound__street__district__city",
    }


class CompoundScopedQuerySet(ScopedQuerySet):
    scope_paths: ClassVar = {
        "street": "compound__street",
        "district": "compound__street__district",
        "city": "compound__street__district__city",
    }


class ScopeKind(models.TextChoices):
    """What a survey or a vote covers; elevator retrofits are decided per building unit."""

    COMPOUND = "compound", _("Whole compound")
    BUILDING = "building", _("One building")
    UNIT = "unit", _("One building unit")


def scope_constraints(prefix: str) -> list[models.CheckConstraint]:
    """A building is named exactly when the scope is a building or a unit, and a unit label
    exactly when the scope is a unit."""
    return [
        models.CheckConstraint(
            condition=(Q(scope_kind="compound") & Q(building__isnull=True))
            | (~Q(scope_kind="compound") & Q(building__isnull=False)),
            name=f"{prefix}_building_matches_scope",
        ),
        models.CheckConstraint(
            condition=(Q(scope_kind="unit") & ~Q(unit="")) | (~Q(scope_kind="unit") & Q(unit="")),
            name=f"{prefix}_unit_matches_scope",
        ),
    ]


# --- Committees ----------------------------------------------------------------------------


class ResidentCommittee(Audited):
    """A residents' organisation for one compound (or, when formed jointly, for an area)."""

    class Kind(models.TextChoices):
        SELF_RENOVATION = "self_renovation", _("Self-renovation committee")
        OWNERS = "owners", _("Owners' committee")
        PROPERTY_MANAGEMENT = "property_management", _("Property management committee")
        PARTY_BRANCH = "party_branch", _("Courtyard party branch")
        VOLUNTEER_TEAM = "volunteer_team", _("Volunteer team")
        GRID_TEAM = "grid_team", _("Grid workers")

    # The street that records and answers for the committee: the compound's street, or for a
    # committee formed across an area, the street office that set it up.
    street = models.ForeignKey(
        "programmes.Street",
        verbose_name=_("street office"),
        on_delete=models.PROTECT,
        related_name="resident_committees",
    )
    compound = models.ForeignKey(
        "programmes.Compound",
        verbose_name=_("compound"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="committees",
    )
    area = models.ForeignKey(
        "programmes.Area",
        verbose_name=_("area"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="committees",
    )
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices, db_index=True)
    name = models.CharField(_("name"), max_length=128)
    formed_on = models.DateField(_("formed on"), validators=[event_date])
    term_ends_on = models.DateField(
        _("term ends on"), null=True, blank=True, validators=[plan_date]
    )
    # Members in total: teams of volunteers or grid workers are often counted, not listed.
    headcount = models.PositiveIntegerField(
        _("members in total"),
        default=0,
        help_text=_("Including members not listed by name."),
    )
    notes = models.TextField(_("notes"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("resident committee")
        verbose_name_plural = _("resident committees")
        ordering = ["street_id", "compound_id", "kind", "formed_on", "id"]
        constraints = [
            stored_date_range("term_ends_on", name="gov_residentcommittee_term_ends_on_range"),
            stored_date_range("formed_on", name="gov_residentcommittee_formed_on_range"),
            models.CheckConstraint(
                condition=Q(compound__isnull=False) | Q(area__isnull=False),
                name="committee_has_compound_or_area",
            ),
            models.CheckConstraint(
                condition=Q(term_ends_on__isnull=True) | Q(term_ends_on__gte=F("formed_on")),
                name="committee_term_after_formed",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def is_active_on(self, day) -> bool:
        return self.formed_on <= day and (self.term_ends_on is None or self.term_ends_on >= day)


phone_validator = RegexValidator(
    r"^\+?[0-9][0-9 -]{5,19}$", _("Enter a phone number of digits (spaces and dashes allowed).")
)


class CommitteeMemberQuerySet(ScopedQuerySet):
    scope_paths: ClassVar = {
        "street": "committee__street",
        "district": "committee__street__district",
        "city": "committee__street__district__city",
    }


class CommitteeMember(Audited):
    """A named member. Name and phone are personal data (masked by selectors, never public)."""

    class Role(models.TextChoices):
        CHAIR = "chair", _("Chair")
        VICE_CHAIR = "vice_chair", _("Vice chair")
        SECRETARY = "secretary", _("Party secretary")
        MEMBER = "member", _("Member")
        GRID_WORKER = "grid_worker", _("Grid worker")
        VOLUNTEER = "volunteer", _("Volunteer")

    committee = models.ForeignKey(
        ResidentCommittee,
        verbose_name=_("committee"),
        on_delete=models.CASCADE,
        related_name="members",
    )
    name = models.CharField(_("name"), max_length=64)
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    building = models.CharField(_("building"), max_length=32, blank=True)
    unit = models.CharField(_("unit"), max_length=32, blank=True)
    is_party_member = models.BooleanField(_("party member"), default=False)
    phone = models.CharField(_("phone"), max_length=24, blank=True, validators=[phone_validator])

    objects = CommitteeMemberQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("committee member")
        verbose_name_plural = _("committee members")
        ordering = ["committee_id", "role", "id"]

    def __str__(self) -> str:
        # Deliberately not the name: __str__ ends up in logs and admin history.
        return f"{self.committee} · {self.get_role_display()} #{self.pk}"


# --- Meetings and surveys ------------------------------------------------------------------


def minutes_path(instance: Meeting, filename: str) -> str:
    stamp = timezone.now().strftime("%Y/%m")
    return f"governance/minutes/{stamp}/{instance.compound_id}/{filename}"


class Meeting(Audited):
    """A consultation: courtyard meeting (坝坝会), bench meeting (板凳会), hearing and so on."""

    class Kind(models.TextChoices):
        COURTYARD = "courtyard", _("Courtyard meeting (坝坝会)")
        BENCH = "bench", _("Bench meeting (板凳会)")
        REPRESENTATIVES = "representatives", _("Residents' representatives meeting")
        HEARING = "hearing", _("Hearing")
        DESIGN_REVIEW = "design_review", _("Joint design review")

    compound = models.ForeignKey(
        "programmes.Compound",
        verbose_name=_("compound"),
        on_delete=models.CASCADE,
        related_name="meetings",
    )
    project = models.ForeignKey(
        "programmes.Project",
        verbose_name=_("project"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meetings",
    )
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    held_on = models.DateField(_("held on"), validators=[event_date])
    attendance = models.PositiveIntegerField(_("attendance"))
    topics = models.TextField(_("topics"))
    resolutions = models.TextField(_("resolutions"), blank=True)
    minutes = models.FileField(
        _("minutes"),
        upload_to=minutes_path,
        blank=True,
        validators=[FileExtensionValidator(["pdf", "doc", "docx", "jpg", "jpeg", "png"])],
    )

    objects = CompoundScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        constraints = [
            stored_date_range("held_on", name="gov_meeting_held_on_range"),
        ]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["compound_id", "-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.held_on}"


class OpinionSurvey(Audited):
    """Forms issued and returned, and how residents answered. The support rate is the share of
    returned forms in favour; the programme's threshold gates leaving consultation."""

    project = models.ForeignKey(
        "programmes.Project",
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="surveys",
    )
    held_on = models.DateField(_("closed on"), validators=[event_date])
    scope_label = models.CharField(
        _("scope"), max_length=128, blank=True, help_text=_("Compound, building or unit.")
    )
    scope_kind = models.CharField(
        _("scope kind"), max_length=16, choices=ScopeKind.choices, default=ScopeKind.COMPOUND
    )
    building = models.ForeignKey(
        "programmes.Building",
        verbose_name=_("building"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="surveys",
    )
    unit = models.CharField(_("unit"), max_length=32, blank=True)
    forms_issued = models.PositiveIntegerField(_("forms issued"))
    forms_returned = models.PositiveIntegerField(_("forms returned"))
    support = models.PositiveIntegerField(_("in favour"))
    oppose = models.PositiveIntegerField(_("against"), default=0)
    abstain = models.PositiveIntegerField(_("abstained"), default=0)
    suggestions = models.PositiveIntegerField(_("suggestions collected"), default=0)

    objects = ProjectScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("opinion survey")
        verbose_name_plural = _("opinion surveys")
        ordering = ["project_id", "-held_on", "-id"]
        constraints = [
            stored_date_range("held_on", name="gov_opinionsurvey_held_on_range"),
            models.CheckConstraint(
                condition=Q(forms_returned__lte=F("forms_issued")),
                name="survey_returned_not_above_issued",
            ),
            models.CheckConstraint(
                condition=Q(
                    forms_returned__gte=F("support") + F("oppose") + F("abstain"),
                ),
                name="survey_answers_not_above_returned",
            ),
            *scope_constraints("survey"),
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.held_on}"

    @property
    def support_rate(self) -> Decimal:
        """Percent of returned forms in favour, to one decimal place."""
        return rate(self.support, self.forms_returned) or Decimal("0.0")


# --- Owners' votes (Civil Code art. 278) ---------------------------------------------------


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


# --- Suggestions and complaints ------------------------------------------------------------


class Suggestion(Audited):
    """A resident's suggestion, complaint or objection (诉求): received, assigned, answered,
    closed. The contact is optional, personal, and never shown on public pages."""

    class Kind(models.TextChoices):
        SUGGESTION = "suggestion", _("Suggestion")
        COMPLAINT = "complaint", _("Complaint")
        OBJECTION = "objection", _("Objection to the disclosed plan")

    class Channel(models.TextChoices):
        MEETING = "meeting", _("At a meeting")
        VISIT = "visit", _("Home visit")
        PHONE = "phone", _("Phone or hotline")
        ONLINE = "online", _("Online")
        PUBLIC = "public", _("Public disclosure page")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        ASSIGNED = "assigned", _("Assigned")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", _("Closed")

    compound = models.ForeignKey(
        "programmes.Compound",
        verbose_name=_("compound"),
        on_delete=models.CASCADE,
        related_name="suggestions",
    )
    project = models.ForeignKey(
        "programmes.Project",
        verbose_name=_("project"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="suggestions",
    )
    disclosure = models.ForeignKey(
        "Disclosure",
        verbose_name=_("disclosure"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="suggestions",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    text = models.TextField(_("suggestion"))
    contact = models.CharField(_("contact (optional)"), max_length=64, blank=True)
    received_at = models.DateTimeField(
        _("received at"), default=timezone.now, db_index=True, validators=[event_date]
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.RECEIVED, db_index=True
    )
    assigned_to = models.CharField(_("assigned to"), max_length=128, blank=True)
    assigned_at = models.DateTimeField(
        _("assigned at"), null=True, blank=True, validators=[event_date]
    )
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(
        _("answered at"), null=True, blank=True, validators=[event_date]
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, validators=[event_date])
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = CompoundScopedQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["contact"])

    class Meta:
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
        ordering = ["-received_at", "-id"]
        constraints = [
            stored_date_range("closed_at", name="gov_suggestion_closed_at_range", is_datetime=True),
            stored_date_range(
                "answered_at", name="gov_suggestion_answered_at_range", is_datetime=True
            ),
            stored_date_range(
                "assigned_at", name="gov_suggestion_assigned_at_range", is_datetime=True
            ),
            stored_date_range(
                "received_at", name="gov_suggestion_received_at_range", is_datetime=True
            ),
            models.CheckConstraint(
                condition=Q(status__in=["received", "assigned"])
                | (Q(answered_at__isnull=False) & ~Q(answer="")),
                name="suggestion_answered_has_answer",
            ),
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True) | Q(answered_at__gte=F("received_at")),
                name="suggestion_answer_after_receipt",
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | Q(closed_at__isnull=False),
                name="suggestion_closed_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def hours_to_answer(self) -> Decimal | None:
        if self.answered_at is None:
            return None
        seconds = Decimal((self.answered_at - self.received_at).total_seconds())
        return (seconds / 3600).quantize(Decimal("0.1"))


# --- After the works -----------------------------------------------------------------------


class SatisfactionSurvey(Audited):
    """The joint evaluation after acceptance (效果共评): how many residents answered and how many
    were satisfied. One is needed before a project is handed over to long-term management."""

    project = models.ForeignKey(
        "programmes.Project",
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="satisfaction_surveys",
    )
    held_on = models.DateField(_("held on"), validators=[event_date])
    respondents = models.PositiveIntegerField(_("respondents"), validators=[MinValueValidator(1)])
    satisfied = models.PositiveIntegerField(_("satisfied"))
    dissatisfied = models.PositiveIntegerField(_("dissatisfied"), default=0)
    notes = models.TextField(_("notes"), blank=True)

    objects = ProjectScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("satisfaction evaluation")
        verbose_name_plural = _("satisfaction evaluations")
        ordering = ["project_id", "-held_on", "-id"]
        constraints = [
            stored_date_range("held_on", name="gov_satisfactionsurvey_held_on_range"),
            models.CheckConstraint(
                condition=Q(respondents__gt=0), name="satisfaction_has_respondents"
            ),
            models.CheckConstraint(
                condition=Q(respondents__gte=F("satisfied") + F("dissatisfied")),
                name="satisfaction_answers_within_respondents",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.held_on}"

    @property
    def satisfied_rate(self) -> Decimal | None:
        return percent(self.satisfied, self.respondents)


class LongTermManagement(Audited):
    """How the compound is looked after once the works are done (长效管理)."""

    class Mode(models.TextChoices):
        PROPERTY_COMPANY = "property_company", _("Professional property company")
        SELF_MANAGEMENT = "self_management", _("Residents' self-management")
        COMMUNITY_SERVICE = "community_service", _("Community property service")
        PUBLIC_BENEFIT = "public_benefit", _("Public-benefit or low-margin property service")

    compound = models.ForeignKey(
        "programmes.Compound",
        verbose_name=_("compound"),
        on_delete=models.CASCADE,
        related_name="management_arrangements",
    )
    project = models.ForeignKey(
        "programmes.Project",
        verbose_name=_("project"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="management_arrangements",
    )
    mode = models.CharField(_("mode"), max_length=24, choices=Mode.choices)
    provider = models.CharField(_("provider"), max_length=160, blank=True)
    fee_per_m2 = models.DecimalField(
        _("fee (yuan per m² per month)"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(ZERO)],
    )
    starts_on = models.DateField(_("starts on"), validators=[plan_date])
    decided_by = models.ForeignKey(
        OwnerVote,
        verbose_name=_("decided by vote"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    notes = models.TextField(_("notes"), blank=True)

    objects = CompoundScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("long-term management")
        verbose_name_plural = _("long-term management arrangements")
        ordering = ["compound_id", "-starts_on", "-id"]
        constraints = [
            stored_date_range("starts_on", name="gov_longtermmanagement_starts_on_range"),
            models.CheckConstraint(condition=Q(fee_per_m2__gte=0), name="ltm_fee_nonnegative"),
        ]

    def __str__(self) -> str:
        return f"{self.compound} · {self.get_mode_display()}"


class FundCollection(Audited):
    """Collection of the residents' maintenance fund for a project (维修资金归集): one row per
    project, updated as money comes in."""

    project = models.OneToOneField(
        "programmes.Project",
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="fund_collection",
    )
    as_of = models.DateField(_("as of"), validators=[event_date])
    standard = models.CharField(
        _("standard"), max_length=64, blank=True, help_text=_("For example 5 yuan per m².")
    )
    households_expected = models.PositiveIntegerField(
        _("households expected to pay"), validators=[MinValueValidator(1)]
    )
    households_paid = models.PositiveIntegerField(_("households paid"))
    amount_expected = models.DecimalField(
        _("amount expected (yuan)"), max_digits=14, decimal_places=2
    )
    amount_collected = models.DecimalField(
        _("amount collected (yuan)"), max_digits=14, decimal_places=2
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ProjectScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("maintenance-fund collection")
        verbose_name_plural = _("maintenance-fund collections")
        constraints = [
            stored_date_range("as_of", name="gov_fundcollection_as_of_range"),
            models.CheckConstraint(
                condition=Q(households_expected__gt=0)
                & Q(households_paid__lte=F("households_expected")),
                name="fund_paid_within_expected",
            ),
            models.CheckConstraint(
                condition=Q(amount_expected__gte=0) & Q(amount_collected__gte=0),
                name="fund_amounts_nonnegative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.as_of}"

    @property
    def household_rate(self) -> Decimal | None:
        return percent(self.households_paid, self.households_expected)

    @property
    def amount_rate(self) -> Decimal | None:
        return percent(self.amount_collected, self.amount_expected)


# --- Public disclosure ---------------------------------------------------------------------


def new_public_token() -> str:
    """An unguessable slug for the public page: the URL goes on a notice board and stays."""
    return secrets.token_urlsafe(12)


class DisclosureQuerySet(ProjectScopedQuerySet):
    def public(self) -> DisclosureQuerySet:
        return self.filter(published=True)


class Disclosure(Audited):
    """The plan and its cost shown publicly (公示) for a window, with a deadline for objections."""

    project = models.ForeignKey(
        "programmes.Project",
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="disclosures",
    )
    title = models.CharField(_("title"), max_length=160)
    summary = models.TextField(_("plan summary"))
    window_starts_on = models.DateField(_("disclosure starts on"), validators=[plan_date])
    window_ends_on = models.DateField(_("disclosure ends on"), validators=[plan_date])
    objection_deadline = models.DateField(_("objections accepted until"), validators=[plan_date])
    published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(
        _("published at"), null=True, blank=True, editable=False, validators=[event_date]
    )
    token = models.SlugField(
        _("public link"), max_length=32, unique=True, default=new_public_token, editable=False
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = DisclosureQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("disclosure")
        verbose_name_plural = _("disclosures")
        ordering = ["project_id", "-window_starts_on", "-id"]
        constraints = [
            stored_date_range(
                "published_at", name="gov_disclosure_published_at_range", is_datetime=True
            ),
            stored_date_range("objection_deadline", name="gov_disclosure_objection_deadline_range"),
            stored_date_range("window_ends_on", name="gov_disclosure_window_ends_on_range"),
            stored_date_range("window_starts_on", name="gov_disclosure_window_starts_on_range"),
            models.CheckConstraint(
                condition=Q(window_ends_on__gte=F("window_starts_on")),
                name="disclosure_window_ordered",
            ),
            models.CheckConstraint(
                condition=Q(objection_deadline__gte=F("window_starts_on"))
                & Q(objection_deadline__lte=F("window_ends_on")),
                name="disclosure_deadline_in_window",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("governance:public-disclosure", args=[self.token])

    def accepts_objections_on(self, day) -> bool:
        return self.published and self.window_starts_on <= day <= self.objection_deadline


# Defined in a module of its own (the public form's rate limit); imported so the app loads it.
from governance.public_limits import PublicSubmissionCount  # noqa: E402, F401

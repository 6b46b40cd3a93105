"""Resident committees (自改委, 业委会, 院落党支部) and their members."""

from __future__ import annotations

from typing import ClassVar

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from renovation.access import ScopedQuerySet
from renovation.models import Audited
from renovation.validation import event_date, plan_date, stored_date_range


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

"""Meetings (坝坝会, 板凳会) and opinion surveys (意愿征集)."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from renovation.figures.rounding import rate
from renovation.models import Audited
from renovation.validation import event_date, stored_date_range

from ._common import CompoundScopedQuerySet, ProjectScopedQuerySet, ScopeKind, scope_constraints


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

"""Resident governance. The opinion survey (意愿征集) comes first: it gates consultation."""

from decimal import Decimal
from typing import ClassVar

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from renovation.access import ScopedQuerySet
from renovation.models import Audited


class OpinionSurveyQuerySet(ScopedQuerySet):
    scope_paths: ClassVar = {
        "street": "project__compound__street",
        "district": "project__compound__street__district",
        "city": "project__compound__street__district__city",
    }


class OpinionSurvey(Audited):
    """Forms issued and returned, and how residents answered. The support rate is the share of
    returned forms in favour; the programme's threshold gates leaving consultation."""

    project = models.ForeignKey(
        "programmes.Project",
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="surveys",
    )
    held_on = models.DateField(_("closed on"))
    scope_label = models.CharField(
        _("scope"), max_length=128, blank=True, help_text=_("Compound, building or unit.")
    )
    forms_issued = models.PositiveIntegerField(_("forms issued"))
    forms_returned = models.PositiveIntegerField(_("forms returned"))
    support = models.PositiveIntegerField(_("in favour"))
    oppose = models.PositiveIntegerField(_("against"), default=0)
    abstain = models.PositiveIntegerField(_("abstained"), default=0)
    suggestions = models.PositiveIntegerField(_("suggestions collected"), default=0)

    objects = OpinionSurveyQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("opinion survey")
        verbose_name_plural = _("opinion surveys")
        ordering = ["project_id", "-held_on", "-id"]
        constraints = [
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
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.held_on}"

    @property
    def support_rate(self) -> Decimal:
        """Percent of returned forms in favour, to one decimal place."""
        if not self.forms_returned:
            return Decimal("0.0")
        return (Decimal(self.support) * 100 / self.forms_returned).quantize(Decimal("0.1"))

"""Public disclosure (公示) of the plan and its cost."""

from __future__ import annotations

import secrets

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from renovation.models import Audited
from renovation.validation import event_date, plan_date, stored_date_range

from ._common import ProjectScopedQuerySet


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

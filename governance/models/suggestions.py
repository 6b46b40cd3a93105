"""Suggestions and complaints from residents, with their handling."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from renovation.models import Audited
from renovation.validation import event_date, stored_date_range

from ._common import CompoundScopedQuerySet


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

"""Vouchers (凭证) attached to receipts and expenditures."""

from __future__ import annotations

from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from renovation.models import Audited

from .commitments import Commitment
from .records import Expenditure, LineRecordQuerySet, Receipt

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

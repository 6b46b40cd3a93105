"""Vouchers (凭证) of receipts and expenditures: bank slips, invoices, payment orders, as a PDF, an
OFD electronic invoice or a scan or photo.

Attached through this service only (pages and API): checked by size and by content
(renovation.uploads.check_voucher; a photo loses its metadata), stored under MEDIA_ROOT and
served by views that find the voucher through `Voucher.objects.visible_to(user)`, scoped by the
line of its record (copied onto the voucher), so a voucher outside the reader's scope is a 404.
A voucher is never replaced or deleted: it is part of the record's history, like a reversed
record.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from renovation.access import can_attach_voucher as can_attach
from renovation.access import require
from renovation.audit import stamp
from renovation.uploads import check_voucher

from .models import VOUCHER_EXTENSIONS, Expenditure, Receipt, Voucher

if TYPE_CHECKING:
    from renovation.models import User

VOUCHER_MAX_BYTES = 10 * 1024 * 1024
MAX_TITLE = 160
# Served with their own type (anything else as bytes).
VOUCHER_TYPES = {
    ".pdf": "application/pdf",
    ".ofd": "application/ofd",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
}


@transaction.atomic
def voucher_attach(
    *, record: Receipt | Expenditure, by: User, file: UploadedFile | None, title: str
) -> Voucher:
    """Attach a voucher to a receipt or an expenditure (reversed ones and counter-entries
    included: a refund slip belongs to the reversal)."""
    require(can_attach(by, record), _("You may not attach vouchers on this line."))
    errors: dict[str, list[str]] = {}
    title = " ".join((title or "").split())
    if not title:
        errors["title"] = [_("Say what the voucher is (for example 银行进账单 or 发票).")]
    elif len(title) > MAX_TITLE:
        errors["title"] = [_("Keep the description under %(n)s characters.") % {"n": MAX_TITLE}]
    checked = None
    if file is None or not file.size:
        errors["file"] = [_("Choose the file of the voucher.")]
    elif file.size > VOUCHER_MAX_BYTES:
        errors["file"] = [
            _("The voucher must be smaller than %(size)s MB.")
            % {"size": VOUCHER_MAX_BYTES // (1024 * 1024)}
        ]
    else:
        try:
            checked = check_voucher(file)
        except ValidationError as error:
            errors["file"] = error.messages
    if errors or checked is None:
        raise ValidationError(errors)
    checked.name = _stored_name(checked.name or "")
    voucher = Voucher(
        receipt=record if isinstance(record, Receipt) else None,
        expenditure=record if isinstance(record, Expenditure) else None,
        commitment_id=record.commitment_id,
        project_id=record.project_id,
        file=checked,
        title=title,
        size=checked.size or 0,
    )
    stamp(voucher, by=by)
    try:
        voucher.full_clean(
            exclude=["receipt", "expenditure", "commitment", "project", "created_by", "updated_by"]
        )
    except ValidationError as error:
        raise ValidationError({"file": error.message_dict.get("file", error.messages)}) from None
    voucher.save()
    return voucher


def _stored_name(name: str) -> str:
    """A short, safe file name keeping the extension the content was checked against."""
    stem, extension = os.path.splitext(os.path.basename(name))
    try:
        stem = get_valid_filename(stem)[:80]
    except SuspiciousFileOperation:  # nothing usable left of the name
        stem = ""
    return f"{stem or 'voucher'}{extension.lower()[:8]}"


def accepted_extensions() -> str:
    return ", ".join(f".{extension}" for extension in VOUCHER_EXTENSIONS)

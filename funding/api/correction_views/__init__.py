"""API actions for corrections without deletes (冲销), lines as published, contributions in kind
and vouchers, mixed into the funding viewsets (funding/api/views.py), and the vouchers'
own endpoints.

Records come from the viewsets' scoped querysets (outside the caller's scope: 404 for any
method); the role is checked as the service checks it (403); the services' `ValidationError`,
`PermissionDenied` and `ConflictError` become 400, 403 and 409. Nothing is ever deleted or
edited in place: DELETE, PUT and PATCH answer 405 with a message that names the reversal.

The parts, by topic: `_common` (the 405 for deletes and edits, shared pieces), `commitments`,
`records` (receipts and expenditures), `vouchers` (their own endpoints). Every name is
re-exported here.
"""

from ._common import REVERSE_EXAMPLE, TAG, NoDeleteMixin
from .commitments import CommitmentCorrections
from .records import VOUCHER_UPLOAD, VOUCHER_UPLOAD_TEXT, ExpenditureCorrections, ReceiptCorrections
from .vouchers import OCTET_STREAM, VOUCHER_TYPES, VoucherViewSet

__all__ = [
    "OCTET_STREAM",
    "REVERSE_EXAMPLE",
    "TAG",
    "VOUCHER_TYPES",
    "VOUCHER_UPLOAD",
    "VOUCHER_UPLOAD_TEXT",
    "CommitmentCorrections",
    "ExpenditureCorrections",
    "NoDeleteMixin",
    "ReceiptCorrections",
    "VoucherViewSet",
]

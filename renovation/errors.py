"""Errors shared by services, pages and the API."""

from django.utils.translation import gettext_lazy as _


class ConflictError(Exception):
    """Someone else saved the record after this form was opened; nothing was written."""

    default_message = _(
        "Someone else saved this record after you opened it. Nothing was saved: reload the "
        "page to see their changes, then enter yours again."
    )

    def __init__(self, message: str | None = None) -> None:
        self.message = message or str(self.default_message)
        super().__init__(self.message)

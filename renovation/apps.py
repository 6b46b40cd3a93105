from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RenovationConfig(AppConfig):
    name = "renovation"
    verbose_name = _("Platform and access")

    def ready(self) -> None:
        # Connects the signal that stamps where a user sat on each of its history rows.
        from renovation import people_services  # noqa: F401

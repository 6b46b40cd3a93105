from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    """The top layer: rollups and snapshots, dashboards and statistics, exports and returns,
    reminders and notifications, the audit trail. Nothing below imports from here; it hears of
    changes through the core's stale-mark signal (connected in `ready`)."""

    name = "reporting"
    verbose_name = _("Statistics and reports")

    def ready(self) -> None:
        # Connect the receivers, and register the tasks they queue by name; import the
        # catalogue, which registers every figure of programmes, funding and governance.
        from . import figures, signals, tasks  # noqa: F401

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SampledataConfig(AppConfig):
    """Demo data (`load_demo`) and seeded national-scale data (`generate_synthetic`). It writes
    into every app, so it sits above them all, like the project wiring; no app imports it."""

    name = "sampledata"
    verbose_name = _("Demo and synthetic data")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = _("Resident governance")

    def ready(self) -> None:
        """Governance decides two stage gates and adds its panel to the compound page; it
        registers them in programmes, which never imports governance."""
        from programmes.gates import register_compound_panel, register_gate
        from programmes.models import Stage

        from .selectors import compound_governance_panel, consultation_gate, handover_gate

        register_gate(Stage.DESIGN, consultation_gate)
        register_gate(Stage.HANDED_OVER, lambda project, _own: handover_gate(project))
        register_compound_panel("governance", compound_governance_panel)

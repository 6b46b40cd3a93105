from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundingConfig(AppConfig):
    name = "funding"
    verbose_name = _("Funding")

    def ready(self) -> None:
        """Funding adds its panel to the compound page (programmes never imports funding)."""
        from programmes.gates import register_compound_panel, register_hook

        from .history import historical_money_book, money_sub_type_choices
        from .selectors import compound_funding_panel

        register_compound_panel("funding", compound_funding_panel)
        register_hook("historical_money", historical_money_book)
        register_hook("money_sub_type_choices", money_sub_type_choices)

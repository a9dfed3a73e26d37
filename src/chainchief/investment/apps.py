from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvestmentConfig(AppConfig):
    name = "chainchief.investment"
    label = "investment"
    verbose_name = _("招商与配套")

    def ready(self):
        from chainchief.core.registry import registry
        from chainchief.investment import signals  # noqa: F401  the match index hears of changed capabilities
        from chainchief.investment.panels import supply_panel

        registry.add_chain_panel(supply_panel)

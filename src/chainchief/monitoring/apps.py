from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "chainchief.monitoring"
    label = "monitoring"
    verbose_name = _("运行监测")

    def ready(self):
        from chainchief.core.registry import registry
        from chainchief.monitoring import signals  # noqa: F401
        from chainchief.monitoring.models import MonthlyStat

        registry.add_analyzed_table(MonthlyStat._meta.db_table, ("period", "enterprise_id"))

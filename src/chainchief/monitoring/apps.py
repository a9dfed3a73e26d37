from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "chainchief.monitoring"
    label = "monitoring"
    verbose_name = _("运行监测")

    def ready(self):
        from chainchief.monitoring import signals  # noqa: F401

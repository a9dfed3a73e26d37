from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "chainchief.audit"
    label = "audit"
    verbose_name = _("审计日志")

    def ready(self):
        from chainchief.audit import signals  # noqa: F401

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "chainchief.audit"
    label = "audit"
    verbose_name = _("审计日志")

    def ready(self):
        from chainchief.audit import services, signals  # noqa: F401 (signals: logins and logouts)
        from chainchief.core.registry import registry

        registry.set_audit(services)  # core.services and the audited admin write the change log through it

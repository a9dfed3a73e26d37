from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "chainchief.accounts"
    label = "accounts"
    verbose_name = _("用户与权限")

    def ready(self):
        from chainchief.accounts.rules import DEPARTMENT_ROLES, REGION_WIDE_ROLES, RULES, SELF_SERVICE, SERVICE_ROLES
        from chainchief.core.registry import registry

        registry.set_rules(RULES, self_service=SELF_SERVICE, region_wide_roles=REGION_WIDE_ROLES,
                           department_roles=DEPARTMENT_ROLES, service_roles=SERVICE_ROLES)

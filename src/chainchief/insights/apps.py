from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "chainchief.insights"
    label = "insights"
    verbose_name = _("产业分析")

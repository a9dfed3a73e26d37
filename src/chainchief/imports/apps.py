from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "chainchief.imports"
    label = "imports"
    verbose_name = _("数据导入")

    def ready(self):
        from chainchief.imports import registry
        from chainchief.imports.kinds import enterprises, monthly, placements, projects, segments, tasks

        for kind in (enterprises.Enterprises, monthly.MonthlyStats, segments.Segments, placements.Placements,
                     tasks.Tasks, projects.KeyProjects):
            registry.register(kind())

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "chainchief.imports"
    label = "imports"
    verbose_name = _("数据导入")

    def ready(self):
        from chainchief.imports import registry
        from chainchief.imports.kinds import enterprises, monthly, placements, projects, references, segments, tasks

        for kind in (enterprises.Enterprises, monthly.MonthlyStats, segments.Segments, placements.Placements,
                     tasks.Tasks, projects.KeyProjects, references.ReferenceTotals,
                     references.SegmentPresenceKind):
            registry.register(kind())
        from chainchief.imports.kinds.external import ExternalEnterprises
        from chainchief.imports.kinds.supply_links import SupplyLinks

        registry.register(ExternalEnterprises())
        registry.register(SupplyLinks())

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def map_evidence(user, chain):
    """The chain's map: the evidence of "一张产业链图谱"."""
    from django.urls import reverse

    from chainchief.core.permissions import VIEW
    from chainchief.maps.models import Segment

    n = Segment.objects.restrict(user, VIEW).filter(chain=chain).count()
    return {"map": [(f"产业链图谱（{n} 个环节）", reverse("chainmap:map", args=[chain.pk]))] if n else []}


class MapsConfig(AppConfig):
    name = "chainchief.maps"
    label = "maps"
    verbose_name = _("产业链图谱")

    def ready(self):
        from chainchief.core.registry import registry

        registry.add_evidence_source(map_evidence)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def map_evidence(chain, kinds):
    """The chain's map (when it has segments): evidence of "一张产业链图谱"."""
    from django.urls import reverse

    from chainchief.chains.checklist import Evidence
    from chainchief.chains.models import Chain, EvidenceKind
    from chainchief.maps.models import Segment

    if EvidenceKind.MAP not in kinds:
        return []
    n = Segment.objects.filter(chain=chain).count()
    return [Evidence(EvidenceKind.MAP, chain.pk, f"产业链图谱（{n} 个环节）", reverse("chainmap:map", args=[chain.pk]),
                     Chain)] if n else []


class MapsConfig(AppConfig):
    name = "chainchief.maps"
    label = "maps"
    verbose_name = _("产业链图谱")

    def ready(self):
        from chainchief.core.registry import registry

        registry.add_evidence_source(map_evidence)

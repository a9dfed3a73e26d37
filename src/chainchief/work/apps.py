from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def ledger_evidence(user, chain):
    """What the ledger holds for a chain's work-model items: its plans, research, alliances, the policies that
    apply to it and its coordination meetings — the latest few of each."""
    from django.db.models import Q
    from django.urls import reverse

    from chainchief.core.permissions import VIEW
    from chainchief.work.models import Alliance, Meeting, Plan, Policy, Research

    def rows(qs, label, name, limit=3):
        return [(label(o), reverse(name, args=[o.pk])) for o in qs[:limit]]

    return {
        "plan": rows(Plan.objects.restrict(user, VIEW).filter(chain=chain).order_by("-year"),
                     lambda p: f"{p.year} {p.title}", "work:plan"),
        "research": rows(Research.objects.restrict(user, VIEW).filter(chain=chain).order_by("-conducted_on"),
                         lambda r: r.title, "work:research"),
        "alliance": rows(Alliance.objects.restrict(user, VIEW).filter(chain=chain), lambda a: a.name,
                         "work:alliance"),
        "policy": rows(Policy.objects.restrict(user, VIEW).filter(Q(chains=chain) | Q(chains__isnull=True),
                                                                  region_id=chain.region_id)
                       .distinct().order_by("-issued_on"), lambda p: p.title, "work:policy"),
        "coordination": rows(Meeting.objects.restrict(user, VIEW).filter(chain=chain, status="held")
                             .order_by("-held_on"), lambda m: f"{m.held_on:%Y-%m-%d} {m.title}", "work:meeting"),
    }


class WorkConfig(AppConfig):
    name = "chainchief.work"
    label = "work"
    verbose_name = _("工作台账")

    def ready(self):
        from chainchief.core.registry import registry

        registry.add_evidence_source(ledger_evidence)

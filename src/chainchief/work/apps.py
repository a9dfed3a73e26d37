from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def ledger_evidence(chain, kinds):
    """What the ledger holds for a chain's work-model items: its plans, research, alliances, the policies that
    apply to it, its coordination meetings (and the city's joint ones) and the tasks tagged with an item — each
    with whether it is complete (a meeting held, research conducted, a task done …)."""
    import datetime

    from django.db.models import Q
    from django.urls import reverse
    from django.utils import timezone

    from chainchief.chains.checklist import Evidence
    from chainchief.chains.models import EvidenceKind as K
    from chainchief.work.models import Alliance, Meeting, MeetingStatus, Plan, Policy, Research, Task, TaskStatus

    today = timezone.localdate()
    out = []
    if K.PLAN in kinds:
        out += [Evidence(K.PLAN, p.pk, f"{p.year} {p.title}", reverse("work:plan", args=[p.pk]), Plan,
                         datetime.date(p.year, 12, 31), p.year <= today.year)
                for p in Plan.objects.filter(chain=chain).order_by("-year")]
    if K.RESEARCH in kinds:
        out += [Evidence(K.RESEARCH, r.pk, r.title, reverse("work:research", args=[r.pk]), Research,
                         r.conducted_on, r.conducted_on <= today)
                for r in Research.objects.filter(chain=chain).order_by("-conducted_on", "-id")]
    if K.ALLIANCE in kinds:
        out += [Evidence(K.ALLIANCE, a.pk, a.name, reverse("work:alliance", args=[a.pk]), Alliance,
                         a.founded_on, a.founded_on is not None and a.founded_on <= today)
                for a in Alliance.objects.filter(chain=chain).order_by("name")]
    if K.POLICY in kinds:
        out += [Evidence(K.POLICY, p.pk, p.title, reverse("work:policy", args=[p.pk]), Policy, p.issued_on)
                for p in Policy.objects.filter(Q(chains=chain) | Q(chains__isnull=True), region_id=chain.region_id)
                .distinct().order_by("-issued_on", "-id")]
    if K.MEETING in kinds:
        out += [Evidence(K.MEETING, m.pk, f"{m.held_on:%Y-%m-%d} {m.title}", reverse("work:meeting", args=[m.pk]),
                         Meeting, m.held_on, m.status == MeetingStatus.HELD, state=m.get_status_display())
                for m in Meeting.objects.filter(Q(chain=chain) | Q(chain__isnull=True), region_id=chain.region_id)
                .order_by("-held_on", "-id")]
    if K.TASK in kinds:
        out += [Evidence(K.TASK, t.pk, t.title, reverse("work:task", args=[t.pk]), Task, t.due_on,
                         t.status == TaskStatus.DONE, item_id=t.work_item_id, state=t.get_status_display())
                for t in Task.objects.filter(chain=chain, work_item__isnull=False).order_by("due_on", "id")]
    return out


class WorkConfig(AppConfig):
    name = "chainchief.work"
    label = "work"
    verbose_name = _("工作台账")

    def ready(self):
        from chainchief.core.registry import registry

        registry.add_evidence_source(ledger_evidence)

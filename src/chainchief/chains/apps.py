from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def chains_of(user):
    """The chains a user works on through the chain system itself: a lead department's staff every chain their
    department leads, a chief the chains where the person holds a chain role. Part of the user's scope
    (accounts.scope), registered with core."""
    from chainchief.accounts.roles import Role
    from chainchief.chains.models import Chain, ChainDepartment

    chains = set()
    if user.role == Role.DEPT and user.department_id:
        chains |= set(ChainDepartment.objects.filter(department_id=user.department_id, is_lead=True)
                      .values_list("chain_id", flat=True))
    if user.role == Role.CHIEF:
        chains |= set(Chain.objects.filter(roles__person__user=user).values_list("pk", flat=True))
    return chains


def chain_evidence(chain, kinds):
    """A chain's chiefs and lead department: evidence of items like "一名市级领导包靠" and "一个责任部门跟进"."""
    from django.urls import reverse

    from chainchief.chains.checklist import Evidence
    from chainchief.chains.models import ChainDepartment, ChainRole, EvidenceKind

    url = reverse("chains:detail", args=[chain.pk])
    out = []
    if EvidenceKind.LEADER in kinds:
        out += [Evidence(EvidenceKind.LEADER, r.pk, f"{r.get_kind_display()} {r.person.name}", url, ChainRole)
                for r in ChainRole.objects.filter(chain=chain).select_related("person").order_by("order", "id")]
    if EvidenceKind.DEPARTMENT in kinds:
        out += [Evidence(EvidenceKind.DEPARTMENT, d.pk, f"牵头部门 {d.department.name}", url, ChainDepartment)
                for d in ChainDepartment.objects.filter(chain=chain, is_lead=True).select_related("department")]
    return out


class ChainsConfig(AppConfig):
    name = "chainchief.chains"
    label = "chains"
    verbose_name = _("产业链")

    def ready(self):
        from chainchief.core.registry import registry

        registry.add_scope_source("chains", chains_of)
        registry.add_evidence_source(chain_evidence)

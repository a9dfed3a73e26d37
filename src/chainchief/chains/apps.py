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


def chain_evidence(user, chain):
    """A chain's leaders and lead department: the evidence of the items "一名市级领导包靠" and "一个责任部门跟进"."""
    from django.urls import reverse

    from chainchief.chains.models import ChainRole
    from chainchief.core.permissions import VIEW

    url = reverse("chains:detail", args=[chain.pk])
    roles = ChainRole.objects.restrict(user, VIEW).filter(chain=chain).select_related("person")
    leads = chain.departments.filter(is_lead=True).select_related("department")
    return {"leader": [(f"{r.get_kind_display()} {r.person.name}", url) for r in roles],
            "department": [(f"牵头部门 {d.department.name}", url) for d in leads]}


class ChainsConfig(AppConfig):
    name = "chainchief.chains"
    label = "chains"
    verbose_name = _("产业链")

    def ready(self):
        from chainchief.core.registry import registry

        registry.add_scope_source("chains", chains_of)
        registry.add_evidence_source(chain_evidence)

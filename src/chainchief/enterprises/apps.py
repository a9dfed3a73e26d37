from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def memberships(field, **filters):
    """Chain memberships as a subquery of one column: the enterprises of some chains, the chains of some
    enterprises (how a chain's staff reach its enterprises, and an enterprise user its chains)."""
    from chainchief.enterprises.models import Membership

    return Membership.objects.filter(**filters).values(field)


def served_by(user):
    """The enterprises a commissioner serves today through its assignments (part of its scope)."""
    from chainchief.enterprises.models import CommissionerAssignment, current_assignments_q

    if not getattr(user, "pk", None):
        return set()
    return set(CommissionerAssignment.objects.filter(current_assignments_q(), commissioner__user=user)
               .values_list("enterprise_id", flat=True))


class EnterprisesConfig(AppConfig):
    name = "chainchief.enterprises"
    label = "enterprises"
    verbose_name = _("企业")

    def ready(self):
        from chainchief.core.registry import registry

        registry.set_memberships(memberships)
        registry.add_scope_source("enterprises", served_by)

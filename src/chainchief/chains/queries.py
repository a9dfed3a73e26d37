"""Read helpers for chains: one place that says how a chain list is loaded (no N+1)."""
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Subquery, Value
from django.db.models.functions import Coalesce

from chainchief.chains.models import Chain, ChainDepartment, ChainRole
from chainchief.core.models import Region


def chains_with_summary():
    """Chains with tier, chiefs, departments and enterprise counts, in two queries plus prefetches."""
    return (
        Chain.objects.select_related("tier", "region")
        .prefetch_related(
            Prefetch("roles", queryset=ChainRole.objects.select_related("person").order_by("order", "id")),
            Prefetch("departments", queryset=ChainDepartment.objects.select_related("department")),
        )
        .annotate(enterprise_count=_member_count())
    )


def _member_count():
    """Members of each chain as a correlated count (an index lookup per chain, no join of all members)."""
    membership = member_model()
    counts = (membership.objects.filter(chain=OuterRef("pk")).order_by().values("chain")
              .annotate(n=Count("*")).values("n"))
    return Coalesce(Subquery(counts, output_field=IntegerField()), Value(0))


def member_model():
    """The membership model (an enterprise's place in a chain, owned by the enterprises app, which sits above
    chains), reached through the chain's reverse relation rather than an import."""
    return Chain._meta.get_field("memberships").related_model


def related_region_ids(chain):
    """The chain's region, the regions above it (a city's leaders for a district's chain) and those below it:
    where its chiefs and departments may come from."""
    return set(chain.region.ancestor_ids()) | set(Region.subtree_ids(chain.region_id))


def lead_department(chain):
    return next((d.department for d in chain.departments.all() if d.is_lead), None)


def supporting_departments(chain):
    return [d.department for d in chain.departments.all() if not d.is_lead]

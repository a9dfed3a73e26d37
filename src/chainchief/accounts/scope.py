"""A user's scopes resolved to ids: region subtree, chains and enterprises."""
import hashlib
from dataclasses import dataclass
from functools import cached_property

from chainchief.accounts.models import Role
from chainchief.core import stamps


@dataclass(frozen=True)
class Scope:
    regions: frozenset  # ids of the user's region and all below it
    chains: frozenset  # chains the user works on (chief, lead department staff)
    enterprises: frozenset  # enterprises the user speaks for (enterprise user) or serves (commissioner)

    @cached_property
    def digest(self):
        """Stable across processes: part of cache keys for what a reader with this scope sees."""
        text = "|".join(",".join(map(str, sorted(ids))) for ids in (self.regions, self.chains, self.enterprises))
        return hashlib.sha1(text.encode()).hexdigest()


def cached(user):
    """``resolve(user)``, cached under the data stamp: the key holds the user's own fields that the scope depends
    on (read afresh with the user on every request) and the token that changes with every write to what the
    scope is resolved from (regions, chain roles, lead departments, people's logins, the user's chains and
    enterprises). A changed role, region or scope therefore counts from the next request on, in every process."""
    token = getattr(user, "stamp", None) or stamps.current()
    key = ("scope", user.pk, user.role, user.region_id, user.department_id, user.is_superuser)
    return stamps.memo(token, key, lambda: resolve(user))


def with_new_regions(user):
    """Recompute only the region part of a cached scope (after a region was added below the user's region).
    Chains and enterprises are never recomputed mid-request: a write must not widen its own permission."""
    from dataclasses import replace

    from chainchief.core.models import Region

    regions = frozenset(Region.subtree_ids(user.region_id)) if user.region_id else frozenset()
    user.__dict__["scope"] = replace(user.scope, regions=regions)


def resolve(user) -> Scope:
    from chainchief.chains.models import Chain, ChainDepartment

    from chainchief.core.models import Region

    # Only the sets the user's role consults are loaded (see core.permissions.RULES).
    regions = frozenset(Region.subtree_ids(user.region_id)) if user.region_id else frozenset()
    chains = set()
    if user.role in (Role.CHIEF, Role.DEPT):
        chains = set(user.chains.values_list("pk", flat=True))
    if user.role == Role.DEPT and user.department_id:
        # Staff of a lead department work on every chain their department leads.
        chains |= set(ChainDepartment.objects.filter(department_id=user.department_id, is_lead=True)
                      .values_list("chain_id", flat=True))
    if user.role == Role.CHIEF:
        chains |= set(Chain.objects.filter(roles__person__user=user).values_list("pk", flat=True))
    enterprises = frozenset()
    if user.role in (Role.ENTERPRISE, Role.COMMISSIONER):
        enterprises = frozenset(user.enterprises.values_list("pk", flat=True))
    return Scope(regions=regions, chains=frozenset(chains), enterprises=enterprises)

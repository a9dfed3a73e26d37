"""A user's scopes resolved to ids: region subtree, chains and enterprises."""
import hashlib
from dataclasses import dataclass
from functools import cached_property

from django.utils import timezone

from chainchief.accounts.roles import Role
from chainchief.core import stamps
from chainchief.core.models import Region
from chainchief.core.registry import registry


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
    # The date too: a commissioner's assignment begins and ends with a day, not with a write.
    key = ("scope", user.pk, user.role, user.region_id, user.department_id, user.is_superuser,
           timezone.localdate().toordinal())
    return stamps.memo(token, key, lambda: resolve(user))


def with_new_regions(user):
    """Recompute only the region part of a cached scope (after a region was added below the user's region).
    Chains and enterprises are never recomputed mid-request: a write must not widen its own permission."""
    from dataclasses import replace

    regions = frozenset(Region.subtree_ids(user.region_id)) if user.region_id else frozenset()
    user.__dict__["scope"] = replace(user.scope, regions=regions)


def resolve(user) -> Scope:
    """The ids of the user's region subtree, chains and enterprises. Only the sets the user's role consults are
    loaded (see accounts.rules). Beyond the chains and enterprises assigned to the login itself, the apps that
    know more register scope sources (core.registry): the chains app adds a chief's chains and a lead
    department's chains."""
    regions = frozenset(Region.subtree_ids(user.region_id)) if user.region_id else frozenset()
    chains = set()
    if user.role in (Role.CHIEF, Role.DEPT):
        chains = set(user.chains.values_list("pk", flat=True)) | registry.scope_part("chains", user)
    enterprises = set()
    if user.role in (Role.ENTERPRISE, Role.COMMISSIONER):
        enterprises = set(user.enterprises.values_list("pk", flat=True)) | registry.scope_part("enterprises", user)
    return Scope(regions=regions, chains=frozenset(chains), enterprises=frozenset(enterprises))

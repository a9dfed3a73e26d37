"""How a model answers the one permission filter.

Every model that users read declares an ``Access`` description: what kind of data it is and the paths from
it to a region, a chain and an enterprise. ``chainchief.core.permissions.restrict`` turns a user's role and
scopes into a filter with these paths, so pages, API, exports and dashboards share one rule.
"""
from dataclasses import dataclass

# Kinds of data, from least to most sensitive.
REFERENCE = "reference"  # regions, departments, people, tiers, work models: shared in a region
CHAIN = "chain"  # chains and what hangs off a chain: visible in the region, edited by its own staff
# The work ledger of a chain (plans, tasks, meetings, research, alliances): the government's own records of its work,
# read and written like CHAIN by officials and chain staff; an enterprise user reads only the rows that name its
# enterprise (``access.enterprise``: the enterprises a piece of research visited, an alliance's members), never the
# rest of the ledger, whose texts and links name other enterprises.
WORK = "work"
ENTERPRISE = "enterprise"  # enterprises and their data: commercially sensitive
AGGREGATE = "aggregate"  # figures summed over many enterprises (chain and city totals): officials only
REPORT = "report"  # documents compiled for officials from a chain's or a city's figures and its enterprises' rows
AUDIT = "audit"  # the change log


@dataclass(frozen=True)
class Access:
    kind: str
    # Region and chain paths are single-valued; an enterprise path may cross a to-many relation (the enterprises a
    # piece of research visited), read through a subquery. A tuple of paths means "through any of them": a supply
    # link is reached from its supplier's and from its customer's region and enterprise.
    region: str | tuple[str, ...] | None = None  # path to a Region (or "pk" for Region itself); None: not tied
    chain: str | tuple[str, ...] | None = None  # path to a Chain ("pk" for Chain itself)
    enterprise: str | tuple[str, ...] | None = None  # path to an Enterprise ("pk" for Enterprise itself)
    # Paths to the departments that handle a row (an enterprise request's lead and cooperating departments):
    # the staff of such a department see it and act on it, whatever their chains (roles in
    # ``registry.department_roles``). Multi-valued paths are allowed here.
    department: str | tuple[str, ...] | None = None
    # Only region-wide roles (admin, coordinator) may add or delete objects of this model.
    region_managed: bool = False
    # Actions an enterprise user performs itself on these rows of its own enterprise: ("change",) for its
    # profile, ("add", "change") for its monthly figures. Everything else about an enterprise (memberships,
    # qualifications) it may only read.
    self_service: tuple = ()
    # Actions the roles serving an enterprise (its commissioner: ``registry.service_roles``) perform on these
    # rows of the enterprises they serve: ("add", "change") for visits, ("add",) for filing a request.
    service: tuple = ()

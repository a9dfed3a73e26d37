"""What the domain apps tell core when they start, so that core imports none of them.

core owns the machinery — the permission filter (``permissions``), the write services (``services``), the
audited admin (``admin``) — and the domain apps own the facts it works with. Each app registers its facts
in its ``AppConfig.ready()``, as NetBox's registry does:

- ``accounts``: the scope each role has on each kind of data (``rules``), the roles that act on their own
  enterprises' rows (``self_service``), the roles serving enterprises (``service_roles``), the roles that see their whole region (``region_wide_roles``) and
  those that act for their department on the rows it handles (``department_roles``);
  the sets a user's scope is made of come from the scope sources below;
- ``chains``: the chains a user works on beyond those assigned to the login itself (a chief's chain roles, a
  lead department's chains) — ``scope_sources["chains"]``;
- ``enterprises``: where chains and enterprises meet (``memberships``): a chain's staff reach the enterprises
  of their chains, an enterprise user its enterprise's chains;
- ``audit``: how a change is written to the change log (``audit``);
- ``investment``: cards on a chain's page and map (``chain_panels``: the local supply rate);
- ``chains``, ``maps``, ``work``: the evidence of a chain's work-model items (``evidence_sources``): each
  source answers, for a chain and the kinds of records asked for ("plan", "research" …), the chain's records of
  those kinds (all of them: what a reader may see of them is filtered by the caller).

A fact asked for and never registered is a configuration error, raised at once: a write must not go
unaudited, nor a read unfiltered, because an app is missing.
"""
from django.core.exceptions import ImproperlyConfigured


class Registry:
    def __init__(self):
        self.rules = {}  # role → kind of data → action → scope name (see core.permissions)
        self.self_service = {}  # role → scope name, for the actions a model lists in ``access.self_service``
        self.region_wide_roles = frozenset()  # roles that add and delete region-managed rows
        self.department_roles = frozenset()  # roles that see and change the rows their department handles
        self.service_roles = {}  # role → scope name, for the actions a model lists in ``access.service``
        self.scope_sources = {}  # part of a scope ("chains", "enterprises") → [callable(user) → ids]
        self._memberships = None  # callable(field, **filters) → a values() queryset of memberships
        self._audit = None  # an object with record(user, action, obj, before=, after=, object_repr=) and snapshot(obj)
        self.evidence_sources = []  # [callable(chain, kinds) → [record of one of those kinds]]
        self.chain_panels = []  # [callable(request, chain, place) → HTML or None]: cards on a chain's pages
        self.analyzed_tables = {}  # db table → columns: the owner's ANALYZE the application may call after a bulk write

    # Permission facts (accounts).
    def set_rules(self, rules, *, self_service, region_wide_roles, department_roles=(), service_roles=None):
        self.rules = rules
        self.self_service = dict(self_service)
        self.service_roles = dict(service_roles or {})
        self.region_wide_roles = frozenset(region_wide_roles)
        self.department_roles = frozenset(department_roles)

    def add_scope_source(self, part, source):
        """``source(user)`` → ids to add to the ``part`` of the user's scope. Registered once per source."""
        sources = self.scope_sources.setdefault(part, [])
        if source not in sources:
            sources.append(source)

    def scope_part(self, part, user):
        ids = set()
        for source in self.scope_sources.get(part, ()):
            ids.update(source(user))
        return ids

    # Chains meet enterprises (enterprises).
    def set_memberships(self, memberships):
        self._memberships = memberships

    def memberships(self, field, **filters):
        if self._memberships is None:
            raise ImproperlyConfigured("No app registered chain memberships (chainchief.enterprises).")
        return self._memberships(field, **filters)

    # Evidence of a chain's work (chains, maps, work).
    def add_evidence_source(self, source):
        if source not in self.evidence_sources:
            self.evidence_sources.append(source)

    def evidence(self, chain, kinds):
        """The chain's records of ``kinds`` gathered from every registered source."""
        out = []
        for source in self.evidence_sources:
            out.extend(source(chain, frozenset(kinds)))
        return out

    # Cards an app above shows on a chain's pages ("chain": the chain's page, "map": its map), e.g. the local
    # supply rate (investment): the page's app asks for them without importing the app that draws them.
    def add_chain_panel(self, source):
        if source not in self.chain_panels:
            self.chain_panels.append(source)

    def panels(self, request, chain, place):
        """The HTML of every registered card for ``place`` of ``chain`` (sources answering None are left out)."""
        return [html for source in self.chain_panels if (html := source(request, chain, place))]

    # Statistics refreshed after bulk writes (core.dbroles).
    def add_analyzed_table(self, table, columns=()):
        self.analyzed_tables[table] = tuple(columns)

    # The change log (audit).
    def set_audit(self, audit):
        self._audit = audit

    @property
    def audit(self):
        if self._audit is None:
            raise ImproperlyConfigured("No app registered the change log (chainchief.audit).")
        return self._audit


registry = Registry()

"""core asks the registry for the facts the domain apps own; a fact no app registered is an error, not a
silently open read or an unaudited write."""
import pytest
from django.core.exceptions import ImproperlyConfigured

from chainchief.accounts.roles import Role
from chainchief.core.registry import Registry, registry


def test_a_fact_nobody_registered_is_a_configuration_error():
    empty = Registry()
    with pytest.raises(ImproperlyConfigured):
        empty.audit  # noqa: B018
    with pytest.raises(ImproperlyConfigured):
        empty.memberships("chain")
    assert empty.scope_part("chains", object()) == set()


def test_the_apps_registered_their_facts_at_start():
    assert set(registry.rules) == set(Role)  # accounts: every role has its rules
    assert registry.region_wide_roles == {Role.ADMIN, Role.COORDINATOR, Role.PROVINCE}
    assert registry.scope_sources["chains"]  # chains: a chief's and a lead department's chains
    from chainchief.audit import services

    assert registry.audit is services  # audit: the change log


def test_a_scope_source_is_registered_once():
    r = Registry()
    source = lambda user: {1}  # noqa: E731
    r.add_scope_source("chains", source)
    r.add_scope_source("chains", source)
    r.add_scope_source("chains", lambda user: {2})
    assert r.scope_sources["chains"][0] is source and len(r.scope_sources["chains"]) == 2
    assert r.scope_part("chains", None) == {1, 2}

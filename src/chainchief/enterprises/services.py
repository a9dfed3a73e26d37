"""Writes for enterprises, their chain memberships and supply links."""
from django.db import transaction

from chainchief.core import services
from chainchief.core.permissions import ADD, check
from chainchief.enterprises.models import Enterprise, Membership, SupplyLink, Visit


@transaction.atomic
def create_enterprise(user, data, memberships=()):
    """Create an enterprise, optionally with its chain memberships [(chain, role)].

    Lead-department staff may create an enterprise only together with a membership of one of their chains.
    """
    enterprise = services.create(user, Enterprise, data, check_scope=False)
    for chain, role in memberships:
        services.create(user, Membership, {"enterprise": enterprise, "chain": chain, "role": role},
                        trusted=("enterprise",))
    check(user, ADD, enterprise)
    return enterprise


def update_enterprise(user, enterprise, data, version=None):
    return services.update(user, enterprise, data, version=version)


def set_membership(user, enterprise, chain, role):
    """Place an enterprise in a chain with a role, or change its role there."""
    row = Membership.objects.filter(enterprise=enterprise, chain=chain).first()
    if row is None:
        return services.create(user, Membership, {"enterprise": enterprise, "chain": chain, "role": role})
    return services.update(user, row, {"role": role})


def create_supply_link(user, data):
    """Record that one enterprise supplies another. The writer must see both enterprises (core.services)."""
    return services.create(user, SupplyLink, data)


def update_supply_link(user, link, data, version=None):
    return services.update(user, link, data, version=version)


def record_visit(user, data):
    """A commissioner's visit to an enterprise it serves; the commissioner is the visitor's own person when it
    names none."""
    data = dict(data)
    person = getattr(user, "person", None) if user.is_authenticated else None
    if not data.get("commissioner") and person is not None:
        data["commissioner"] = person
    return services.create(user, Visit, data)

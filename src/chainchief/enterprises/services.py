"""Writes for enterprises, their chain memberships and supply links."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from chainchief.accounts.roles import Role
from chainchief.core import services, uscc
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


# What an enterprise officially is — its credit code, registered name and above-scale status — is changed by the
# chain office (or an import), never by the enterprise's own user, who keeps its contact and profile fields.
IDENTITY_FIELDS = ("uscc", "name", "is_above_scale")


def identity_locked(user):
    """Whether ``user`` may not change an enterprise's official identity (``IDENTITY_FIELDS``)."""
    return user.role == Role.ENTERPRISE


def check_identity(user, enterprise, data):
    """Refuse (403, naming the field) a change of an identity field by a user who may not make it."""
    if not identity_locked(user):
        return
    for field in IDENTITY_FIELDS:
        if field not in data:
            continue
        value = data[field]
        if field == "uscc" and isinstance(value, str):
            try:
                value = uscc.validate(value)
            except ValidationError:
                pass
        if value != getattr(enterprise, field):
            raise PermissionDenied(_("企业用户不能修改“%(field)s”：统一社会信用代码、企业名称和规上企业标识由链长办变更"
                                     "（或通过导入），请联系链长办。") % {
                                       "field": Enterprise._meta.get_field(field).verbose_name})


@transaction.atomic
def update_enterprise(user, enterprise, data, version=None):
    check_identity(user, enterprise, data)
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

"""The one permission filter: ``restrict(queryset, user, action)``.

A role says which scope applies to each kind of data and action; the model's ``access`` says how to reach
that scope from a row. Pages, the API, exports and dashboards all read through here, and services check
writes with ``check`` before and after they change a row.
"""
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext, pgettext_lazy

from chainchief.core import lookups  # noqa: F401  (registers ``any_of``)
from chainchief.core.registry import registry

VIEW, ADD, CHANGE, DELETE = "view", "add", "change", "delete"
ACTIONS = (VIEW, ADD, CHANGE, DELETE)

# Scope names: ALL (everything), REGION (the user's region and below), OWN_REGION (the user's region itself, not
# the regions below it: a province's office edits provincial rows, not a city's), CHAINS (the user's chains),
# ENTERPRISES (the user's enterprises, or the chains they belong to for rows of a chain), NAMED (only the rows that
# name one of the user's enterprises through ``access.enterprise``; none of a model that names no enterprise). A
# missing entry means: nothing. Which role has which scope on which kind of data is the accounts app's table
# (``accounts.rules``), registered in ``core.registry``.
ALL, REGION, OWN_REGION, CHAINS, ENTERPRISES, NAMED = "all", "region", "own_region", "chains", "enterprises", "named"


def region_wide(user):
    """Whether ``user`` acts for its whole region (admin, chain office): adds and deletes region-managed rows."""
    return bool(user.is_superuser or getattr(user, "role", None) in registry.region_wide_roles)


def scope_for(user, model, action):
    """The scope name that applies, or None when the user may not perform ``action`` at all."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return ALL
    access = model.access
    if access.region_managed and action in (ADD, DELETE) and user.role not in registry.region_wide_roles:
        return None
    if action in access.self_service and user.role in registry.self_service:
        return registry.self_service[user.role]
    if action in access.service and user.role in registry.service_roles:
        return registry.service_roles[user.role]
    return registry.rules.get(user.role, {}).get(access.kind, {}).get(action)


# From this many ids on, a set is passed as one array (core.lookups.AnyOf) rather than one parameter per id.
ANY_OF_FROM = 16


def _any(paths, values, model=None):
    """Rows whose ``paths`` (one path or a tuple of them) lead into ``values`` (ids, or a subquery): one condition,
    or their OR. A path through a to-many relation of ``model`` (the enterprises a piece of research visited)
    becomes a subquery on the row's id, so that no row is repeated."""
    many = isinstance(values, (set, frozenset, list, tuple)) and len(values) >= ANY_OF_FROM
    q = Q()
    for path in (paths,) if isinstance(paths, str) else paths:
        cond = Q(**{f"{path}__{'any_of' if many else 'in'}": values})
        if model is not None and _to_many(model, path):
            cond = Q(pk__in=model._default_manager.filter(cond).values("pk"))
        q |= cond
    return q


def _to_many(model, path):
    """Whether ``path`` from ``model`` crosses a relation that leads to many rows."""
    for name in path.split("__"):
        if name == "pk":
            return False
        field = model._meta.get_field(name)
        if field.many_to_many or field.one_to_many:
            return True
        if not field.is_relation:
            return False
        model = field.related_model
    return False


def scope_q(user, model, action):
    """A Q object for the rows in scope, or None for no rows."""
    q = _scope_q(user, model, action)
    handled = _handled_q(user, model, action)
    if handled is None or (q is not None and not q):
        return q
    return handled if q is None else q | handled


def _handled_q(user, model, action):
    """The rows the user's department handles (``access.department``), for the roles acting for their
    department; None when that does not apply. A multi-valued path is a subquery, so no row is repeated."""
    paths = model.access.department
    if (not paths or action not in (VIEW, CHANGE) or user is None or not user.is_authenticated
            or not user.is_active or getattr(user, "role", None) not in registry.department_roles
            or not getattr(user, "department_id", None)):
        return None
    q = Q()
    for path in (paths,) if isinstance(paths, str) else paths:
        q |= Q(pk__in=model._default_manager.filter(**{path: user.department_id}).values("pk"))
    return q


def _scope_q(user, model, action):
    scope = scope_for(user, model, action)
    access = model.access
    if scope is None:
        return None
    if scope == ALL:
        return Q()
    s = user.scope
    if scope == REGION:
        if access.region is None:
            # A row of no region is read in every region but belongs to none: no region's office changes it
            # (another city's office would otherwise edit what this city reads); administrators (ALL) do.
            return Q() if action == VIEW else None
        return _any(access.region, s.regions) if s.regions else None
    if scope == OWN_REGION:
        if access.region is None or not getattr(user, "region_id", None):
            return None
        return _any(access.region, [user.region_id])
    if scope == CHAINS:
        if access.chain:
            return _any(access.chain, s.chains)
        if access.enterprise:
            return _any(access.enterprise, registry.memberships("enterprise", chain__in=s.chains), model)
        return None
    if scope == ENTERPRISES:
        if access.enterprise:
            return _any(access.enterprise, s.enterprises, model)
        if access.chain:
            return _any(access.chain, registry.memberships("chain", enterprise__in=s.enterprises))
        return None
    if scope == NAMED:
        return _any(access.enterprise, s.enterprises, model) if access.enterprise and s.enterprises else None
    raise ValueError(scope)


def rebase_q(q, prefix):
    """A model's permission Q re-rooted at one of its foreign keys: ``enterprise__region__in`` → ``region__in``,
    ``enterprise__in`` → ``pk__in``. None when a condition does not run through ``prefix`` (then the rows
    cannot be described from the other model: treat as none)."""
    out = Q()
    out.connector, out.negated = q.connector, q.negated
    for child in q.children:
        if isinstance(child, Q):
            sub = rebase_q(child, prefix)
            if sub is None:
                return None
            out.children.append(sub)
            continue
        key, value = child
        if not key.startswith(prefix + "__"):
            return None
        rest = key[len(prefix) + 2:]
        out.children.append(("pk__" + rest if rest.split("__")[0] in ("in", "any_of", "exact") else rest, value))
    return out


def within(user, model, action, queryset, prefix):
    """``queryset`` (of the model that ``model``'s ``prefix`` foreign key points to) narrowed to the objects for
    which ``user`` may perform ``action`` on ``model`` rows: e.g. the enterprises whose monthly figures a user may
    add."""
    q = scope_q(user, model, action)
    if q is None:
        return queryset.none()
    if not q:
        return queryset
    rooted = rebase_q(q, prefix)
    return queryset.none() if rooted is None else queryset.filter(rooted)


def restrict(queryset, user, action=VIEW):
    q = scope_q(user, queryset.model, action)
    if q is None:
        return queryset.none()
    return queryset.filter(q) if q else queryset


def sees(user, model, ref):
    """An expression for annotating a queryset: whether ``user`` may see the ``model`` row that the field ``ref`` of
    each row names. A row read by someone may name rows that reader may not see (the enterprise a research finding
    concerns); what it shows of them is decided here, as a read of that row would be."""
    return Exists(restrict(model._default_manager.filter(pk=OuterRef(ref)), user, VIEW))


def can(user, action, obj):
    """May ``user`` perform ``action`` on this saved object?"""
    return restrict(type(obj)._default_manager.filter(pk=obj.pk), user, action).exists()


def check(user, action, obj):
    if not can(user, action, obj):
        raise PermissionDenied(gettext("无权%(action)s该%(name)s。") % {
            "action": ACTION_LABELS[action], "name": obj._meta.verbose_name})


def may(user, action, model):
    """Whether ``user`` may perform ``action`` on some objects of ``model`` (for showing buttons)."""
    return scope_for(user, model, action) is not None or _handled_q(user, model, action) is not None


# The actions as a sentence names them ("无权修改该企业。", "You may not change this enterprise.").
ACTION_LABELS = {VIEW: pgettext_lazy("权限", "查看"), ADD: pgettext_lazy("权限", "新建"),
                 CHANGE: pgettext_lazy("权限", "修改"), DELETE: pgettext_lazy("权限", "删除")}

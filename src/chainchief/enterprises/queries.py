from django.db.models import Prefetch, Q

from chainchief.core import uscc
from chainchief.enterprises.models import Enterprise, Membership


def enterprises_with_details(user):
    """The enterprises ``user`` may see, with the qualifications and chain memberships ``user`` may see."""
    from chainchief.core.permissions import VIEW
    from chainchief.enterprises.models import Qualification

    memberships = Membership.objects.restrict(user, VIEW).select_related("chain").order_by("chain__order")
    return Enterprise.objects.restrict(user, VIEW).select_related("region").prefetch_related(
        Prefetch("qualifications", queryset=Qualification.objects.restrict(user, VIEW)),
        Prefetch("memberships", queryset=memberships),
    )


def search(qs, *, user, q=None, chain=None, uscc_code=None, qualification=None, region=None, above_scale=None,
           role=None):
    """The enterprise list's filters, shared by the page, the API and exports. Chain filters look only at the
    memberships ``user`` may see, so they reveal no membership the user could not read."""
    from chainchief.core.permissions import VIEW

    visible = Membership.objects.restrict(user, VIEW)
    if q:
        q = q.strip()
        cond = Q(name__icontains=q) | Q(short_name__icontains=q)
        code = uscc.normalise(q)
        if code.isalnum():
            cond |= Q(uscc__startswith=code)
        qs = qs.filter(cond)
    if uscc_code:
        qs = qs.filter(uscc=uscc.normalise(uscc_code))
    if chain:
        members = visible.filter(chain_id=chain)
        if role:
            members = members.filter(role=role)
        qs = qs.filter(pk__in=members.values("enterprise"))
    elif role:
        qs = qs.filter(pk__in=visible.filter(role=role).values("enterprise"))
    if qualification:
        qs = qs.filter(qualifications__kind=qualification).distinct()
    if region:
        qs = qs.filter(region_id=region)
    if above_scale is not None:
        qs = qs.filter(is_above_scale=above_scale)
    return qs

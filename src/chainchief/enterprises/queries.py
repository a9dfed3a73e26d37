from django.db.models import Prefetch, Q

from chainchief.core import uscc
from chainchief.enterprises.models import Enterprise, Membership


def enterprises_with_details():
    return Enterprise.objects.select_related("region").prefetch_related(
        "qualifications",
        Prefetch("memberships", queryset=Membership.objects.select_related("chain").order_by("chain__order")),
    )


def search(qs, *, q=None, chain=None, uscc_code=None, qualification=None, region=None, above_scale=None,
           role=None):
    """The enterprise list's filters, shared by the page, the API and exports."""
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
        members = Membership.objects.filter(chain_id=chain)
        if role:
            members = members.filter(role=role)
        qs = qs.filter(pk__in=members.values("enterprise"))
    elif role:
        qs = qs.filter(pk__in=Membership.objects.filter(role=role).values("enterprise"))
    if qualification:
        qs = qs.filter(qualifications__kind=qualification).distinct()
    if region:
        qs = qs.filter(region_id=region)
    if above_scale is not None:
        qs = qs.filter(is_above_scale=above_scale)
    return qs

"""The local supply rate (本地配套率).

Definition: the local supply rate of a chain for a year is the amount its enterprises (its members, as buyers)
bought that year from suppliers in the chain's region (the city and its districts), divided by everything they
bought that year as recorded in the supply links. Links without an amount are left out of both sums. The same
ratio is given per segment (the buyers placed on the segment) and per chain-master (that enterprise's own
purchases).

One grouped query reads each buyer's two sums; the chain's, the segments' and the masters' rates are added up
from those rows.
"""
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, Count, DecimalField, Q, Sum, Value, When
from django.utils.translation import gettext_lazy as _

from chainchief.core.models import Region
from chainchief.core.permissions import VIEW, may

DEFINITION = _("本地配套率 = 产业链企业当年向本地（本市及所辖区县）供应方的采购额 ÷ 其当年全部有记录的采购额；"
               "未填采购额的供应关系不计入。分环节按该环节上图企业的采购计算，分链主按链主企业自身的采购计算。")
ZERO = Decimal("0")


@dataclass
class Rate:
    local: Decimal = ZERO  # 万元 bought from suppliers in the region
    total: Decimal = ZERO  # 万元 bought in all
    buyers: int = 0  # buyers with recorded purchases
    links: int = 0

    @property
    def rate(self):
        """The rate in per cent (one decimal), or None without recorded purchases."""
        if not self.total:
            return None
        return (Decimal(100) * self.local / self.total).quantize(Decimal("0.1"))

    @property
    def outside(self):
        return self.total - self.local

    def add(self, other):
        self.local += other.local
        self.total += other.total
        self.buyers += other.buyers
        self.links += other.links


@dataclass
class ChainRates:
    chain: object
    year: int | None
    years: list
    chain_rate: Rate
    segments: list = field(default_factory=list)  # [(segment, Rate)]
    masters: list = field(default_factory=list)  # [(enterprise, Rate)]


def may_read(user):
    """Rates are sums over a chain's enterprises: for the officials who read chain totals (monitoring's readers)."""
    from chainchief.monitoring.models import ChainFigure

    return may(user, VIEW, ChainFigure)


def links_of(chain, year=None):
    """The supply links whose buyer is a member of ``chain`` (in ``year`` if given)."""
    from chainchief.enterprises.models import Membership, SupplyLink

    qs = SupplyLink.objects.filter(customer_id__in=Membership.objects.filter(chain=chain).values("enterprise_id"))
    return qs if year is None else qs.filter(year=year)


def years(chain):
    return sorted(set(links_of(chain).values_list("year", flat=True).distinct()), reverse=True)


def by_buyer(chain, year):
    """{buyer id: Rate} of the chain's members for ``year``: one grouped query."""
    local = Region.subtree_ids(chain.region_id)
    money = DecimalField(max_digits=20, decimal_places=2)
    rows = (links_of(chain, year).filter(annual_amount__isnull=False).values("customer_id")
            .annotate(total=Sum("annual_amount"),
                      local=Sum(Case(When(Q(supplier__region_id__in=local), then="annual_amount"),
                                     default=Value(ZERO), output_field=money)),
                      n=Count("id")).order_by())
    return {r["customer_id"]: Rate(local=r["local"] or ZERO, total=r["total"] or ZERO, buyers=1, links=r["n"])
            for r in rows}


def chain_rate(chain, year):
    """The chain's rate for ``year``."""
    out = Rate()
    for r in by_buyer(chain, year).values():
        out.add(r)
    return out


def rates(chain, year, user=None):
    """The chain's rate for ``year`` (default: the latest year with links), its segments' and its masters'
    (those ``user`` may see)."""
    from chainchief.enterprises.models import Enterprise, Membership, MembershipRole
    from chainchief.maps.models import Segment, SegmentPlacement

    all_years = years(chain)
    if year is None:
        year = all_years[0] if all_years else None
    buyers = by_buyer(chain, year) if year else {}
    total = Rate()
    for r in buyers.values():
        total.add(r)
    segments = []
    placed = {}
    for seg_id, ent in SegmentPlacement.objects.filter(segment__chain=chain).values_list(
            "segment_id", "membership__enterprise_id"):
        placed.setdefault(seg_id, set()).add(ent)
    for seg in Segment.objects.filter(chain=chain).order_by("order", "id"):
        r = Rate()
        for ent in placed.get(seg.pk, ()):
            if ent in buyers:
                r.add(buyers[ent])
        segments.append((seg, r))
    masters = []
    master_ids = Membership.objects.filter(chain=chain, role=MembershipRole.MASTER).values("enterprise_id")
    qs = Enterprise.objects.filter(pk__in=master_ids)
    if user is not None:
        qs = qs.restrict(user, VIEW)
    for ent in qs.order_by("name"):
        masters.append((ent, buyers.get(ent.pk, Rate())))
    return ChainRates(chain=chain, year=year, years=all_years, chain_rate=total, segments=segments, masters=masters)

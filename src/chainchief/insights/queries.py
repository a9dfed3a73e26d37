"""The figures of the insights pages and API, from the stored tables through chainchief.analytics.

- Linkages: the table's sectors merged into the city's chains (a sector without a chain goes to 其他) with
  ``analytics.inputoutput.aggregate``; multipliers, 影响力系数 and 感应度系数 (Ghosh) of the merged table, and
  its flows between chains.
- Location quotients and shift-share: each chain's annual revenue (the December year-to-date figure of the
  monitoring app's ChainFigure) against a reference economy's totals (ReferenceTotal).
- HHI: each chain's December (or latest) revenue across its enterprises.

Linkages read only the input–output table (reference data, shared in the region); everything that reads chain
revenue is for the roles that may see aggregate figures (``may_see_aggregates``).
"""
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from django.utils.translation import gettext as _

from chainchief.analytics import concentration, inputoutput, regional
from chainchief.chains.models import Chain
from chainchief.core.permissions import VIEW, may
from chainchief.insights.models import IOFlow, IOTable, ReferenceTotal
from chainchief.monitoring.models import ChainFigure, MonthlyStat

OTHER = "其他"


def may_see_aggregates(user):
    return may(user, VIEW, ChainFigure)


def current_table(user, pk=None):
    tables = IOTable.objects.restrict(user, VIEW).select_related("region")
    if pk is not None:
        return tables.filter(pk=pk).first()
    return tables.first()


def table_arrays(table):
    """(sectors in order, Z, x) of a stored table as float arrays."""
    sectors = list(table.sectors.select_related("chain").order_by("order", "pk"))
    index = {s.pk: k for k, s in enumerate(sectors)}
    Z = np.zeros((len(sectors), len(sectors)))
    for r, c, v in IOFlow.objects.filter(table=table).values_list("row_id", "column_id", "value"):
        Z[index[r], index[c]] = float(v)
    x = np.array([float(s.total_output) for s in sectors])
    return sectors, Z, x


def _reading_power(u):
    return _("拉动作用强于平均") if u > 1 else _("拉动作用弱于平均")


def _reading_sensitivity(s):
    return _("供给支撑作用强于平均") if s > 1 else _("供给支撑作用弱于平均")


@dataclass
class ChainLinkage:
    label: str
    chain: Chain | None
    output: float
    multiplier: float
    power: float
    sensitivity: float
    sensitivity_leontief: float
    power_reading: str
    sensitivity_reading: str
    sectors: list = field(default_factory=list)


@dataclass
class TableLinkages:
    table: IOTable
    rows: list  # ChainLinkage, in the order of the merged table
    labels: list
    flows: list  # merged Z as lists (万元)
    inputs_share: list  # a_kl of the merged table: input from chain k per unit of chain l's output
    edges: list  # [(from, to, value)] between different chains, largest first
    unmapped: int


def linkages(table):
    sectors, Z, x = table_arrays(table)
    if not sectors:
        return None
    groups = [s.chain.name if s.chain_id else OTHER for s in sectors]
    labels, Zc, xc = inputoutput.aggregate(Z, x, groups)
    lk = inputoutput.linkages(Zc, xc)
    chains = {s.chain.name: s.chain for s in sectors if s.chain_id}
    rows = []
    for k, label in enumerate(labels):
        rows.append(ChainLinkage(
            label=label, chain=chains.get(label), output=float(xc[k]),
            multiplier=float(lk.output_multipliers[k]), power=float(lk.power_of_dispersion[k]),
            sensitivity=float(lk.sensitivity_of_dispersion[k]),
            sensitivity_leontief=float(lk.sensitivity_of_dispersion_from_leontief[k]),
            power_reading=_reading_power(lk.power_of_dispersion[k]),
            sensitivity_reading=_reading_sensitivity(lk.sensitivity_of_dispersion[k]),
            sectors=[s.name for s, g in zip(sectors, groups) if g == label]))
    edges = sorted(((labels[i], labels[j], float(Zc[i, j])) for i in range(len(labels)) for j in range(len(labels))
                    if i != j and Zc[i, j] > 0), key=lambda e: -e[2])
    return TableLinkages(table=table, rows=rows, labels=labels, flows=Zc.tolist(), inputs_share=lk.A.tolist(),
                         edges=edges, unmapped=sum(1 for s in sectors if not s.chain_id))


# --- Chain revenue against reference totals ---------------------------------------------------------------

def annual_revenue(user, region, year):
    """({chain id: revenue}, city revenue, period) of a year's December year-to-date figures (万元), as
    ``user`` may read them; ({}, None, None) when the year has no December."""
    period = date(year, 12, 1)
    figs = list(ChainFigure.objects.restrict(user, VIEW).filter(region=region, period=period))
    if not figs:
        return {}, None, None
    city = next((f.revenue for f in figs if f.chain_id is None), None)
    return {f.chain_id: f.revenue for f in figs if f.chain_id}, city, period


def references(user):
    """The reference economies with their years: {name: [years with a total, ascending]}."""
    out = {}
    for name, year in (ReferenceTotal.objects.restrict(user, VIEW).filter(is_total=True)
                       .values_list("reference", "year").distinct().order_by("reference", "year")):
        out.setdefault(name, []).append(year)
    return out


def _reference_values(user, region, reference, year):
    rows = ReferenceTotal.objects.restrict(user, VIEW).filter(region=region, reference=reference, year=year)
    total = next((r.value for r in rows if r.is_total), None)
    return {r.chain_id: r.value for r in rows if r.chain_id}, total


def _pick_reference(user, reference=None):
    refs = references(user)
    if not refs:
        return None, []
    if reference not in refs:
        reference = min(refs, key=lambda name: (-len(refs[name]), name))
    return reference, refs[reference]


@dataclass
class LQRow:
    chain: Chain
    revenue: float | None
    reference_value: float | None
    lq: float | None
    reading: str


def location_quotients(user, chains, reference=None, year=None):
    """(reference, year, rows): each chain's LQ = (chain / city) / (reference chain / reference total) in
    the latest year (or ``year``) that has both reference totals and the city's December figures."""
    reference, years = _pick_reference(user, reference)
    if reference is None or user.region_id is None:
        return None, None, []
    for y in sorted(years, reverse=True):
        if year is not None and y != year:
            continue
        city_chains, city_total, _period = annual_revenue(user, user.region, y)
        if city_total is None:
            continue
        ref, ref_total = _reference_values(user, user.region, reference, y)
        rows = []
        for chain in chains:
            lq = regional.location_quotient(city_chains.get(chain.pk), city_total, ref.get(chain.pk), ref_total)
            reading = "—" if lq is None else (_("专业化程度高于%(ref)s") if lq > 1 else _("专业化程度低于%(ref)s")) % {
                "ref": reference}
            rows.append(LQRow(chain=chain, revenue=_f(city_chains.get(chain.pk)),
                              reference_value=_f(ref.get(chain.pk)), lq=lq, reading=reading))
        return reference, y, rows
    return reference, None, []


def _f(v):
    return None if v is None else float(v)


@dataclass
class ShiftRow:
    chain: Chain
    start: float
    end: float
    change: float
    national_share: float
    industry_mix: float
    regional_shift: float
    reading: str


def shift_share(user, chains, reference=None):
    """(reference, start year, end year, rows, total) of each chain's change between the two latest years
    that have reference totals and the city's December figures; (…, [], None) when there are not two."""
    reference, years = _pick_reference(user, reference)
    if reference is None or user.region_id is None:
        return None, None, None, [], None
    usable = []
    for y in sorted(years, reverse=True):
        city_chains, city_total, _period = annual_revenue(user, user.region, y)
        if city_total is not None:
            usable.append((y, city_chains, _reference_values(user, user.region, reference, y)))
        if len(usable) == 2:
            break
    if len(usable) < 2:
        return reference, None, None, [], None
    (y1, c1, (r1, t1)), (y0, c0, (r0, t0)) = usable
    keys = [c for c in chains if all(c.pk in d for d in (c0, c1, r0, r1)) and r0[c.pk] > 0]
    if not keys or not t0 or not t1:
        return reference, y0, y1, [], None
    result = regional.shift_share({c.pk: c0[c.pk] for c in keys}, {c.pk: c1[c.pk] for c in keys},
                                  {c.pk: r0[c.pk] for c in keys}, {c.pk: r1[c.pk] for c in keys},
                                  reference_total_start=t0, reference_total_end=t1)
    rows = []
    for c in keys:
        r = result.industries[c.pk]
        reading = _("竞争力强于%(ref)s同行业") if r.regional_shift > 0 else _("竞争力弱于%(ref)s同行业")
        rows.append(ShiftRow(chain=c, start=r.start, end=r.end, change=r.change, national_share=r.national_share,
                             industry_mix=r.industry_mix, regional_shift=r.regional_shift,
                             reading=reading % {"ref": reference}))
    return reference, y0, y1, rows, result.reference_growth


# --- Concentration of each chain's revenue ---------------------------------------------------------------

@dataclass
class HHIRow:
    chain: Chain
    enterprises: int
    hhi: float | None
    equivalent: float | None  # 10,000 / HHI: as many enterprises of equal size
    reading: str


def _hhi_reading(h):
    # Bands of the U.S. DOJ/FTC Horizontal Merger Guidelines (2010), §5.3.
    if h is None:
        return "—"
    if h < 1500:
        return _("分散：不依赖个别企业")
    if h <= 2500:
        return _("中度集中")
    return _("高度集中：依赖链主企业")


def latest_period(user):
    return ChainFigure.objects.restrict(user, VIEW).order_by("-period").values_list("period", flat=True).first()


def hhi(chains, period):
    """Each chain's HHI of its member enterprises' year-to-date revenue in ``period`` (a month's first day).
    An enterprise in several chains counts in each. Aggregate figures: the caller checks the reader's right."""
    values = {c.pk: [] for c in chains}
    for chain_id, revenue in (MonthlyStat.objects.filter(
            period=period, revenue__isnull=False, enterprise__memberships__chain__in=list(values))
            .values_list("enterprise__memberships__chain", "revenue")):
        values[chain_id].append(revenue)
    rows = []
    for c in chains:
        v = [x for x in values[c.pk] if x >= 0]
        h = concentration.hhi(v) if v else None
        rows.append(HHIRow(chain=c, enterprises=len(v), hhi=h, equivalent=(10000 / h) if h else None,
                           reading=_hhi_reading(h)))
    return rows


# --- 延链: segments the region lacks, ranked by density -----------------------------------------------------
#
# The matrix: rows are places (the region itself first, then its sibling regions held in the platform, then the
# places of the imported reference table), columns the segments of every active chain held by the region or a
# region above it; each cell the number of distinct enterprises of that place placed on that segment of the map.
#
# - The region's own row: its enterprises (registered in it or below) placed on each segment.
# - Sibling regions (same parent): only for the segments of chains held above the region (a provincial chain's
#   map, shared by its cities). A city's own chain has no segments in another city's map; enterprises from
#   elsewhere placed on it are its outside suppliers, not that city's presence, and are left out.
# - SegmentPresence rows held by the region: other places' counts from a reference table (a provincial survey).
#   A place that is also a sibling in the platform is read from the platform only.
#
# Segments no place has (column zero) and places with no enterprise on any segment (row zero) are dropped before
# RCA. Conventions (analytics.relatedness): a place has a segment when RCA ≥ 1 (exactly 1 counts); proximity
# φ_ij = C_ij / max(u_i, u_j) with φ_jj = 1; density excludes the segment itself: ω_j = Σ_{i≠j} x_i φ_ij / Σ_{i≠j}
# φ_ij. The region "lacks" a segment when its RCA < 1 (a segment without local enterprises included); the reasons
# are its present segments (RCA ≥ 1) of highest φ. Counts are over all enterprises, as the chain map counts them
# (maps.mapping): every reader sees the same figures; what is listed is limited to the chains and segments the
# reader may see.

MIN_PLACES = 3  # fewer places than this make proximity meaningless (two places: every φ is 0, ½ or 1)


@dataclass
class Suggestion:
    segment: object  # maps.Segment
    stage: str
    local: int  # the region's enterprises on it
    rca: float
    density: float | None
    related: list  # [(label "chain · segment", φ)], closest first


@dataclass
class ChainExtension:
    chain: Chain
    suggestions: list  # Suggestion, densest first
    present: int  # segments where the region has RCA ≥ 1
    no_data: list  # segments no place has: no density


@dataclass
class Extension:
    region: object  # core.Region
    places: list  # labels of the rows, the region first
    platform_places: int
    imported_places: int
    segments: int  # columns of the matrix
    sources: list  # distinct sources of the imported rows
    illustrative: bool
    chains: list  # ChainExtension, for the chains the reader may see
    reason: str = ""  # why there is no figure, when there is none


def extension_regions(user):
    """Regions the reader may compute 延链 for: their own and the regions directly below it."""
    from chainchief.core.models import Region

    if user.region_id is None:
        return list(Region.objects.restrict(user, VIEW).filter(parent__isnull=True).order_by("order", "pk"))
    return [user.region, *Region.objects.restrict(user, VIEW).filter(parent_id=user.region_id).order_by("order", "pk")]


def presence_matrix(region):
    """(places, segments, counts, sources): the region × segment matrix described above, before any column or row
    is dropped. ``counts`` is a float array, row 0 the region; ``segments`` the Segment rows of the columns."""
    from chainchief.core.models import Region
    from chainchief.insights.models import SegmentPresence
    from chainchief.maps.models import Segment, SegmentPlacement

    parents = dict(Region.objects.values_list("pk", "parent_id"))
    names = dict(Region.objects.values_list("pk", "name"))
    above = set()
    node = region.pk
    while node is not None:
        above.add(node)
        node = parents.get(node)
    segments = list(Segment.objects.filter(chain__region_id__in=above, chain__is_active=True)
                    .select_related("chain").order_by("chain__order", "chain_id", "order", "pk"))
    column = {s.pk: k for k, s in enumerate(segments)}
    shared = {s.pk for s in segments if s.chain.region_id != region.pk}
    siblings = [pk for pk, parent in parents.items() if parent == region.parent_id and pk != region.pk] \
        if region.parent_id is not None else []
    top = {region.pk: region.pk, **{pk: pk for pk in siblings}}

    def place_of(region_id):  # the region or sibling an enterprise's region lies in, else None
        seen = 0
        while region_id is not None and region_id not in top and seen < 20:
            region_id, seen = parents.get(region_id), seen + 1
        return top.get(region_id)

    cells = {}
    for seg_id, ent_id, ent_region in (SegmentPlacement.objects.filter(segment_id__in=column)
                                       .values_list("segment_id", "membership__enterprise_id",
                                                    "membership__enterprise__region_id").distinct()):
        where = place_of(ent_region)
        if where is None or (where != region.pk and seg_id not in shared):
            continue
        cells.setdefault(where, {}).setdefault(seg_id, set()).add(ent_id)
    places = [region.name] + [names[pk] for pk in sorted(s for s in siblings if s in cells)]
    rows = {region.pk: 0, **{pk: places.index(names[pk]) for pk in siblings if pk in cells}}
    platform = len(places) - 1
    imported, sources = {}, set()
    for place, seg_id, n, source in (SegmentPresence.objects.filter(region=region, segment_id__in=column)
                                     .values_list("place", "segment_id", "enterprises", "source")):
        if place in places:
            continue  # a sibling held in the platform: its map is the figure
        imported.setdefault(place, {})[seg_id] = n
        if source:
            sources.add(source)
    places += sorted(imported)
    counts = np.zeros((len(places), len(segments)))
    for where, by_seg in cells.items():
        for seg_id, ents in by_seg.items():
            counts[rows[where], column[seg_id]] = len(ents)
    for place, by_seg in imported.items():
        i = places.index(place)
        for seg_id, n in by_seg.items():
            counts[i, column[seg_id]] = n
    return places, segments, counts, sorted(sources), platform


def extension(user, region, chains, reasons=3):
    """延链 suggestions of ``region`` for each of ``chains`` (those the reader may see), see above."""
    from chainchief.analytics import relatedness

    places, segments, counts, sources, platform = presence_matrix(region)
    out = Extension(region=region, places=places, platform_places=platform, imported_places=len(places) - 1 - platform,
                    segments=0, sources=sources, illustrative=any("示意" in s for s in sources), chains=[])
    keep_cols = counts.sum(axis=0) > 0
    keep_rows = counts[:, keep_cols].sum(axis=1) > 0
    if len(places) < MIN_PLACES or keep_rows.sum() < MIN_PLACES:
        out.reason = _("需要至少 %(n)s 个地区（本地区及其他地区）的环节企业数才能计算关联密度：可导入参照地区各环节企业数，"
                       "或在上级区域的产业链图谱中放置各地区企业。") % {"n": MIN_PLACES}
        return out
    if not keep_rows[0]:
        out.reason = _("本地区尚无企业放置在产业链图谱的环节上，无法计算。")
        return out
    M = counts[np.ix_(keep_rows, keep_cols)]
    cols = [s for s, k in zip(segments, keep_cols) if k]
    R = relatedness.rca(M)
    phi = relatedness.proximity(R)
    x = relatedness.presence(R)[0]
    out.segments = len(cols)
    # A few more reasons than shown, so that some remain after those of chains out of the reader's sight are left out.
    candidates = relatedness.extension_candidates(x, phi, labels=list(range(len(cols))), reasons=reasons * 5)
    visible = {c.pk for c in chains}
    local = counts[0]
    col_of = {s.pk: k for k, s in enumerate(segments)}
    stage = {v: str(label) for v, label in _stages()}
    by_chain = {c.pk: ChainExtension(chain=c, suggestions=[], present=0, no_data=[]) for c in chains}
    for k, s in enumerate(cols):
        if s.chain_id in by_chain and x[k]:
            by_chain[s.chain_id].present += 1
    for cand in candidates:
        s = cols[cand.product]
        if s.chain_id not in by_chain:
            continue
        related = [(f"{cols[i].chain.name} · {cols[i].name}", p) for i, p in cand.related
                   if cols[i].chain_id in visible][:reasons]
        by_chain[s.chain_id].suggestions.append(Suggestion(
            segment=s, stage=stage.get(s.stage, s.stage), local=int(local[col_of[s.pk]]), rca=float(R[0, cand.product]),
            density=None if np.isnan(cand.density) else cand.density, related=related))
    for s, k in zip(segments, keep_cols):
        if not k and s.chain_id in by_chain:
            by_chain[s.chain_id].no_data.append(s)
    out.chains = [by_chain[c.pk] for c in chains if c.pk in by_chain and c.region_id in _above(region)]
    return out


def _stages():
    from chainchief.maps.models import Stage

    return Stage.choices


def _above(region):
    return set(region.ancestor_ids()) | {region.pk}


# --- Cached reads ----------------------------------------------------------------------------------------------
#
# Every figure of the page and the API is kept under the data stamp (core.stamps), as the cockpit's are: the stamp
# changes with every write to the tables they come from (the input–output tables, sectors, flows, reference totals
# and reference presence, the chain figures, chains, segments and placements: core.stamps.WATCHED), so no figure
# older than its data is served. HHI reads the monthly statistics and memberships, which are not watched
# themselves: every write of them through the application rewrites the chains' ChainFigure rows (monitoring's
# services, imports and signals call aggregates.refresh), and that changes the stamp. Keys hold what else decides
# the figure: the reader's view (role, scope, region), the parameters and the language of the readings.

def cached(token, kind, user, parts, compute):
    from django.utils.translation import get_language

    from chainchief.core import stamps
    from chainchief.monitoring.report import reader_key

    key = ("insights", kind, *reader_key(user), *map(str, parts), get_language())
    return stamps.memo(token, key, compute, local=False)

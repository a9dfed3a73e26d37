"""The chain map: the segment tree with each segment's verdict (strong / weak / missing) and its reason in words.

The rule, per segment (its own enterprises and those of the segments below it, each enterprise counted once):

* missing (缺链): at most ``missing_max_enterprises`` local enterprises (default 0: "无本地企业");
* strong (强链): at least ``strong_min_enterprises`` local enterprises, of which at least
  ``strong_min_above_scale`` above scale, with a chain-master or backbone enterprise when
  ``strong_requires_leader``, and — when monthly figures are available and ``strong_min_revenue_share`` is set —
  at least that share of the chain's revenue;
* weak (弱链): everything in between; the reason lists what is lacking ("仅 2 家规下企业", "无链主或龙头骨干企业" …).

"Local" means the enterprise is registered in the chain's region or below it. Thresholds are a ``MapSettings`` row
per region (the defaults apply while a region has none). A coordinator may replace a verdict with a
``StrengthOverride`` carrying a written reason; the map then shows the override as such, next to the rule's verdict.

Revenue shares come from the optional setting ``CHAIN_MAP_REVENUE_SOURCE``: the dotted path of a callable
``f(chain) -> {enterprise_id: revenue in 万元} | None`` (e.g. the year-to-date revenue from the monthly figures).
Without it the rule does not look at revenue.

Who sees what: the segment tree, verdicts, reasons and counts are shown to everyone who may view the chain and are
computed over all enterprises, so every viewer sees the same picture. The enterprises themselves are listed only as
far as the one read filter lets the viewer see their chain membership (``Membership.objects.restrict``): a lead
department sees its chains' enterprises, an enterprise user sees its own enterprise and only counts of the others.
"""
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings as django_settings
from django.db.models import Q
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from chainchief.chains.models import Chain
from chainchief.core.permissions import ADD, ALL, CHANGE, REGION, VIEW, can, may, region_wide, scope_for
from chainchief.enterprises.models import Enterprise, Membership, MembershipRole
from chainchief.maps.models import KeyTechnology, MapSettings, Segment, SegmentLink, SegmentPlacement, Stage, Strength

STAGES = list(Stage)


def _labels(choices):
    """{value: label} as plain strings in the active language."""
    return {value: str(label) for value, label in choices}
LEADER_ROLES = (MembershipRole.MASTER, MembershipRole.BACKBONE)


# --- thresholds ----------------------------------------------------------------------------------------------


def settings_for(region):
    """The region's thresholds: its own row, else the nearest region above with one, else the defaults."""
    node, seen = region, set()
    while node is not None and node.pk not in seen:
        seen.add(node.pk)
        row = MapSettings.objects.filter(region_id=node.pk).first()
        if row is not None:
            return row
        node = node.parent
    return MapSettings(region=region)


def settings_dict(s):
    return {
        "missing_max_enterprises": s.missing_max_enterprises,
        "strong_min_enterprises": s.strong_min_enterprises,
        "strong_min_above_scale": s.strong_min_above_scale,
        "strong_requires_leader": s.strong_requires_leader,
        "strong_min_revenue_share": s.strong_min_revenue_share,
    }


# --- the rule ------------------------------------------------------------------------------------------------


@dataclass
class Facts:
    """What the rule looks at for one segment."""

    enterprises: int = 0  # local enterprises
    above_scale: int = 0  # of which above scale
    masters: int = 0
    backbones: int = 0
    external: int = 0  # enterprises registered outside the region
    revenue_share: Decimal | None = None  # percent of the chain's revenue, None when unknown


@dataclass
class Verdict:
    strength: str
    reason: str
    lacking: list = field(default_factory=list)


def _pct(value):
    return f"{value.quantize(Decimal('0.1'))}%"


def judge(facts: Facts, s: MapSettings, *, show_share=True) -> Verdict:
    """The rule's verdict on one segment, with its reason in words. With ``show_share`` False the verdict is the
    same but the words give no revenue figure (for readers who may not see every enterprise's revenue)."""
    n, a = facts.enterprises, facts.above_scale
    if n <= s.missing_max_enterprises:
        if n == 0:
            reason = _("无本地企业")
            if facts.external:
                reason += ngettext("（仅有 %(n)s 家外地企业）", "（仅有 %(n)s 家外地企业）", facts.external) % {
                    "n": facts.external}
        else:
            reason = ngettext("仅 %(n)s 家本地企业（缺链标准：不超过 %(max)s 家）",
                              "仅 %(n)s 家本地企业（缺链标准：不超过 %(max)s 家）", n) % {
                "n": n, "max": s.missing_max_enterprises}
        return Verdict(Strength.MISSING, reason, [reason])

    lacking = []
    if a == 0 and s.strong_min_above_scale > 0:
        lacking.append(ngettext("仅 %(n)s 家规下企业", "仅 %(n)s 家规下企业", n) % {"n": n})  # says the count too
    else:
        if n < s.strong_min_enterprises:
            lacking.append(ngettext("仅 %(n)s 家本地企业（强链需 %(need)s 家）", "仅 %(n)s 家本地企业（强链需 %(need)s 家）",
                                    n) % {"n": n, "need": s.strong_min_enterprises})
        if a < s.strong_min_above_scale:
            lacking.append(ngettext("规上企业仅 %(n)s 家（强链需 %(need)s 家）", "规上企业仅 %(n)s 家（强链需 %(need)s 家）",
                                    a) % {"n": a, "need": s.strong_min_above_scale})
    if s.strong_requires_leader and not (facts.masters or facts.backbones):
        lacking.append(_("无链主或龙头骨干企业"))
    share_needed = s.strong_min_revenue_share
    if share_needed is not None and facts.revenue_share is not None and facts.revenue_share < share_needed:
        lacking.append(_("营收占全链 %(share)s（强链需 %(need)s）") % {
            "share": _pct(facts.revenue_share), "need": _pct(Decimal(share_needed))}
            if show_share else _("营收占比未达强链标准"))
    if lacking:
        return Verdict(Strength.WEAK, _("；").join(lacking), lacking)

    parts = [ngettext("本地企业 %(n)s 家，其中规上 %(above)s 家", "本地企业 %(n)s 家，其中规上 %(above)s 家", n) % {
        "n": n, "above": a}]
    leaders = []
    if facts.masters:
        leaders.append(ngettext("链主企业 %(n)s 家", "链主企业 %(n)s 家", facts.masters) % {"n": facts.masters})
    if facts.backbones:
        leaders.append(ngettext("龙头骨干企业 %(n)s 家", "龙头骨干企业 %(n)s 家", facts.backbones) % {
            "n": facts.backbones})
    if leaders:
        parts.append(_("有%(leaders)s") % {"leaders": _("、").join(leaders)})
    if facts.revenue_share is not None and show_share:
        parts.append(_("营收占全链 %(share)s") % {"share": _pct(facts.revenue_share)})
    return Verdict(Strength.STRONG, _("；").join(parts), [])


# --- facts from the database ---------------------------------------------------------------------------------

# One row per placement: what the map needs about the placed enterprise, read in a single query.
PLACEMENT_FIELDS = (
    "segment_id", "membership_id", "membership__role", "membership__enterprise_id",
    "membership__enterprise__name", "membership__enterprise__short_name", "membership__enterprise__region_id",
    "membership__enterprise__is_above_scale",
)


def _revenue(chain, s):
    """{enterprise id: revenue} for the revenue criterion, or None while the region does not use it."""
    if s.strong_min_revenue_share is None:
        return None
    path = getattr(django_settings, "CHAIN_MAP_REVENUE_SOURCE", None)
    if path:
        return import_string(path)(chain)
    return latest_revenue(chain)


def latest_revenue(chain):
    """Year-to-date revenue (万元) of the chain's enterprises in the latest month with figures, when the monitoring
    app is installed; None otherwise."""
    from django.apps import apps
    from django.db.models import Max

    if not apps.is_installed("chainchief.monitoring"):
        return None
    MonthlyStat = apps.get_model("monitoring", "MonthlyStat")
    members = Membership.objects.filter(chain_id=chain.pk).values("enterprise_id")
    latest = MonthlyStat.objects.filter(enterprise_id__in=members).aggregate(p=Max("period"))["p"]
    if latest is None:
        return None
    return dict(MonthlyStat.objects.filter(enterprise_id__in=members, period=latest, revenue__isnull=False)
                .values_list("enterprise_id", "revenue"))


def _subtree_members(segments, own):
    """{segment id: set of placement rows} over each segment and all segments below it."""
    children = defaultdict(list)
    for seg in segments:
        children[seg.parent_id].append(seg.pk)
    memo = {}

    def collect(pk):
        if pk in memo:
            return memo[pk]
        memo[pk] = {}  # a loop of parents (which the model refuses) ends here instead of recursing forever
        rows = dict(own.get(pk, {}))
        for child in children.get(pk, ()):
            rows.update(collect(child))
        memo[pk] = rows
        return rows

    for seg in segments:
        collect(seg.pk)
    return memo


def verdicts(segments, rows, s, local_regions, revenue=None, show_share=True):
    """{segment id: (Facts, rule Verdict, shown Verdict)} for ``segments`` given their placement ``rows``."""
    own = defaultdict(dict)
    for r in rows:
        own[r[0]][r[3]] = r  # keyed by enterprise id: an enterprise counts once per segment
    chain_revenue = None
    if revenue:
        chain_revenue = sum((revenue.get(e, Decimal(0)) for e in {r[3] for r in rows}), Decimal(0)) or None
    out = {}
    for pk, members in _subtree_members(segments, own).items():
        f = Facts()
        seg_revenue = Decimal(0)
        for r in members.values():
            if r[6] not in local_regions:
                f.external += 1
                continue
            f.enterprises += 1
            f.above_scale += bool(r[7])
            f.masters += r[2] == MembershipRole.MASTER
            f.backbones += r[2] == MembershipRole.BACKBONE
            if revenue:
                seg_revenue += revenue.get(r[3], Decimal(0))
        if chain_revenue:
            f.revenue_share = seg_revenue * 100 / chain_revenue
        out[pk] = f
    result = {}
    for seg in segments:
        f = out.get(seg.pk, Facts())
        rule = judge(f, s, show_share=show_share)
        shown = rule
        override = getattr(seg, "_override", None)
        if override is not None:
            shown = Verdict(override.strength, _("人工认定：%(reason)s（规则判定：%(rule)s，%(why)s）") % {
                "reason": override.reason, "rule": Strength(rule.strength).label, "why": rule.reason}, rule.lacking)
        result[seg.pk] = (f, rule, shown)
    return result


def _segments(chain_ids):
    segs = list(Segment.objects.filter(chain_id__in=chain_ids).select_related("override").order_by("order", "id"))
    for seg in segs:
        try:
            seg._override = seg.override
        except Segment.override.RelatedObjectDoesNotExist:
            seg._override = None
    return segs


def editing_rights(user, chain):
    """What ``user`` may do on this chain's map: edit segments and placements, override verdicts."""
    edit = may(user, ADD, Segment) and can(user, CHANGE, chain)
    override = edit and region_wide(user)
    return {"can_edit": edit, "can_override": override}


def build_map(chain, user, *, district=None, with_enterprises=True):
    """The chain's map as plain data: a fixed number of queries whatever the number of enterprises."""
    region = chain.region
    local_regions = set(region.descendant_ids())
    s = settings_for(region)
    segments = _segments([chain.pk])
    seg_ids = [seg.pk for seg in segments]
    rows = list(SegmentPlacement.objects.filter(segment__chain_id=chain.pk).values_list(*PLACEMENT_FIELDS)
                .order_by("segment_id", "membership__enterprise__name"))
    # A segment's share of the chain's revenue is shown as a figure only to those who see every enterprise.
    show_shares = scope_for(user, Membership, VIEW) in (ALL, REGION)
    results = verdicts(segments, rows, s, local_regions, _revenue(chain, s), show_share=show_shares)

    visible = set(Membership.objects.restrict(user, VIEW).filter(chain_id=chain.pk).values_list("pk", flat=True))
    region_names = dict(type(region).objects.filter(pk__in=local_regions | {r[6] for r in rows})
                        .values_list("pk", "name"))

    techs = defaultdict(list)
    tech_rows = list(KeyTechnology.objects.filter(segment_id__in=seg_ids).select_related("enterprise"))
    tech_ents = {t.enterprise_id for t in tech_rows if t.enterprise_id}
    visible_tech_ents = set(Enterprise.objects.restrict(user, VIEW).filter(pk__in=tech_ents)
                            .values_list("pk", flat=True)) if tech_ents else set()
    for t in tech_rows:
        techs[t.segment_id].append(technology_brief(t, visible_tech_ents))

    links = defaultdict(list)
    link_rows = list(SegmentLink.objects.filter(Q(source__chain_id=chain.pk) | Q(target__chain_id=chain.pk))
                     .select_related("source__chain", "target__chain").order_by("id"))
    all_links = []
    for link in link_rows:
        for mine, other, direction in ((link.source, link.target, "out"), (link.target, link.source, "in")):
            if mine.chain_id == chain.pk:
                item = {"id": link.pk, "kind": link.kind, "kind_label": str(link.get_kind_display()),
                        "direction": direction, "note": link.note, "segment_id": other.pk,
                        "segment_name": other.name, "chain_id": other.chain_id, "chain_name": other.chain.name,
                        "version": link.version}
                links[mine.pk].append(item)
                all_links.append({**item, "from_segment_id": mine.pk, "from_segment_name": mine.name})

    role_labels = _labels(MembershipRole.choices)
    enterprises = defaultdict(list)
    hidden = defaultdict(int)
    district_counts = defaultdict(set)
    for r in rows:
        if district is not None and r[6] == district:
            district_counts[r[0]].add(r[3])
        if r[1] not in visible:
            hidden[r[0]] += 1
            continue
        if not with_enterprises or (district is not None and r[6] != district):
            continue
        enterprises[r[0]].append({
            "id": r[3], "membership_id": r[1], "name": r[4], "short_name": r[5] or r[4],
            "district_id": r[6], "district": region_names.get(r[6], ""), "role": r[2],
            "role_label": role_labels.get(r[2], r[2]), "is_above_scale": r[7], "is_local": r[6] in local_regions,
        })

    strength_labels, stage_labels = _labels(Strength.choices), _labels(Stage.choices)
    nodes = {}
    for seg in segments:
        f, rule, shown = results[seg.pk]
        node = {
            "id": seg.pk, "name": seg.name, "stage": seg.stage, "stage_label": stage_labels[seg.stage],
            "parent_id": seg.parent_id, "order": seg.order, "description": seg.description,
            "key_products": seg.key_product_list(),
            "strength": shown.strength, "strength_label": strength_labels[shown.strength], "reason": shown.reason,
            "lacking": rule.lacking if shown.strength != Strength.STRONG else [],
            "computed_strength": rule.strength, "computed_reason": rule.reason,
            "overridden": seg._override is not None,
            "override_reason": seg._override.reason if seg._override is not None else "",
            "enterprise_count": f.enterprises, "above_scale_count": f.above_scale,
            "master_count": f.masters, "backbone_count": f.backbones, "external_count": f.external,
            "revenue_share": f.revenue_share if show_shares else None,
            "district_count": len(_subtree_ids(seg.pk, segments, district_counts)) if district is not None else None,
            "enterprises": enterprises.get(seg.pk, []), "hidden_count": hidden.get(seg.pk, 0),
            "technologies": techs.get(seg.pk, []), "links": links.get(seg.pk, []),
            "version": seg.version, "children": [],
        }
        nodes[seg.pk] = node
    roots = defaultdict(list)
    for seg in segments:
        node = nodes[seg.pk]
        if seg.parent_id in nodes:
            nodes[seg.parent_id]["children"].append(node)
        else:
            roots[seg.stage].append(node)

    summary = {k: 0 for k in Strength.values}
    for _f, _rule, shown in results.values():
        summary[shown.strength] += 1
    placed = {r[3] for r in rows}
    return {
        "chain": {"id": chain.pk, "name": chain.name, "short_name": chain.short_name, "region_id": chain.region_id},
        "settings": settings_dict(s),
        "stages": [{"stage": st.value, "label": str(st.label), "segments": roots.get(st.value, [])} for st in STAGES],
        "summary": {**summary, "segments": len(segments), "enterprises": len(placed),
                    "technologies": len(tech_rows), "links": len(link_rows)},
        "links": all_links,
        "districts": [{"id": pk, "name": name} for pk, name in region_names.items() if pk != region.pk
                      and pk in local_regions],
        "district": district,
        **editing_rights(user, chain),
    }


def _subtree_ids(pk, segments, per_segment):
    """Distinct enterprise ids under segment ``pk`` (inclusive) from {segment id: set(enterprise ids)}."""
    children = defaultdict(list)
    for seg in segments:
        children[seg.parent_id].append(seg.pk)
    out, stack, seen = set(), [pk], set()
    while stack:
        cur = stack.pop()
        if cur in seen:
            continue
        seen.add(cur)
        out |= per_segment.get(cur, set())
        stack.extend(children.get(cur, ()))
    return out


def technology_brief(t, visible_enterprises):
    shown = t.enterprise_id in visible_enterprises
    return {"id": t.pk, "name": t.name, "description": t.description, "status": t.status,
            "status_label": str(t.get_status_display()), "enterprise_role": t.enterprise_role,
            "enterprise_role_label": str(t.get_enterprise_role_display()),
            "enterprise_id": t.enterprise_id if shown else None,
            "enterprise_name": t.enterprise.name if shown else ("（本地企业）" if t.enterprise_id else ""),
            "external_party": t.external_party, "version": t.version}


def flatten(tree):
    """Every segment node of a map, depth first, in stage order."""
    out = []

    def walk(node, depth):
        out.append((node, depth))
        for child in node["children"]:
            walk(child, depth + 1)

    for stage in tree["stages"]:
        for node in stage["segments"]:
            walk(node, 0)
    return [dict(n, depth=d) for n, d in out]


# --- the 1 + N lists -----------------------------------------------------------------------------------------


def backbone_list(chain, user, *, q=None):
    """龙头骨干企业清单: the chain's chain-master and backbone enterprises the viewer may see, with their segments."""
    qs = (Membership.objects.restrict(user, VIEW).filter(chain_id=chain.pk, role__in=LEADER_ROLES)
          .select_related("enterprise__region").prefetch_related("placements__segment")
          .order_by("role", "enterprise__name"))
    if q:
        qs = qs.filter(enterprise__name__icontains=q.strip())
    return [{"id": m.enterprise_id, "membership_id": m.pk, "name": m.enterprise.name, "role": m.role,
             "role_label": str(m.get_role_display()), "district": m.enterprise.region.name,
             "is_above_scale": m.enterprise.is_above_scale,
             "segments": [{"id": p.segment_id, "name": p.segment.name, "stage": p.segment.stage,
                           "stage_label": str(p.segment.get_stage_display())}
                          for p in sorted(m.placements.all(), key=lambda p: (p.segment.order, p.segment_id))]}
            for m in qs]


def supporting_list(tree, *, stage=None, q=None):
    """主要配套企业清单: supporting enterprises by segment."""
    out = []
    for node in flatten(tree):
        if stage and node["stage"] != stage:
            continue
        ents = [e for e in node["enterprises"] if e["role"] == MembershipRole.SUPPORTING
                and (not q or q.strip() in e["name"])]
        if q and not ents:
            continue
        out.append({**_segment_brief(node), "enterprises": ents,
                    "hidden_count": node["hidden_count"]})
    return out


def strong_list(tree, *, stage=None):
    """锻长板领域: strong segments."""
    return [_segment_brief(n) for n in flatten(tree)
            if n["strength"] == Strength.STRONG and (not stage or n["stage"] == stage)]


def gap_list(tree, *, stage=None, strength=None):
    """补短板环节: weak and missing segments, each with what is lacking."""
    return [{**_segment_brief(n), "lacking": n["lacking"] or [n["reason"]]} for n in flatten(tree)
            if n["strength"] != Strength.STRONG and (not strength or n["strength"] == strength)
            and (not stage or n["stage"] == stage)]


def technology_list(tree, *, status=None, stage=None):
    """关键产品技术攻关清单."""
    out = []
    for n in flatten(tree):
        if stage and n["stage"] != stage:
            continue
        for t in n["technologies"]:
            if status and t["status"] != status:
                continue
            out.append({**t, "segment_id": n["id"], "segment_name": n["name"], "stage": n["stage"],
                        "stage_label": n["stage_label"], "segment_strength": n["strength"],
                        "segment_strength_label": n["strength_label"]})
    return out


def _segment_brief(n):
    return {"id": n["id"], "name": n["name"], "stage": n["stage"], "stage_label": n["stage_label"],
            "depth": n.get("depth", 0), "strength": n["strength"], "strength_label": n["strength_label"],
            "reason": n["reason"], "overridden": n["overridden"], "enterprise_count": n["enterprise_count"],
            "above_scale_count": n["above_scale_count"], "key_products": n["key_products"]}


# --- the city overview ---------------------------------------------------------------------------------------


def overview(user, region=None):
    """All chains the user may view, each with its verdict counts, and the cross-chain links between them."""
    chains = list(Chain.objects.restrict(user, VIEW).filter(is_active=True).select_related("region", "tier")
                  .order_by("order", "id"))
    if region is not None:
        chains = [c for c in chains if c.region_id == region]
    chain_ids = [c.pk for c in chains]
    segments = _segments(chain_ids)
    rows = list(SegmentPlacement.objects.filter(segment__chain_id__in=chain_ids).values_list(*PLACEMENT_FIELDS))
    by_chain_segs, by_chain_rows = defaultdict(list), defaultdict(list)
    seg_chain = {}
    for seg in segments:
        by_chain_segs[seg.chain_id].append(seg)
        seg_chain[seg.pk] = seg.chain_id
    for r in rows:
        by_chain_rows[seg_chain[r[0]]].append(r)
    cache = {}
    nodes = []
    for c in chains:
        if c.region_id not in cache:
            cache[c.region_id] = (settings_for(c.region), set(c.region.descendant_ids()))
        s, local = cache[c.region_id]
        res = verdicts(by_chain_segs[c.pk], by_chain_rows[c.pk], s, local, _revenue(c, s), show_share=False)
        counts = {k: 0 for k in Strength.values}
        for _f, _rule, shown in res.values():
            counts[shown.strength] += 1
        nodes.append({"id": c.pk, "name": c.name, "short_name": c.short_name,
                      "tier": c.tier.name if c.tier_id else "", "segments": len(by_chain_segs[c.pk]),
                      "enterprises": len({r[3] for r in by_chain_rows[c.pk]}), **counts})
    edges = {}
    visible_ids = set(chain_ids)
    for link in (SegmentLink.objects.filter(source__chain_id__in=chain_ids, target__chain_id__in=chain_ids)
                 .select_related("source", "target")):
        a, b = link.source.chain_id, link.target.chain_id
        if a not in visible_ids or b not in visible_ids:
            continue
        e = edges.setdefault((a, b), {"source": a, "target": b, "count": 0, "links": []})
        e["count"] += 1
        e["links"].append({"id": link.pk, "from_segment": link.source.name, "to_segment": link.target.name, "kind": link.kind,
                           "kind_label": str(link.get_kind_display()), "note": link.note})
    return {"chains": nodes, "edges": list(edges.values())}

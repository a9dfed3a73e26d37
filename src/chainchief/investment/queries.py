"""Reads shared by the investment pages and API: a chain's gaps with their leads, the ranked candidates for a
segment with the reason for each rank, and the pipeline's funnel per chain and per department. Every read goes
through ``restrict``."""
import re
from collections import OrderedDict
from decimal import Decimal

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from chainchief.core.permissions import VIEW
from chainchief.investment.models import STAGES, ExternalEnterprise, Lead, LeadStage, Size

# Points of a candidate's rank: the segment named in its catalogue entry, its products matching the segment's,
# and its size.
SEGMENT_POINTS = 50
NEAR_SEGMENT_POINTS = 25  # a parent or child of the segment
PRODUCT_POINTS = 15  # per matching product word, up to PRODUCT_MAX
PRODUCT_MAX = 30
SIZE_POINTS = {Size.LARGE: 20, Size.MEDIUM: 12, Size.SMALL: 5, Size.MICRO: 0}


def leads(user):
    return (Lead.objects.restrict(user, VIEW)
            .select_related("chain", "segment", "target", "department"))


def externals(user):
    return ExternalEnterprise.objects.restrict(user, VIEW)


def gaps(chain, user):
    """The chain's missing and weak segments (as the map judges them), each with its visible leads:
    [{node, leads}] in map order."""
    from chainchief.maps import mapping

    tree = mapping.build_map(chain, user, with_enterprises=False)
    nodes = [n for n in mapping.flatten(tree) if n["strength"] in ("missing", "weak")]
    by_segment = {}
    for lead in leads(user).filter(chain=chain, segment_id__in=[n["id"] for n in nodes]):
        by_segment.setdefault(lead.segment_id, []).append(lead)
    return [{"node": n, "leads": by_segment.get(n["id"], [])} for n in nodes]


# Words of product names too general to say that two products are alike.
GENERIC_PRODUCT_WORDS = frozenset("系统 单元 设备 装置 总成 组件 部件 模块 材料 配件 机械 器件 元件 制品 产品 技术 智能 "
                                  "高端 新型 服务 平台 装备 工程 整机 零部件".split())


def _words(text):
    """Product words: split on the separators catalogues use, then cut with jieba for finer overlaps; words too
    general to tell products apart (系统, 单元 …) left out."""
    from chainchief.investment.matching import tokens

    parts = [p for p in re.split(r"[、,，;；/\s]+", text or "") if p]
    words = set(tokens(" ".join(parts))) | {p.lower() for p in parts if len(p) >= 2}
    return parts, {w for w in words if w not in GENERIC_PRODUCT_WORDS}


def candidates(segment, user, limit=20):
    """External enterprises that could fill ``segment``, ranked: [{enterprise, score, reasons, rank, lead}].
    Only enterprises matching the segment (named for it, or for its parent or a child, or with a matching product)
    are ranked; size adds points but alone does not qualify. Ties go to the larger revenue, then the name."""
    seg_products, seg_words = _words(f"{segment.key_products}、{segment.name}")
    near = set(segment.children.values_list("pk", flat=True))
    if segment.parent_id:
        near.add(segment.parent_id)
    led = {lead.target_id: lead for lead in leads(user).filter(segment=segment)}
    rows = []
    qs = externals(user).filter(region_id=segment.chain.region_id).prefetch_related("segments")
    for ext in qs:
        reasons, score = [], 0
        ext_segments = {s.pk: s for s in ext.segments.all()}
        if segment.pk in ext_segments:
            score += SEGMENT_POINTS
            reasons.append(_("企业库登记可补“%(segment)s”环节（+%(n)s）") % {"segment": segment.name,
                                                                      "n": SEGMENT_POINTS})
        elif near & set(ext_segments):
            names = "、".join(s.name for pk, s in ext_segments.items() if pk in near)
            score += NEAR_SEGMENT_POINTS
            reasons.append(_("企业库登记可补相邻环节“%(segments)s”（+%(n)s）") % {"segments": names,
                                                                         "n": NEAR_SEGMENT_POINTS})
        ext_products, ext_words = _words(ext.main_products)
        shared = sorted(seg_words & ext_words, key=lambda w: (-len(w), w))
        # A longer word covers the shorter ones inside it (绝缘子 covers 绝缘): count each idea once.
        distinct = [w for w in shared if not any(w != o and w in o for o in shared)]
        if distinct:
            points = min(PRODUCT_MAX, PRODUCT_POINTS * len(distinct))
            score += points
            reasons.append(_("主营产品与环节产品相符：%(words)s（+%(n)s）") % {"words": "、".join(distinct),
                                                                     "n": points})
        if not score:
            continue
        size_points = SIZE_POINTS.get(ext.size, 0)
        score += size_points
        size_text = _("企业规模：%(size)s（+%(n)s）") % {"size": ext.get_size_display(), "n": size_points}
        if ext.revenue:
            size_text += _("，年营业收入 %(revenue)s 万元") % {"revenue": f"{ext.revenue:,.0f}"}
        reasons.append(size_text)
        rows.append({"enterprise": ext, "score": score, "reasons": reasons, "lead": led.get(ext.pk)})
    rows.sort(key=lambda r: (-r["score"], -(r["enterprise"].revenue or 0), r["enterprise"].name))
    for i, r in enumerate(rows[:limit], start=1):
        r["rank"] = i
        ahead = rows[i - 2] if i > 1 else None
        if ahead is None:
            r["why_rank"] = _("得分最高（%(score)s 分）") % {"score": r["score"]}
        elif ahead["score"] > r["score"]:
            r["why_rank"] = _("得分 %(score)s，低于第 %(n)s 名的 %(ahead)s 分") % {
                "score": r["score"], "n": i - 1, "ahead": ahead["score"]}
        else:
            r["why_rank"] = _("与第 %(n)s 名同为 %(score)s 分，营业收入较小或名称在后") % {"n": i - 1, "score": r["score"]}
    return rows[:limit]


def _empty_row(label, key):
    return {"key": key, "label": label, "reached": [0] * len(STAGES), "current": [0] * len(STAGES),
            "stalled": 0, "intended": Decimal("0"), "contracted": Decimal("0"), "arrived": Decimal("0"), "total": 0}


def funnel(user, *, chain=None, department=None):
    """The pipeline's funnel by chain and by department: for each, how many leads reached each stage (a lead in
    签约 has passed 推介 and 在谈), how many are in it now, how many stalled, and the sums of intended, contracted and
    arrived investment (万元)."""
    qs = (Lead.objects.restrict(user, VIEW).select_related("chain", "department")
          .only("chain__name", "chain__order", "department__name", "stage", "stage_on", "intended_amount",
                "contracted_amount", "arrived_amount", "chain_id", "department_id"))
    if chain:
        qs = qs.filter(chain_id=chain)
    if department:
        qs = qs.filter(department_id=department)
    by_chain, by_dept, total = OrderedDict(), OrderedDict(), _empty_row(_("合计"), None)
    for lead in qs.order_by("chain__order", "chain_id", "department__name"):
        rows = (by_chain.setdefault(lead.chain_id, _empty_row(lead.chain.name, lead.chain_id)),
                by_dept.setdefault(lead.department_id, _empty_row(lead.department.name, lead.department_id)), total)
        index = STAGES.index(lead.stage)
        for row in rows:
            row["total"] += 1
            row["current"][index] += 1
            for i in range(index + 1):
                row["reached"][i] += 1
            row["stalled"] += lead.is_stalled
            row["intended"] += lead.intended_amount or 0
            row["contracted"] += lead.contracted_amount or 0
            row["arrived"] += lead.arrived_amount or 0
    return {"stages": [str(label) for _v, label in LeadStage.choices], "chains": list(by_chain.values()),
            "departments": sorted(by_dept.values(), key=lambda r: r["label"]), "total": total}


def funnel_sheets(data):
    """The funnel as the sheets of an .xlsx export (core.export.export_workbook)."""
    stages = data["stages"]

    def columns(first):
        cols = [("label", first), ("total", _("线索数"))]
        cols += [((lambda r, i=i: r["reached"][i]), _("达到%(stage)s") % {"stage": s}) for i, s in enumerate(stages)]
        cols += [((lambda r, i=i: r["current"][i]), _("当前%(stage)s") % {"stage": s}) for i, s in enumerate(stages)]
        cols += [("stalled", _("停滞")), ("intended", _("意向投资（万元）")), ("contracted", _("签约投资（万元）")),
                 ("arrived", _("到位资金（万元）"))]
        return cols

    return [(_("按产业链"), [*data["chains"], data["total"]], columns(_("产业链"))),
            (_("按责任部门"), [*data["departments"], data["total"]], columns(_("责任部门")))]


def with_steps(qs, user):
    from chainchief.investment.models import LeadStep

    return qs.prefetch_related(Prefetch("steps", queryset=LeadStep.objects.restrict(user, VIEW).order_by("on", "id")))

"""A provincial chain's "N 张清单" assembled from the lists of the city chains that serve it: each city's map is
read as the reader (``maps.rollup.rollup_map`` with its nodes), and every row keeps the city, the city chain and the
provincial segment its segment stands for (by a 同一环节 link or by name). Nothing is copied into the province.

- 龙头骨干企业 and 主要配套企业: the cities' chain-master, backbone and supporting enterprises, one row per
  enterprise and city chain with the segments it is placed in;
- 锻长板领域: the segments a city's map judges strong;
- 补短板环节: the provincial segments that no city holds strongly — missing in the whole province, or held only
  weakly — with each city's verdict and what it lacks;
- 关键产品技术攻关: the key products and technologies tackled on the cities' segments and on the province's own map.
"""
from django.utils.translation import gettext_lazy as _

from chainchief.enterprises.models import MembershipRole
from chainchief.maps import mapping
from chainchief.maps.models import Strength
from chainchief.maps.rollup import rollup_map

LISTS = {
    "leaders": _("龙头骨干企业清单"),
    "supporting": _("主要配套企业清单"),
    "strong": _("锻长板领域清单"),
    "gaps": _("补短板环节清单"),
    "technologies": _("关键产品技术攻关清单"),
}
# What each list's search looks in.
SEARCHED = {"leaders": ("enterprise", "region", "chain", "segments"),
            "supporting": ("enterprise", "region", "chain", "segments"),
            "strong": ("segment", "region", "chain", "provincial_segment"), "gaps": ("segment", "held_by"),
            "technologies": ("name", "region", "chain", "segment")}
LEADER_ROLES = (MembershipRole.MASTER, MembershipRole.BACKBONE)
ROLE_ORDER = {MembershipRole.MASTER: 0, MembershipRole.BACKBONE: 1, MembershipRole.SUPPORTING: 2}


def _where(city):
    return {"region_id": city["region_id"], "region": city["region"], "chain_id": city["chain_id"],
            "chain": city["chain"]}


def build(user, parent):
    """{list key: rows} for ``parent`` as ``user`` may see it, with ``hidden``: the enterprises placed in the cities'
    maps that the reader may not see (counted, never named)."""
    chain_map = rollup_map(user, parent, keep_nodes=True)
    names = {seg["id"]: seg["name"] for seg in chain_map["segments"]}
    out = {key: [] for key in LISTS}
    hidden = 0
    for city in chain_map["cities"]:
        where = _where(city)
        enterprises = {}
        for node in city["nodes"]:
            provincial = names.get(city["matched"].get(node["id"]), "")
            hidden += node["hidden_count"]
            for e in node["enterprises"]:
                row = enterprises.setdefault(e["id"], {
                    **where, "enterprise_id": e["id"], "enterprise": e["name"], "role": e["role"],
                    "role_label": e["role_label"], "district": e["district"], "is_above_scale": e["is_above_scale"],
                    "segments": [], "provincial_segments": []})
                row["segments"].append(node["name"])
                if provincial and provincial not in row["provincial_segments"]:
                    row["provincial_segments"].append(provincial)
            if node["strength"] == Strength.STRONG:
                out["strong"].append({**where, "segment_id": node["id"], "segment": node["name"],
                                      "stage": node["stage"], "stage_label": node["stage_label"],
                                      "provincial_segment": provincial, "enterprise_count": node["enterprise_count"],
                                      "above_scale_count": node["above_scale_count"], "reason": node["reason"]})
            for t in node["technologies"]:
                out["technologies"].append(_technology(t, node, where, provincial))
        for row in sorted(enterprises.values(), key=lambda r: (ROLE_ORDER.get(r["role"], 9), r["enterprise"])):
            out["leaders" if row["role"] in LEADER_ROLES else "supporting"].append(row)
    out["gaps"] = _gaps(chain_map)
    own = {"region_id": parent.region_id, "region": parent.region.name, "chain_id": parent.pk, "chain": parent.name}
    for node in mapping.flatten(mapping.build_map(parent, user, with_enterprises=False)):
        for t in node["technologies"]:
            out["technologies"].append(_technology(t, node, own, node["name"]))
    out["strong"].sort(key=lambda r: (r["provincial_segment"] == "", r["provincial_segment"], r["region_id"]))
    return {"chain_id": parent.pk, "name": parent.name, "hidden": hidden, "lists": out}


def _technology(t, node, where, provincial):
    return {**where, "id": t["id"], "name": t["name"], "status": t["status"], "status_label": t["status_label"],
            "segment": node["name"], "provincial_segment": provincial,
            "enterprise_role_label": t["enterprise_role_label"], "enterprise": t["enterprise_name"],
            "external_party": t["external_party"]}


def _gaps(chain_map):
    """The provincial segments where no city is strong: 全省缺失 where no city has an enterprise in it, else 全省薄弱;
    each with the cities' own verdicts and what their maps say is lacking."""
    nodes = {city["chain_id"]: {n["id"]: n for n in city["nodes"]} for city in chain_map["cities"]}
    rows = []
    for seg in chain_map["segments"]:
        verdicts = []
        for city in chain_map["cities"]:
            cell = city["cells"].get(seg["id"])
            if cell is None:
                continue
            node = nodes[city["chain_id"]].get(cell["segment_id"])
            verdicts.append({"region": city["region"], "chain": city["chain"], "segment": cell["name"],
                             "strength": cell["strength"], "strength_label": cell["strength_label"],
                             "enterprises": cell["enterprises"],
                             "lacking": (node["lacking"] or [node["reason"]]) if node is not None else []})
        if any(v["strength"] == Strength.STRONG for v in verdicts):
            continue
        missing = seg["missing"]
        rows.append({"segment_id": seg["id"], "segment": seg["name"], "stage": seg["stage"],
                     "stage_label": seg["stage_label"], "status": "missing" if missing else "weak",
                     "status_label": str(_("全省缺失") if missing else _("全省薄弱")), "held_by": seg["held_by"],
                     "key_products": seg["key_products"], "cities": verdicts})
    return rows


def search(rows, key, q):
    """The rows of list ``key`` whose searched fields contain ``q``."""
    q = (q or "").strip()
    if not q:
        return rows
    return [r for r in rows if any(q in (r[f] if isinstance(r[f], str) else "、".join(r[f])) for f in SEARCHED[key])]


def counts(built):
    return [{"key": key, "title": str(title), "count": len(built["lists"][key])} for key, title in LISTS.items()]


def _joined(key):
    return lambda r: "、".join(r[key])


def sheets(built):
    """The lists as the sheets of one .xlsx workbook (``core.export.export_workbook``)."""
    where = [("region", _("城市")), ("chain", _("市级产业链"))]
    enterprise = [*where, ("enterprise", _("企业名称")), ("role_label", _("企业类型")), ("district", _("所在区县")),
                  (lambda r: _("是") if r["is_above_scale"] else _("否"), _("规上企业")),
                  (_joined("segments"), _("所在环节")), (_joined("provincial_segments"), _("对应省级环节"))]
    columns = {
        "leaders": enterprise, "supporting": enterprise,
        "strong": [*where, ("segment", _("环节")), ("stage_label", _("环节位置")), ("provincial_segment", _("对应省级环节")),
                   ("enterprise_count", _("本地企业数")), ("above_scale_count", _("规上企业数")), ("reason", _("认定依据"))],
        "gaps": [("segment", _("省级环节")), ("stage_label", _("环节位置")), ("status_label", _("全省状况")),
                 (_joined("held_by"), _("有企业的城市")), (_joined("key_products"), _("主要产品")),
                 (lambda r: "；".join(f"{v['region']}{v['segment']}：{v['strength_label']}（{'，'.join(v['lacking'])}）"
                                     for v in r["cities"]), _("各市判定与短板"))],
        "technologies": [*where, ("name", _("关键产品或技术")), ("status_label", _("状态")), ("segment", _("环节")),
                         ("provincial_segment", _("对应省级环节")), ("enterprise", _("承担或目标企业")),
                         ("external_party", _("外部单位"))],
    }
    return [(str(title), built["lists"][key], [(k, str(h)) for k, h in columns[key]]) for key, title in LISTS.items()]

"""A provincial chain's map assembled from the maps of the city chains that serve it (``chains.ChainLink``): for
each of its segments, which city holds it and how strongly, and where the province as a whole has none.

A city segment stands for a provincial segment when a 同一环节 link joins them (``SegmentLink``, kind SAME) or,
without such a link, when both bear the same name — the cities' maps may differ from the province's and name a
segment their own way. Each city's verdicts are its own map's (``mapping.build_map``), read as the reader.
"""
from django.db.models import Q

from chainchief.chains.models import ChainLink
from chainchief.core.permissions import VIEW
from chainchief.maps import mapping
from chainchief.maps.models import LinkKind, Segment, SegmentLink, Stage, Strength


def _outline(chain):
    """The chain's segments in map order (stage, then the tree depth first) with their depth: the provincial map's
    rows. Its own verdicts are not needed: what it holds is the cities'."""
    stage_order = {stage: i for i, stage in enumerate(Stage.values)}
    labels = dict(Stage.choices)
    segments = list(Segment.objects.filter(chain=chain).order_by("order", "id")
                    .values("id", "name", "stage", "parent_id", "key_products"))
    children = {}
    for seg in segments:
        children.setdefault(seg["parent_id"], []).append(seg)
    out = []

    def walk(seg, depth):
        out.append({**seg, "depth": depth, "stage_label": str(labels[seg["stage"]])})
        for child in children.get(seg["id"], ()):
            walk(child, depth + 1)

    for root in sorted(children.get(None, ()), key=lambda s: stage_order[s["stage"]]):
        walk(root, 0)
    return out


def rollup_map(user, parent, *, keep_nodes=False):
    """The provincial map of ``parent``; with ``keep_nodes`` each city row also keeps its map's flat nodes
    (``nodes``) and the provincial segment each stands for (``matched``: node id → provincial segment id), for
    the lists built on it (``province.lists``)."""
    links = list(ChainLink.objects.restrict(user, VIEW).filter(parent=parent, chain__is_active=True)
                 .select_related("chain__region").order_by("chain__region__order", "chain__region_id", "chain__order"))
    city_chains = [link.chain for link in links]
    segments = _outline(parent)
    same = {}
    for source, target, s_chain, t_chain in (
            SegmentLink.objects.filter(kind=LinkKind.SAME)
            .filter(Q(source__chain=parent, target__chain__in=city_chains)
                    | Q(target__chain=parent, source__chain__in=city_chains))
            .values_list("source_id", "target_id", "source__chain_id", "target__chain_id")):
        mine, theirs, chain_id = (source, target, t_chain) if s_chain == parent.pk else (target, source, s_chain)
        same[mine, chain_id] = theirs
    cities = []
    held = {seg["id"]: [] for seg in segments}
    for chain in city_chains:
        nodes = mapping.flatten(mapping.build_map(chain, user, with_enterprises=keep_nodes))
        by_id, by_name = {n["id"]: n for n in nodes}, {n["name"]: n for n in nodes}
        used = {}
        row = {"chain_id": chain.pk, "chain": chain.name, "region_id": chain.region_id, "region": chain.region.name,
               "segments": len(nodes), "cells": {}}
        for seg in segments:
            node = by_id.get(same.get((seg["id"], chain.pk))) or by_name.get(seg["name"])
            if node is None:
                continue
            used[node["id"]] = seg["id"]
            row["cells"][seg["id"]] = {"segment_id": node["id"], "name": node["name"], "strength": node["strength"],
                                       "strength_label": node["strength_label"],
                                       "enterprises": node["enterprise_count"]}
            if node["enterprise_count"]:
                held[seg["id"]].append(chain.region.name)
        row["unmatched"] = [n["name"] for n in nodes if n["id"] not in used]
        row["held"] = sum(1 for c in row["cells"].values() if c["enterprises"])
        row["strong"] = sum(1 for c in row["cells"].values() if c["strength"] == Strength.STRONG)
        if keep_nodes:
            row["nodes"], row["matched"] = nodes, used
        cities.append(row)
    rows = [{"id": seg["id"], "name": seg["name"], "stage": seg["stage"], "stage_label": seg["stage_label"],
             "depth": seg["depth"], "key_products": Segment(key_products=seg["key_products"]).key_product_list(),
             "held_by": held[seg["id"]], "missing": not held[seg["id"]]}
            for seg in segments]
    return {"chain_id": parent.pk, "name": parent.name, "segments": rows, "cities": cities,
            "missing": [r["name"] for r in rows if r["missing"]]}

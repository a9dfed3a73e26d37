"""Pages of the chain map: the interactive map, its side panel, the 1 + N lists, exports, editing, city overview.

Views stay thin: reads through ``chains.mapping`` (which reads through the one permission filter), writes through
``chains.map_services``.
"""
import io
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chainchief.chains.models import Chain
from chainchief.core.permissions import CHANGE, VIEW, can
from chainchief.core.registry import registry
from chainchief.core.services import Conflict
from chainchief.enterprises.models import Membership
from chainchief.maps import mapping, services as map_services
from chainchief.maps.models import (
    LinkKind, MapSettings, Segment, SegmentPlacement, Stage, Strength, TechnologyHolder, TechnologyStatus
)


def _chain(user, pk):
    return get_object_or_404(Chain.objects.select_related("region__parent").restrict(user, VIEW), pk=pk)


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
def chain_map(request, pk):
    chain = _chain(request.user, pk)
    district = _int(request.GET.get("district"))
    tree = mapping.build_map(chain, request.user, district=district)
    chains = Chain.objects.restrict(request.user, VIEW).filter(is_active=True).order_by("order", "id")
    return render(request, "maps/map.html", {
        "chain": chain, "tree": tree, "chains": chains, "district": district,
        "selected": _int(request.GET.get("segment")),
        "api_url": reverse("api:chain_map", args=[chain.pk]),
        "panel_url": reverse("chainmap:panel", args=[chain.pk, 0]).replace("/0/", "/{id}/"),
        "panels": registry.panels(request, chain, "map"),  # cards of the apps above (the local supply rate)
    })


def _find(tree, segment_id):
    for node in mapping.flatten(tree):
        if node["id"] == segment_id:
            return node
    raise Http404


@login_required
def segment_panel(request, pk, segment_id):
    """The side panel of one segment (an HTML fragment for the map page, or a page of its own)."""
    chain = _chain(request.user, pk)
    district = _int(request.GET.get("district"))
    tree = mapping.build_map(chain, request.user, district=district)
    node = _find(tree, segment_id)
    context = {"chain": chain, "node": node, "tree": tree, "district": district,
               "parent": next((n for n in mapping.flatten(tree) if n["id"] == node["parent_id"]), None)}
    if request.htmx or request.GET.get("fragment"):
        return render(request, "maps/panel.html", context)
    return render(request, "maps/panel_page.html", context)


@login_required
def lists(request, pk):
    chain = _chain(request.user, pk)
    stage = request.GET.get("stage") or None
    if stage not in Stage.values:
        stage = None
    q = (request.GET.get("q") or "").strip() or None
    tree = mapping.build_map(chain, request.user)
    return render(request, "maps/lists.html", {
        "chain": chain, "tree": tree, "stage": stage, "q": q or "", "stages": Stage.choices,
        "backbone": mapping.backbone_list(chain, request.user, q=q),
        "supporting": mapping.supporting_list(tree, stage=stage, q=q),
        "strong": mapping.strong_list(tree, stage=stage),
        "gaps": mapping.gap_list(tree, stage=stage),
        "technologies": mapping.technology_list(tree, stage=stage),
        "tab": request.GET.get("tab") or "backbone",
    })


@login_required
def overview(request):
    data = mapping.overview(request.user)
    return render(request, "maps/overview.html", {"data": data})


# --- exports -------------------------------------------------------------------------------------------------


@login_required
def export_xlsx(request, pk):
    """An Excel workbook of the map: segments, enterprises and the 1 + N lists, as far as the user may see them."""
    import xlsxwriter

    chain = _chain(request.user, pk)
    tree = mapping.build_map(chain, request.user)
    flat = mapping.flatten(tree)
    buf = io.BytesIO()
    # User text (segment and enterprise names, notes) is always written as text, never as a formula or link.
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                   "strings_to_numbers": False})
    head = wb.add_format({"bold": True, "bg_color": "#1f4e79", "font_color": "#ffffff", "border": 1,
                          "text_wrap": True, "valign": "vcenter"})
    cell = wb.add_format({"text_wrap": True, "valign": "top", "border": 1})
    fills = {Strength.STRONG: "#d9f0e3", Strength.WEAK: "#fff0d6", Strength.MISSING: "#fbdada"}
    strength_fmt = {k: wb.add_format({"bg_color": v, "border": 1, "valign": "top"}) for k, v in fills.items()}

    def sheet(name, columns, rows, strength_col=None):
        ws = wb.add_worksheet(name)
        ws.freeze_panes(1, 0)
        for c, (title, width) in enumerate(columns):
            ws.write(0, c, title, head)
            ws.set_column(c, c, width)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row):
                fmt = cell
                if strength_col is not None and c == strength_col:
                    fmt = strength_fmt.get(_strength_of(value), cell)
                ws.write(r, c, "" if value is None else value, fmt)
        ws.autofilter(0, 0, max(len(rows), 1), len(columns) - 1)
        return ws

    sheet("环节", [("位置", 8), ("环节", 22), ("上级环节", 14), ("主要产品", 30), ("判定", 8), ("理由", 50),
                  ("人工认定", 8), ("本地企业", 9), ("规上企业", 9), ("链主", 6), ("龙头骨干", 9)],
          [(n["stage_label"], "　" * n["depth"] + n["name"], _name(flat, n["parent_id"]), "、".join(n["key_products"]),
            n["strength_label"], n["reason"], "是" if n["overridden"] else "", n["enterprise_count"],
            n["above_scale_count"], n["master_count"], n["backbone_count"]) for n in flat], strength_col=4)
    sheet("企业", [("位置", 8), ("环节", 22), ("企业名称", 36), ("区县", 10), ("链上角色", 12), ("规上", 6)],
          [(n["stage_label"], n["name"], e["name"], e["district"], e["role_label"], "是" if e["is_above_scale"] else "否")
           for n in flat for e in n["enterprises"]])
    sheet("龙头骨干企业清单", [("企业名称", 36), ("链上角色", 12), ("区县", 10), ("规上", 6), ("所在环节", 40)],
          [(b["name"], b["role_label"], b["district"], "是" if b["is_above_scale"] else "否",
            "、".join(s["name"] for s in b["segments"])) for b in mapping.backbone_list(chain, request.user)])
    sheet("主要配套企业清单", [("位置", 8), ("环节", 22), ("配套企业", 60)],
          [(s["stage_label"], s["name"], "、".join(e["name"] for e in s["enterprises"]))
           for s in mapping.supporting_list(tree)])
    sheet("锻长板领域", [("位置", 8), ("环节", 22), ("主要产品", 30), ("理由", 60)],
          [(s["stage_label"], s["name"], "、".join(s["key_products"]), s["reason"]) for s in mapping.strong_list(tree)])
    sheet("补短板环节", [("位置", 8), ("环节", 22), ("判定", 8), ("所缺", 60)],
          [(s["stage_label"], s["name"], s["strength_label"], "；".join(s["lacking"])) for s in mapping.gap_list(tree)],
          strength_col=2)
    sheet("关键产品技术攻关清单", [("位置", 8), ("环节", 22), ("攻关项目", 36), ("状态", 8), ("企业", 30),
                             ("外部单位", 30)],
          [(t["stage_label"], t["segment_name"], t["name"], t["status_label"],
            f"{t['enterprise_name']}（{t['enterprise_role_label']}）" if t["enterprise_name"] else "",
            t["external_party"]) for t in mapping.technology_list(tree)])
    sheet("跨链关联", [("本链环节", 22), ("关联产业链", 16), ("关联环节", 22), ("关系", 10), ("说明", 40)],
          [(link["from_segment_name"], link["chain_name"], link["segment_name"],
            ("供应" if link["direction"] == "out" else "被供应") if link["kind"] == LinkKind.SUPPLIES
            else link["kind_label"], link["note"]) for link in tree["links"]])
    wb.close()
    filename = f"{chain.name}产业链图谱.xlsx"
    resp = HttpResponse(buf.getvalue(),
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    resp["Content-Disposition"] = f"attachment; filename=\"chain-map-{chain.pk}.xlsx\"; filename*=UTF-8''{quote(filename)}"
    return resp


def _strength_of(label):
    for value, text in Strength.choices:
        if str(text) == label:
            return value
    return None


def _name(flat, segment_id):
    return next((n["name"] for n in flat if n["id"] == segment_id), "")


# --- editing -------------------------------------------------------------------------------------------------


def _editable_chain(user, pk):
    chain = _chain(user, pk)
    if not can(user, CHANGE, chain):
        raise PermissionDenied(_("无权编辑该产业链图谱。"))
    return chain


@login_required
def edit(request, pk):
    chain = _editable_chain(request.user, pk)
    tree = mapping.build_map(chain, request.user)
    flat = mapping.flatten(tree)
    visible = Membership.objects.restrict(request.user, VIEW).filter(chain=chain)
    members = list(visible.select_related("enterprise").order_by("enterprise__name"))
    placements = {}
    for p in (SegmentPlacement.objects.restrict(request.user, VIEW).filter(segment__chain=chain,
                                                                           membership__in=visible.values("pk"))
              .select_related("membership__enterprise")):
        placements.setdefault(p.segment_id, []).append(p)
    for node in flat:
        node["placements"] = placements.get(node["id"], [])
        node["placed_ids"] = {p.membership_id for p in node["placements"]}
    return render(request, "maps/edit.html", {
        "chain": chain, "tree": tree, "flat": flat, "members": members, "stages": Stage.choices,
        "strengths": Strength.choices, "statuses": TechnologyStatus.choices, "holders": TechnologyHolder.choices,
        "link_kinds": LinkKind.choices,
        "other_segments": (Segment.objects.restrict(request.user, VIEW).filter(chain__region=chain.region)
                           .exclude(chain=chain)
                           .select_related("chain").order_by("chain__order", "order")),
    })


ACTIONS = {}


def action(name):
    def register(fn):
        ACTIONS[name] = fn
        return fn
    return register


def _seg(chain, value):
    seg = Segment.objects.filter(chain=chain, pk=_int(value)).select_related("chain").first()
    if seg is None:
        raise ValidationError(_("环节不存在。"))
    return seg


@action("add_segment")
def _add(user, chain, post):
    seg = map_services.add_segment(user, {
        "chain": chain, "name": post.get("name", "").strip(), "stage": post.get("stage") or None,
        "parent": _int(post.get("parent")), "key_products": post.get("key_products", "").strip(),
        "description": post.get("description", "").strip()})
    return _("已添加环节“%(segment)s”。") % {"segment": seg.name}


@action("update_segment")
def _update(user, chain, post):
    seg = _seg(chain, post.get("segment"))
    data = {"name": post.get("name", seg.name).strip(), "key_products": post.get("key_products", "").strip()}
    parent = _int(post.get("parent"))
    if parent != seg.parent_id:
        data["parent"] = parent
    if not parent and post.get("stage") and post.get("stage") != seg.stage:
        data["stage"] = post["stage"]
    map_services.update_segment(user, seg, data, version=_int(post.get("version")))
    return _("已保存环节“%(segment)s”。") % {"segment": data['name']}


@action("move_up")
@action("move_down")
def _reorder(user, chain, post):
    seg = _seg(chain, post.get("segment"))
    siblings = list(Segment.objects.filter(chain=chain, parent=seg.parent, stage=seg.stage).order_by("order", "id"))
    i = siblings.index(seg)
    j = i - 1 if post.get("action") == "move_up" else i + 1
    if 0 <= j < len(siblings):
        siblings[i], siblings[j] = siblings[j], siblings[i]
        map_services.reorder_segments(user, chain, [s.pk for s in siblings])
    return _("已调整“%(segment)s”的顺序。") % {"segment": seg.name}


@action("delete_segment")
def _delete(user, chain, post):
    seg = _seg(chain, post.get("segment"))
    map_services.delete_segment(user, seg, move_to=_int(post.get("move_to")), version=_int(post.get("version")))
    return _("已删除环节“%(segment)s”。") % {"segment": seg.name}


@action("place")
def _place(user, chain, post):
    seg = _seg(chain, post.get("segment"))
    membership = Membership.objects.restrict(user, VIEW).filter(chain=chain, pk=_int(post.get("membership"))).first()
    if membership is None:
        raise ValidationError(_("请选择本产业链的企业。"))
    map_services.place(user, seg, membership=membership, note=post.get("note", "").strip())
    return _("已将“%(enterprise)s”放入“%(segment)s”。") % {"enterprise": membership.enterprise, "segment": seg.name}


@action("remove")
def _remove(user, chain, post):
    p = (SegmentPlacement.objects.restrict(user, VIEW).filter(segment__chain=chain, pk=_int(post.get("placement")))
         .select_related("segment__chain", "membership__enterprise").first())
    if p is None:
        raise ValidationError(_("该企业不在此环节。"))
    map_services.remove(user, p)
    return _("已将“%(enterprise)s”移出“%(segment)s”。") % {"enterprise": p.membership.enterprise, "segment": p.segment.name}


@action("override")
def _override(user, chain, post):
    seg = _seg(chain, post.get("segment"))
    if post.get("strength") == "":
        map_services.clear_override(user, seg)
        return _("已撤销“%(segment)s”的人工认定。") % {"segment": seg.name}
    map_services.set_override(user, seg, strength=post.get("strength"), reason=post.get("reason", ""))
    return _("已人工认定“%(segment)s”。") % {"segment": seg.name}


@action("add_technology")
def _add_tech(user, chain, post):
    seg = _seg(chain, post.get("segment"))
    map_services.add_technology(user, {
        "segment": seg, "name": post.get("name", "").strip(), "status": post.get("status") or "planned",
        "enterprise": _int(post.get("enterprise")), "enterprise_role": post.get("enterprise_role") or "holder",
        "external_party": post.get("external_party", "").strip()})
    return _("已添加关键产品技术攻关项目。")


@action("add_link")
def _add_link(user, chain, post):
    seg = _seg(chain, post.get("segment"))
    map_services.add_link(user, {"source": seg, "target": _int(post.get("target")),
                                 "kind": post.get("kind") or "supplies", "note": post.get("note", "").strip()})
    return _("已为“%(segment)s”添加跨链关联。") % {"segment": seg.name}


@login_required
@require_POST
def edit_action(request, pk):
    chain = _editable_chain(request.user, pk)
    handler = ACTIONS.get(request.POST.get("action"))
    if handler is None:
        raise Http404
    try:
        messages.success(request, handler(request.user, chain, request.POST))
    except (ValidationError, Conflict, PermissionDenied) as exc:
        text = "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        messages.error(request, text)
    anchor = f"#seg-{request.POST.get('segment')}" if request.POST.get("segment") else ""
    return redirect(reverse("chainmap:edit", args=[chain.pk]) + anchor)


@login_required
def settings_view(request):
    """The thresholds of the strong / weak / missing rule for the user's region (the coordinator edits them)."""
    from django import forms

    region = request.user.region
    if region is None:
        raise Http404
    current = mapping.settings_for(region)
    can_edit = can(request.user, CHANGE, current) if current.pk else request.user.role in ("admin", "coordinator")

    class SettingsForm(forms.ModelForm):
        class Meta:
            model = MapSettings
            fields = ["missing_max_enterprises", "strong_min_enterprises", "strong_min_above_scale",
                      "strong_requires_leader", "strong_min_revenue_share"]

    form = SettingsForm(request.POST or None, instance=MapSettings(**mapping.settings_dict(current)))
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied(_("只有链长办可以修改图谱判定标准。"))
        if form.is_valid():
            try:
                map_services.save_settings(request.user, region, form.cleaned_data,
                                           version=_int(request.POST.get("version")))
                messages.success(request, _("已保存图谱判定标准，各产业链图谱按新标准重新判定。"))
                return redirect("chainmap:settings")
            except (ValidationError, Conflict, PermissionDenied) as exc:
                messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
    for field in form.fields.values():
        field.widget.attrs.setdefault("class", "form-check-input" if isinstance(field.widget, forms.CheckboxInput)
                                      else "form-control")
        if not can_edit:
            field.disabled = True
    return render(request, "maps/settings.html", {"form": form, "region": region, "current": current,
                                                        "can_edit": can_edit})

"""Writes on the chain map: segments, placements, technologies, cross-chain links, verdict overrides.

Each goes through ``chainchief.core.services`` (permission checked, one transaction, audited, optimistic locking)
and adds the map's own rules. Editing a map needs the right to change its chain (the chain's lead department and
chief, the coordinator); overriding a verdict is for region-wide roles (the coordinator) and needs a reason.
"""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max

from chainchief.audit.models import AuditAction
from chainchief.audit.services import record, snapshot
from chainchief.chains.models import Chain
from chainchief.core import services
from chainchief.core.permissions import CHANGE, VIEW, can, region_wide
from chainchief.core.services import Conflict
from chainchief.enterprises.models import Enterprise, Membership, MembershipRole
from chainchief.maps.models import (
    KeyTechnology, MapSettings, Segment, SegmentLink, SegmentPlacement, Strength, StrengthOverride
)


def check_map_edit(user, chain):
    if not can(user, CHANGE, chain):
        raise PermissionDenied(f"无权编辑“{chain}”的产业链图谱。")


def _chain(value, user=None):
    if isinstance(value, Chain):
        return value
    chain = Chain.objects.restrict(user, VIEW).filter(pk=value).first() if user else Chain.objects.filter(
        pk=value).first()
    if chain is None:
        raise ValidationError({"chain": "产业链不存在或无权访问。"})
    return chain


def _segment(value, field="segment"):
    if isinstance(value, Segment):
        return value
    try:
        return Segment.objects.select_related("chain").get(pk=value)
    except (Segment.DoesNotExist, ValueError, TypeError):
        raise ValidationError({field: "环节不存在。"}) from None


# --- segments ------------------------------------------------------------------------------------------------


@transaction.atomic
def add_segment(user, data):
    """Add a segment. Under a parent it takes the parent's stage; without an order it goes last."""
    data = dict(data)
    if data.get("chain") is None:
        raise ValidationError({"chain": "请选择产业链。"})
    chain = _chain(data["chain"], user)
    check_map_edit(user, chain)
    parent = data.get("parent")
    if parent is not None:
        parent = _segment(parent, "parent")
        data["parent"] = parent
        data["stage"] = parent.stage  # a child always sits in its parent's band
    if not data.get("order"):
        last = (Segment.objects.filter(chain=chain, parent=parent, stage=data.get("stage"))
                .aggregate(m=Max("order"))["m"])
        data["order"] = (last or 0) + 1
    return services.create(user, Segment, data)


@transaction.atomic
def update_segment(user, segment, data, version=None):
    """Rename, describe or move a segment. Moving under another parent takes that parent's stage; a changed stage
    carries the segments below along."""
    check_map_edit(user, segment.chain)
    data = dict(data)
    if data.get("chain") not in (None, segment.chain_id, segment.chain):
        raise ValidationError({"chain": "环节不能移到另一条产业链。"})
    data.pop("chain", None)
    if "parent" in data:
        if data["parent"] is not None:
            parent = _segment(data["parent"], "parent")
            data["parent"] = parent
            data["stage"] = parent.stage
    elif data.get("stage") not in (None, segment.stage) and segment.parent_id is not None:
        raise ValidationError({"stage": "下级环节随上级环节所在位置；请先把它移到顶层或另一上级环节下。"})
    old_stage = segment.stage
    obj = services.update(user, segment, data, version=version)
    if obj.stage != old_stage:
        _restage_children(user, obj)
    return obj


def _restage_children(user, segment):
    for child in Segment.objects.filter(parent=segment):
        services.update(user, child, {"stage": segment.stage})
        _restage_children(user, child)


def move_segment(user, segment, *, parent=None, stage=None, order=None, version=None):
    data = {"parent": parent}
    if parent is None and stage is not None:
        data["stage"] = stage
    if order is not None:
        data["order"] = order
    return update_segment(user, segment, data, version=version)


@transaction.atomic
def reorder_segments(user, chain, ids):
    """Put sibling segments in the given order (1, 2, 3 …)."""
    check_map_edit(user, chain)
    segs = {s.pk: s for s in Segment.objects.filter(chain=chain, pk__in=ids)}
    if len(segs) != len(set(ids)):
        raise ValidationError({"ids": "有环节不属于该产业链。"})
    if len({(s.parent_id, s.stage) for s in segs.values()}) > 1:
        raise ValidationError({"ids": "只能对同一位置、同一上级下的环节排序。"})
    out = []
    for i, pk in enumerate(ids, start=1):
        seg = segs[pk]
        out.append(services.update(user, seg, {"order": i}) if seg.order != i else seg)
    return out


def _record_cascade(user, objs):
    for obj in objs:
        record(user, AuditAction.DELETE, obj, before=snapshot(obj), object_repr=str(obj))


@transaction.atomic
def delete_segment(user, segment, *, move_to=None, version=None):
    """Delete a segment. Refused while it has segments below it, and while enterprises sit on it unless
    ``move_to`` names the segment of the same chain they (and its technologies) move to."""
    check_map_edit(user, segment.chain)
    children = segment.children.count()
    if children:
        raise Conflict(f"环节“{segment.name}”下还有 {children} 个下级环节，请先删除或移走下级环节。")
    placements = list(segment.placements.select_related("membership__enterprise"))
    if placements and move_to is None:
        names = "、".join(p.membership.enterprise.name for p in placements[:3])
        more = f"等 {len(placements)} 家企业" if len(placements) > 3 else ""
        raise Conflict(f"环节“{segment.name}”上仍有企业（{names}{more}），不能删除。"
                       f"请先将这些企业移至其他环节，或在删除时选择要移入的环节。")
    if move_to is not None:
        target = _segment(move_to, "move_to")
        if target.pk == segment.pk or target.chain_id != segment.chain_id:
            raise ValidationError({"move_to": "请选择同一产业链中的另一个环节。"})
        already = set(target.placements.values_list("membership_id", flat=True))
        for p in placements:
            if p.membership_id in already:
                services.delete(user, p)
            else:
                services.update(user, p, {"segment": target})
        for t in segment.technologies.all():
            services.update(user, t, {"segment": target})
    _record_cascade(user, [*segment.technologies.all(), *SegmentLink.objects.filter(source=segment),
                           *SegmentLink.objects.filter(target=segment),
                           *StrengthOverride.objects.filter(segment=segment)])
    services.delete(user, segment, version=version)


# --- placements ----------------------------------------------------------------------------------------------


@transaction.atomic
def place(user, segment, *, enterprise=None, membership=None, note="", role=None):
    """Place an enterprise on a segment. An enterprise not yet in the chain joins it (as a supporting enterprise
    unless ``role`` says otherwise)."""
    segment = _segment(segment)
    check_map_edit(user, segment.chain)
    if membership is not None:
        if not isinstance(membership, Membership):
            membership = Membership.objects.filter(pk=membership).first()
        if membership is None or membership.chain_id != segment.chain_id:
            raise ValidationError({"membership": "该企业不在此产业链中。"})
    elif enterprise is not None:
        if not isinstance(enterprise, Enterprise):
            enterprise = Enterprise.objects.filter(pk=enterprise).first()
            if enterprise is None:
                raise ValidationError({"enterprise": "企业不存在。"})
        membership = Membership.objects.filter(chain_id=segment.chain_id, enterprise=enterprise).first()
        if membership is None:
            membership = services.create(user, Membership, {"enterprise": enterprise, "chain": segment.chain,
                                                             "role": role or MembershipRole.SUPPORTING})
    else:
        raise ValidationError({"enterprise": "请选择企业。"})
    if SegmentPlacement.objects.filter(segment=segment, membership=membership).exists():
        raise Conflict(f"“{membership.enterprise}”已在环节“{segment.name}”中。")
    return services.create(user, SegmentPlacement, {"segment": segment, "membership": membership, "note": note})


@transaction.atomic
def update_placement(user, placement, data, version=None):
    """Move a placement to another segment of the same chain, or change its note."""
    check_map_edit(user, placement.segment.chain)
    data = dict(data)
    data.pop("membership", None)
    data.pop("enterprise", None)
    if data.get("segment") is not None:
        target = _segment(data["segment"])
        if target.chain_id != placement.segment.chain_id:
            raise ValidationError({"segment": "只能移到同一产业链的环节。"})
        if target.pk != placement.segment_id and SegmentPlacement.objects.filter(
                segment=target, membership_id=placement.membership_id).exists():
            raise Conflict(f"该企业已在环节“{target.name}”中。")
        data["segment"] = target
    return services.update(user, placement, data, version=version)


def remove(user, placement, version=None):
    check_map_edit(user, placement.segment.chain)
    return services.delete(user, placement, version=version)


# --- technologies and links ----------------------------------------------------------------------------------


def add_technology(user, data):
    segment = _segment(data.get("segment"))
    check_map_edit(user, segment.chain)
    return services.create(user, KeyTechnology, {**data, "segment": segment})


def update_technology(user, tech, data, version=None):
    check_map_edit(user, tech.segment.chain)
    if data.get("segment") is not None and _segment(data["segment"]).chain_id != tech.segment.chain_id:
        raise ValidationError({"segment": "只能移到同一产业链的环节。"})
    return services.update(user, tech, data, version=version)


def delete_technology(user, tech, version=None):
    check_map_edit(user, tech.segment.chain)
    return services.delete(user, tech, version=version)


def add_link(user, data):
    source = _segment(data.get("source"), "source")
    check_map_edit(user, source.chain)
    return services.create(user, SegmentLink, {**data, "source": source})


def update_link(user, link, data, version=None):
    check_map_edit(user, link.source.chain)
    return services.update(user, link, data, version=version)


def delete_link(user, link, version=None):
    check_map_edit(user, link.source.chain)
    return services.delete(user, link, version=version)


# --- verdict overrides and the rule's settings ---------------------------------------------------------------


def _check_override(user, segment):
    if not region_wide(user):
        raise PermissionDenied("只有链长办可以人工认定环节的强弱。")
    check_map_edit(user, segment.chain)


@transaction.atomic
def set_override(user, segment, *, strength, reason, version=None):
    """Replace the rule's verdict on ``segment`` by ``strength``; a written reason is required."""
    _check_override(user, segment)
    if strength not in Strength.values:
        raise ValidationError({"strength": f"认定结果应为 {'、'.join(Strength.values)} 之一。"})
    if not (reason or "").strip():
        raise ValidationError({"reason": "人工认定须写明理由。"})
    row = StrengthOverride.objects.filter(segment=segment).first()
    if row is None:
        return services.create(user, StrengthOverride, {"segment": segment, "strength": strength,
                                                          "reason": reason.strip()})
    return services.update(user, row, {"strength": strength, "reason": reason.strip()}, version=version)


@transaction.atomic
def clear_override(user, segment, version=None):
    _check_override(user, segment)
    row = StrengthOverride.objects.filter(segment=segment).first()
    if row is not None:
        services.delete(user, row, version=version)


@transaction.atomic
def save_settings(user, region, data, version=None):
    """Create or change the region's thresholds (coordinator)."""
    row = MapSettings.objects.filter(region=region).first()
    if row is None:
        return services.create(user, MapSettings, {**data, "region": region})
    return services.update(user, row, data, version=version)

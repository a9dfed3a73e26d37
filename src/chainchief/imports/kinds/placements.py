"""Segment placements (环节企业): enterprises placed on the segments of a chain's map."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from chainchief.core.permissions import CHANGE, can
from chainchief.imports.fields import PREVIEW_ROWS, Column, is_empty, normalise_name, text
from chainchief.imports.kinds.base import NAME, USCC, ChainNames, Kind, RowDenied, RowWriter, report_row_error
from chainchief.imports.matching import EnterpriseIndex
from chainchief.imports.table import is_blank, is_total


class Placements(Kind):
    key = "placements"
    label = "环节企业"
    required_any = (("uscc", "name"),)
    instructions = ("填写说明：第 3 行起每行把一家企业放到一个产业链环节上。企业须已是该产业链成员；"
                    "按 产业链 + 环节 + 企业 匹配，已存在的只更新说明。")

    def __init__(self):
        from chainchief.maps.models import SegmentPlacement

        self.model = SegmentPlacement
        self.columns = [
            Column("chain", "产业链", required=True, aliases=("所属产业链", "产业链名称", "链条"), example="动力装备"),
            Column("segment", "环节", required=True, aliases=("产业链环节", "环节名称", "所属环节", "节点"),
                   example="整机制造"),
            USCC, NAME,
            Column("note", "说明", aliases=("备注", "主要产品", "配套产品"), max_length=200),
        ]
        self.labels = {c.name: c.label for c in self.columns}

    def run(self, ctx):
        from chainchief.enterprises.models import Membership
        from chainchief.maps.models import Segment, SegmentPlacement

        out, header, user = ctx.out, ctx.header, ctx.user
        index = EnterpriseIndex()
        chains = ChainNames(user)
        segments = {(s.chain_id, normalise_name(s.name)): s for s in Segment.objects.all()}
        where = {name: m.where for name, m in header.by_name().items()}
        writer = RowWriter(ctx.batch, user, out)
        seen = {}
        for row, cells in ctx.data:
            if is_blank(cells) or is_total(cells):
                continue
            out.total += 1
            ctx.progress.tick(out.total)
            values = {name: text(raw) for name, (raw, m) in self.cells(header, cells).items() if not is_empty(raw)}
            chain = chains.get(values.get("chain", ""))
            if chain is None:
                out.error(row, where["chain"], values.get("chain"), f"未知的产业链“{values.get('chain', '')}”。")
                continue
            segment = segments.get((chain.pk, normalise_name(values.get("segment", ""))))
            if segment is None:
                out.error(row, where["segment"], values.get("segment"), f"产业链“{chain.name}”中没有该环节。")
                continue
            if values.get("uscc"):
                code, ent_id, err = index.code(values["uscc"])
                if err or ent_id is None:
                    out.error(row, where["uscc"], values["uscc"], err or "系统中没有该统一社会信用代码的企业。")
                    continue
            elif values.get("name"):
                ent_id, candidates = index.name(values["name"])
                if ent_id is None:
                    if candidates:
                        out.match(row, values["name"], candidates)
                    else:
                        out.error(row, where["name"], values["name"], "未找到该企业。")
                    continue
            else:
                out.error(row, "", None, "统一社会信用代码和企业名称不能都为空。")
                continue
            key = (segment.pk, ent_id)
            if key in seen:
                out.error(row, where["segment"], values.get("segment"), f"与第 {seen[key]} 行重复。")
                continue
            seen[key] = row
            membership = Membership.objects.filter(enterprise_id=ent_id, chain=chain).first()
            if membership is None:
                out.error(row, where["chain"], chain.name, f"该企业不是“{chain.name}”产业链成员，请先导入企业名录。")
                continue
            note = values.get("note")
            try:
                with transaction.atomic():
                    p = SegmentPlacement.objects.filter(segment=segment, membership=membership).first()
                    if p is None:
                        p = SegmentPlacement(segment=segment, membership=membership, note=note or "")
                        writer.create(p, row, denied=("chain", f"无权在产业链“{chain.name}”中放置企业。"))
                        action = "new"
                    elif note is not None and p.note != note:
                        denied = ("chain", f"无权修改产业链“{chain.name}”的环节企业。")
                        if not can(user, CHANGE, p):
                            raise RowDenied(denied[1], denied[0])
                        writer.update(p, {"note": note}, row, denied=denied)
                        action = "updated"
                    else:
                        action = "unchanged"
            except (ValidationError, PermissionDenied, IntegrityError) as exc:
                report_row_error(out, exc, row, values, where, self.labels,
                                 aliases={"segment": "segment", "membership": "chain"})
                writer.changes = [c for c in writer.changes if c.row != row]
                continue
            setattr(out, action, getattr(out, action) + 1)
            if len(out.preview) < PREVIEW_ROWS:
                out.preview.append({"row": row, "action": action, "chain": chain.name, "segment": segment.name,
                                    "name": index.info[ent_id][0]})
        writer.flush()

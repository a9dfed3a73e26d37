"""Reference data of the 产业分析 page (insights): reference totals (参照总量: a province's or the nation's revenue
of each chain and of all its industry, for location quotients and shift-share) and reference presence (参照地区
环节企业数: how many enterprises other places have on the segments of the region's chain map, for 延链 density).
Both are held by the importing user's region; both upsert on their natural key."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from chainchief.core.permissions import CHANGE, can
from chainchief.imports.fields import PREVIEW_ROWS, CellError, Column, is_empty, normalise_name, text
from chainchief.imports.kinds.base import (ChainNames, Kind, RowWriter, changed_values, parse_cell,
                                           report_row_error)
from chainchief.imports.table import is_blank

TOTAL_WORDS = {"全部工业", "全部工业合计", "工业合计", "全部行业", "合计", "总计"}
TOTAL_NAME = "全部工业"


def _values(kind, header, cells):
    return {name: raw for name, (raw, m) in kind.cells(header, cells).items() if not is_empty(raw)}


def _above(region):
    return set(region.ancestor_ids()) if region is not None else set()


class _Run:
    """What both kinds share: the user's region, the sheet's columns, the writer and the outcome's counts."""

    def __init__(self, kind, ctx):
        self.kind, self.ctx, self.out, self.user = kind, ctx, ctx.out, ctx.user
        self.where = {name: m.where for name, m in ctx.header.by_name().items()}
        self.writer = RowWriter(ctx.batch, ctx.user, ctx.out)
        self.region = ctx.user.region

    def cell(self, row, values, name):
        """The parsed cell, or raises CellError with the column's message."""
        column = next(c for c in self.kind.columns if c.name == name)
        unit = self.ctx.header.by_name()[name].unit if name in self.ctx.header.by_name() else None
        return parse_cell(column, values.get(name), unit)

    def write(self, model, key, data, row, preview):
        obj = model.objects.filter(**key).first()
        try:
            with transaction.atomic():
                if obj is None:
                    obj = model(**key, **data)
                    self.writer.create(obj, row, denied=("", "无权录入参照数据。"))
                    action = "new"
                else:
                    changed = changed_values(obj, data)
                    if changed:
                        if not can(self.user, CHANGE, obj):
                            raise PermissionDenied("无权修改参照数据。")
                        self.writer.update(obj, changed, row, denied=("", "无权修改参照数据。"))
                        action = "updated"
                    else:
                        action = "unchanged"
        except (ValidationError, PermissionDenied, IntegrityError) as exc:
            report_row_error(self.out, exc, row, {k: text(v) for k, v in data.items()}, self.where, self.kind.labels)
            self.writer.changes = [c for c in self.writer.changes if c.row != row]
            return
        setattr(self.out, action, getattr(self.out, action) + 1)
        if len(self.out.preview) < PREVIEW_ROWS:
            self.out.preview.append({"row": row, "action": action, **preview})


class ReferenceTotals(Kind):
    key = "reference_totals"
    label = "参照总量"
    instructions = ("填写说明：第 3 行起每行一个数值：参照经济（如 山东省、全国）、年份、产业链名称（全部工业合计填“全部工业”）、"
                    "营业收入。金额单位默认万元，表头写“营业收入（亿元）”则按亿元换算。按 参照经济 + 年份 + 产业链 匹配，"
                    "已有的更新数值。任何一行有错，整张表都不写入。")

    def __init__(self):
        from chainchief.insights.models import ReferenceTotal

        self.model = ReferenceTotal
        self.columns = [
            Column("reference", "参照经济", required=True, aliases=("参照", "参照地区", "对比经济", "参照区域"),
                   max_length=32, example="山东省"),
            Column("year", "年份", "year", required=True, aliases=("年度", "统计年份"), example="2020"),
            Column("industry", "产业链", required=True, aliases=("行业或产业链", "行业", "产业链名称", "行业名称"),
                   example="高端化工"),
            Column("value", "营业收入", "money", required=True, aliases=("营业收入（万元）", "数值", "金额", "主营业务收入"),
                   example="123456.78"),
            Column("source", "来源", aliases=("数据来源", "出处"), max_length=200, example="山东统计年鉴 2021"),
        ]
        self.labels = {c.name: c.label for c in self.columns}

    def run(self, ctx):
        from chainchief.insights.models import ReferenceTotal

        r = _Run(self, ctx)
        out, where = r.out, r.where
        chains = ChainNames(ctx.user)
        above = _above(r.region)
        seen = {}
        for row, cells in ctx.data:
            if is_blank(cells):
                continue
            out.total += 1
            ctx.progress.tick(out.total)
            if r.region is None:
                out.error(row, "", None, "当前账号没有所属区域，无法录入参照总量。")
                continue
            values = _values(self, ctx.header, cells)
            parsed, bad = {}, False
            for name in ("reference", "year", "value", "source"):
                try:
                    parsed[name] = r.cell(row, values, name)
                except CellError as exc:
                    out.error(row, where.get(name, self.labels[name]), text(values.get(name)), str(exc))
                    bad = True
            for name in ("reference", "year", "value"):
                if not bad and parsed.get(name) in (None, ""):
                    out.error(row, where.get(name, self.labels[name]), None, f"{self.labels[name]}不能为空。")
                    bad = True
            if not bad and parsed["value"] < 0:
                out.error(row, where["value"], text(values.get("value")), "营业收入不能为负数。")
                bad = True
            industry = text(values.get("industry", ""))
            chain = None
            if industry.replace(" ", "") in TOTAL_WORDS:
                industry, is_total = TOTAL_NAME, True
            else:
                is_total = False
                chain = chains.get(industry)
                if chain is None or chain.region_id not in above:
                    out.error(row, where["industry"], industry or None,
                              f"未知的产业链“{industry}”：应为本区域的产业链名称，全部工业合计填“{TOTAL_NAME}”。")
                    bad = True
                else:
                    industry = chain.name
            if bad:
                continue
            key = (parsed["reference"], parsed["year"], industry)
            if key in seen:
                out.error(row, where["industry"], industry, f"与第 {seen[key]} 行重复（同一参照经济、年份与产业链）。")
                continue
            seen[key] = row
            r.write(ReferenceTotal, {"region": r.region, "reference": parsed["reference"], "year": parsed["year"],
                                     "industry": industry},
                    {"chain": chain, "is_total": is_total, "value": parsed["value"], "source": parsed["source"] or ""},
                    row, {"参照经济": parsed["reference"], "年份": parsed["year"], "chain": industry,
                          "revenue": str(parsed["value"])})
        r.writer.flush()


class SegmentPresenceKind(Kind):
    key = "segment_presence"
    label = "参照地区环节企业数"
    instructions = ("填写说明：第 3 行起每行一个地区在一个环节上的企业数（如全省产业链调查的结果），用于计算延链建议的关联密度。"
                    "产业链与环节须是本区域（或上级区域）产业链图谱中的；本地区的企业数取自图谱，不必填写。按 地区 + 产业链 + "
                    "环节 匹配，已有的更新数值。任何一行有错，整张表都不写入。")

    def __init__(self):
        from chainchief.insights.models import SegmentPresence

        self.model = SegmentPresence
        self.columns = [
            Column("place", "地区", required=True, aliases=("参照地区", "城市", "地市", "区域"), max_length=32,
                   example="青岛市"),
            Column("chain", "产业链", required=True, aliases=("所属产业链", "产业链名称", "链条"), example="动力装备"),
            Column("segment", "环节", required=True, aliases=("产业链环节", "环节名称", "所属环节", "节点"),
                   example="柴油机"),
            Column("enterprises", "企业数", "int", required=True, aliases=("企业数量", "企业家数", "家数", "企业数（家）"),
                   example="12"),
            Column("source", "来源", aliases=("数据来源", "出处"), max_length=200, example="全省产业链调查 2021"),
        ]
        self.labels = {c.name: c.label for c in self.columns}

    def run(self, ctx):
        from chainchief.insights.models import SegmentPresence
        from chainchief.maps.models import Segment

        r = _Run(self, ctx)
        out, where = r.out, r.where
        chains = ChainNames(ctx.user)
        above = _above(r.region)
        segments = {(s.chain_id, normalise_name(s.name)): s
                    for s in Segment.objects.filter(chain__region_id__in=above).select_related("chain")}
        seen = {}
        for row, cells in ctx.data:
            if is_blank(cells):
                continue
            out.total += 1
            ctx.progress.tick(out.total)
            if r.region is None:
                out.error(row, "", None, "当前账号没有所属区域，无法录入参照数据。")
                continue
            values = _values(self, ctx.header, cells)
            place = text(values.get("place", ""))
            if not place:
                out.error(row, where["place"], None, "地区不能为空。")
                continue
            if place == r.region.name:
                out.error(row, where["place"], place, "本地区的企业数取自本地产业链图谱，无须导入。")
                continue
            chain = chains.get(values.get("chain", ""))
            if chain is None or chain.region_id not in above:
                out.error(row, where["chain"], text(values.get("chain")) or None,
                          f"未知的产业链“{text(values.get('chain', ''))}”：应为本区域（或上级区域）的产业链。")
                continue
            segment = segments.get((chain.pk, normalise_name(values.get("segment", ""))))
            if segment is None:
                out.error(row, where["segment"], text(values.get("segment")) or None,
                          f"产业链“{chain.name}”的图谱中没有环节“{text(values.get('segment', ''))}”。")
                continue
            try:
                n = r.cell(row, values, "enterprises")
                source = r.cell(row, values, "source") or ""
            except CellError as exc:
                out.error(row, where["enterprises"], text(values.get("enterprises")), f"企业数{exc}")
                continue
            if n is None or n < 0:
                out.error(row, where["enterprises"], text(values.get("enterprises")) or None,
                          "企业数应为不小于 0 的整数。")
                continue
            key = (place, segment.pk)
            if key in seen:
                out.error(row, where["segment"], segment.name, f"与第 {seen[key]} 行重复（同一地区与环节）。")
                continue
            seen[key] = row
            r.write(SegmentPresence, {"region": r.region, "place": place, "segment": segment},
                    {"enterprises": n, "source": source}, row,
                    {"地区": place, "chain": chain.name, "segment": segment.name, "企业数": n})
        r.writer.flush()

"""The catalogue of external enterprises (招商目标企业库): enterprises outside the region that could fill a segment of
its maps. Matched by USCC when the row has one, else by name, in the importing user's region; the segments they
could fill named as on the map ("电控单元（ECU）", or "动力装备·电控" where two chains have a segment of that name).
A rollback deletes the enterprises the batch added and restores the fields of those it changed (the segment list
of a changed enterprise is only ever added to)."""
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from chainchief.core import uscc as uscc_codes
from chainchief.core.permissions import CHANGE, VIEW, can
from chainchief.imports.fields import PREVIEW_ROWS, CellError, Column, figure_text, is_empty, normalise_name, text
from chainchief.imports.kinds.base import (NAME, USCC, Kind, RowDenied, RowWriter, changed_values, parse_cell, prose,
                                           report_row_error)
from chainchief.imports.table import is_blank, is_total

SIZE_WORDS = {"大型": "large", "大": "large", "大型企业": "large", "中型": "medium", "中": "medium", "中型企业": "medium",
              "小型": "small", "小": "small", "小型企业": "small", "微型": "micro", "微": "micro", "微型企业": "micro",
              "large": "large", "medium": "medium", "small": "small", "micro": "micro"}
FIELDS = ("province", "city", "main_products", "revenue", "contact", "note")


class ExternalEnterprises(Kind):
    key = "external"
    label = "招商目标企业库"
    instructions = ("填写说明：第 3 行起每行一家本区域以外的企业。有统一社会信用代码的按代码匹配，否则按企业名称匹配；已在企业库中的"
                    "更新其余各列，空白单元格不修改原值。可补环节填图谱中的环节名称，多个以顿号分隔，重名时写“产业链·环节”；"
                    "企业规模填 大型 / 中型 / 小型 / 微型；营业收入单位为万元（列名写明“（亿元）”时自动换算）。")

    def __init__(self):
        from chainchief.investment.models import ExternalEnterprise

        self.model = ExternalEnterprise
        self.columns = [
            Column("name", "企业名称", required=True, aliases=NAME.aliases, max_length=128,
                   example="无锡某某电控科技有限公司"),
            USCC,
            Column("province", "所在省份", aliases=("省份", "省", "所在省"), max_length=32, example="江苏省"),
            Column("city", "所在城市", aliases=("城市", "市", "所在市", "地市"), max_length=32, example="无锡市"),
            Column("main_products", "主营产品", aliases=("产品", "主要产品", "主导产品", "经营范围"), max_length=300,
                   example="发动机电控单元、高压共轨系统"),
            Column("segments", "可补环节", aliases=("环节", "对应环节", "补链环节", "可补链环节"),
                   example="电控单元（ECU）"),
            Column("size", "企业规模", aliases=("规模", "企业类型"), example="大型"),
            Column("revenue", "年营业收入（万元）", "money", aliases=("营业收入", "营收", "年营收", "主营业务收入"),
                   example="1200000"),
            Column("contact", "联系方式", aliases=("联系人", "联系电话"), max_length=100),
            Column("note", "备注", aliases=("说明",), max_length=300),
        ]
        self.labels = {c.name: c.label for c in self.columns}
        self.labels["uscc"] = USCC.label

    def _segments(self, user):
        from chainchief.maps.models import Segment

        by_name, by_pair = {}, {}
        for seg in Segment.objects.restrict(user, VIEW).select_related("chain"):
            by_name.setdefault(normalise_name(seg.name), []).append(seg)
            for chain_name in (seg.chain.name, seg.chain.short_name):
                if chain_name:
                    by_pair[(normalise_name(chain_name), normalise_name(seg.name))] = seg
        return by_name, by_pair

    def run(self, ctx):
        from chainchief.investment.models import ExternalEnterprise

        out, header, user = ctx.out, ctx.header, ctx.user
        region_id = getattr(user, "region_id", None)
        by_name, by_pair = self._segments(user)
        columns = {c.name: c for c in self.columns}
        where = {name: m.where for name, m in header.by_name().items()}
        rows, seen = [], {}
        for row, cells in ctx.data:
            if is_blank(cells) or is_total(cells):
                continue
            out.total += 1
            ctx.progress.tick(out.total)
            cells_ = self.cells(header, cells)
            values = {name: raw for name, (raw, m) in cells_.items() if not is_empty(raw)}
            data, bad = {}, False
            for name in ("name", *FIELDS):
                if name in values:
                    try:
                        data[name] = (prose(columns[name], values[name]) if name in ("name", "main_products", "note")
                                      else parse_cell(columns[name], values[name], cells_[name][1].unit))
                    except CellError as exc:
                        out.error(row, where[name], text(values[name]), str(exc))
                        bad = True
            if not data.get("name"):
                out.error(row, where.get("name", "企业名称"), None, "企业名称不能为空。")
                continue
            if "uscc" in values:
                try:
                    data["uscc"] = uscc_codes.validate(text(values["uscc"]))
                except ValidationError as exc:
                    out.error(row, where["uscc"], text(values["uscc"]), "；".join(exc.messages))
                    bad = True
            if "size" in values:
                word = text(values["size"]).replace(" ", "")
                if word not in SIZE_WORDS:
                    out.error(row, where["size"], word, "应为 大型、中型、小型 或 微型。")
                    bad = True
                data["size"] = SIZE_WORDS.get(word)
            segments = []
            if "segments" in values:
                for part in [p for p in re.split(r"[、,，;；\n]+", text(values["segments"])) if p.strip()]:
                    seg, message = self._segment(part, by_name, by_pair)
                    if seg is None:
                        out.error(row, where["segments"], part, message)
                        bad = True
                    else:
                        segments.append(seg)
            key = ("uscc", data["uscc"]) if data.get("uscc") else ("name", normalise_name(data["name"]))
            if key in seen:
                out.error(row, where["name"], data["name"], f"与第 {seen[key]} 行是同一家企业。")
                continue
            seen[key] = row
            if not bad:
                rows.append({"row": row, "key": key, "data": data, "segments": segments,
                             "values": {k: text(v) for k, v in values.items()}})
        existing = {}
        for ext in ExternalEnterprise.objects.filter(region_id=region_id):
            if ext.uscc:
                existing[("uscc", ext.uscc)] = ext
            existing.setdefault(("name", normalise_name(ext.name)), ext)
        writer = RowWriter(ctx.batch, user, out)
        for item in rows:
            self._write(item, existing, writer, out, where, user, region_id)
        writer.flush()

    @staticmethod
    def _segment(part, by_name, by_pair):
        pair = re.split(r"[·・/\\-—]", part, maxsplit=1)
        if len(pair) == 2:
            seg = by_pair.get((normalise_name(pair[0]).removesuffix("产业链"), normalise_name(pair[1])))
            return seg, None if seg else f"图谱中没有环节“{part}”。"
        found = by_name.get(normalise_name(part), [])
        if len(found) == 1:
            return found[0], None
        if not found:
            return None, f"图谱中没有环节“{part}”。"
        return None, f"有 {len(found)} 条产业链有环节“{part}”，请写明产业链，如“{found[0].chain.name}·{part}”。"

    def _write(self, item, existing, writer, out, where, user, region_id):
        from chainchief.investment.models import ExternalEnterprise

        row, data = item["row"], dict(item["data"])
        ext = existing.get(item["key"]) or (existing.get(("name", normalise_name(data["name"])))
                                           if item["key"][0] == "uscc" else None)
        try:
            with transaction.atomic():
                if ext is None:
                    missing = [self.labels[n] for n in ("province", "main_products") if not data.get(n)]
                    if missing:
                        raise ValidationError({"__all__": f"新企业须填写{'、'.join(missing)}。"})
                    ext = ExternalEnterprise(region_id=region_id, **{k: v for k, v in data.items() if v is not None})
                    writer.create(ext, row, denied=("name", "无权向招商目标企业库新增企业。"))
                    action = "new"
                else:
                    denied = ("name", f"无权修改企业库中的“{ext.name}”。")
                    if not can(user, CHANGE, ext):
                        raise RowDenied(denied[1], denied[0])
                    changed = changed_values(ext, {k: v for k, v in data.items() if v is not None})
                    if changed:
                        writer.update(ext, changed, row, denied=denied)
                    action = "updated" if changed else "unchanged"
                have = set(ext.segments.values_list("pk", flat=True))
                new_segments = [s for s in item["segments"] if s.pk not in have]
                if new_segments:
                    ext.segments.add(*new_segments)
                    if action == "unchanged":
                        action = "updated"
        except (ValidationError, PermissionDenied, IntegrityError) as exc:
            report_row_error(out, exc, row, item["values"], where, self.labels)
            writer.changes = [c for c in writer.changes if c.row != row]
            if ext is not None and ext.pk and item["key"] in existing:
                ext.refresh_from_db()
            return
        existing[item["key"]] = ext
        setattr(out, action, getattr(out, action) + 1)
        if len(out.preview) < PREVIEW_ROWS:
            out.preview.append({"row": row, "action": action, "name": ext.name, "uscc": ext.uscc,
                                "segments": "、".join(s.name for s in ext.segments.all()),
                                "revenue": figure_text(ext.revenue)})

"""Segments (产业链环节): the tree of a chain's map, matched by chain and segment name."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from chainchief.core.permissions import CHANGE, can
from chainchief.imports.fields import PREVIEW_ROWS, CellError, Column, is_empty, normalise_name, text
from chainchief.imports.kinds.base import (ChainNames, Kind, RowDenied, RowWriter, changed_values, parse_cell,
                                           report_row_error)
from chainchief.imports.table import is_blank, is_total


STAGE_WORDS = {"上游": "upstream", "中游": "midstream", "下游": "downstream", "upstream": "upstream",
               "midstream": "midstream", "downstream": "downstream"}


class Segments(Kind):
    key = "segments"
    label = "产业链环节"
    instructions = ("填写说明：第 3 行起每行一个环节。按 产业链 + 环节名称 匹配，已存在的环节更新其余各列，空白单元格不修改"
                    "原值。环节位置填 上游 / 中游 / 下游（新环节必填；有上级环节时可不填，随上级）。上级环节须属同一产业链、"
                    "同一位置，可以是本表其他行的环节。")

    def __init__(self):
        from chainchief.maps.models import Segment

        self.model = Segment
        self.columns = [
            Column("chain", "产业链", required=True, aliases=("所属产业链", "产业链名称", "链条"), example="动力装备"),
            Column("name", "环节", required=True, aliases=("环节名称", "产业链环节", "节点", "节点名称"), max_length=64,
                   example="整机制造"),
            Column("stage", "环节位置", aliases=("位置", "上中下游", "产业链位置", "所处位置"), example="中游"),
            Column("parent", "上级环节", aliases=("上级节点", "父级环节", "上级"), max_length=64),
            Column("key_products", "主要产品", aliases=("代表产品", "产品"), max_length=300, example="柴油机、发电机组"),
            Column("description", "说明", aliases=("备注", "环节说明")),
            Column("order", "排序", "int", aliases=("序号", "顺序")),
        ]
        self.labels = {c.name: c.label for c in self.columns}

    def run(self, ctx):
        from chainchief.maps.models import Segment

        out, header, user = ctx.out, ctx.header, ctx.user
        chains = ChainNames(user)
        where = {name: m.where for name, m in header.by_name().items()}
        rows, seen = [], {}
        for row, cells in ctx.data:  # read and check every row first: a parent may come after its child
            if is_blank(cells) or is_total(cells):
                continue
            out.total += 1
            ctx.progress.tick(out.total)
            item = self._read(row, cells, header, chains, where, out)
            if item is None:
                continue
            if item["key"] in seen:
                out.error(row, where["name"], item["name"], f"与第 {seen[item['key']]} 行重复。")
                continue
            seen[item["key"]] = row
            rows.append(item)
        ids = {item["chain"].pk for item in rows}
        existing = {(seg.chain_id, normalise_name(seg.name)): seg for seg in Segment.objects.filter(chain_id__in=ids)}
        writer = RowWriter(ctx.batch, user, out)
        failed = set()  # keys of rows with an error
        for item in self._parents_first(rows, out, where):
            self._write(item, existing, writer, out, where, user, failed)
        writer.flush()
        out.preview.sort(key=lambda p: p["row"])

    def _read(self, row, cells, header, chains, where, out):
        values = {name: raw for name, (raw, m) in self.cells(header, cells).items() if not is_empty(raw)}
        chain = chains.get(values.get("chain", ""))
        if chain is None:
            out.error(row, where["chain"], values.get("chain"), f"未知的产业链“{text(values.get('chain', ''))}”。")
            return None
        name = text(values.get("name", ""))
        if not name:
            out.error(row, where["name"], None, "环节名称不能为空。")
            return None
        item = {"row": row, "chain": chain, "name": name, "key": (chain.pk, normalise_name(name)), "data": {},
                "values": {field: text(raw) for field, raw in values.items()}}
        stage = values.get("stage")
        if stage is not None:
            item["data"]["stage"] = STAGE_WORDS.get(text(stage).removesuffix("环节"))
            if item["data"]["stage"] is None:
                out.error(row, where["stage"], text(stage), "环节位置应为 上游、中游 或 下游。")
                return None
        for name_ in ("key_products", "description", "order"):
            if name_ in values:
                try:
                    item["data"][name_] = parse_cell(self._column(name_), values[name_], None)
                except CellError as exc:
                    out.error(row, where[name_], text(values[name_]), str(exc))
                    return None
        if "order" in item["data"] and item["data"]["order"] < 0:
            out.error(row, where["order"], text(values["order"]), "不能为负数。")
            return None
        parent = text(values.get("parent", ""))
        item["parent"] = (chain.pk, normalise_name(parent)) if parent else None
        item["parent_name"] = parent
        return item

    def _column(self, name):
        return next(c for c in self.columns if c.name == name)

    @staticmethod
    def _parents_first(rows, out, where):
        """The rows in an order where a parent named by another row of the sheet comes before its children; rows
        whose parents name each other in a circle are errors."""
        in_sheet = {item["key"] for item in rows}
        done, pending = set(), list(rows)
        while pending:
            ready = [item for item in pending
                     if item["parent"] is None or item["parent"] not in in_sheet or item["parent"] in done]
            if not ready:
                for item in pending:
                    out.error(item["row"], where.get("parent", ""), item["parent_name"], "上级环节相互引用，形成了循环。")
                return
            for item in ready:
                done.add(item["key"])
                yield item
            pending = [item for item in pending if item["key"] not in done]

    @staticmethod
    def _restage_below(seg, writer, existing, row):
        from chainchief.maps.models import Segment

        for child in Segment.objects.filter(parent=seg):
            writer.update(child, {"stage": seg.stage}, row)
            existing[(child.chain_id, normalise_name(child.name))] = child
            Segments._restage_below(child, writer, existing, row)

    def _write(self, item, existing, writer, out, where, user, failed):
        from chainchief.maps.models import Segment

        row, data = item["row"], dict(item["data"])
        seg = existing.get(item["key"])
        if item["parent"] is not None:
            known = existing.get(item["parent"])
            if known is None:
                out.error(row, where["parent"], item["parent_name"],
                          f"上级环节“{item['parent_name']}”所在行有错误。" if item["parent"] in failed else
                          f"产业链“{item['chain'].name}”中没有环节“{item['parent_name']}”。")
                failed.add(item["key"])
                return
            # as stored now, not as first read: rows above may have moved it (the model's check against a loop
            # of parents walks up from here)
            parent = Segment.objects.get(pk=known.pk)
            data["parent"] = parent
            data.setdefault("stage", parent.stage)
        elif seg is not None and seg.parent_id is not None and data.get("stage") not in (None, seg.stage):
            out.error(row, where["stage"], item["values"].get("stage"),
                      "下级环节随上级环节所在位置；请同时填写新的上级环节，或在图谱中先把它移到顶层。")
            failed.add(item["key"])
            return
        try:
            with transaction.atomic():
                if seg is None:
                    if "stage" not in data:
                        raise ValidationError({"stage": "新环节须填写环节位置（上游、中游或下游）。"})
                    seg = Segment(chain=item["chain"], name=item["name"], **data)
                    writer.create(seg, row, denied=("chain", f"无权在产业链“{item['chain'].name}”中新增环节。"))
                    action = "new"
                else:
                    changed = changed_values(seg, data)
                    if changed:
                        denied = ("chain", f"无权修改产业链“{item['chain'].name}”的环节。")
                        if not can(user, CHANGE, seg):
                            raise RowDenied(denied[1], denied[0])
                        writer.update(seg, changed, row, denied=denied)
                        if "stage" in changed:  # the segments below move along, as on the map
                            self._restage_below(seg, writer, existing, row)
                        action = "updated"
                    else:
                        action = "unchanged"
        except (ValidationError, PermissionDenied, IntegrityError) as exc:
            report_row_error(out, exc, row, item["values"], where, self.labels)
            writer.changes = [c for c in writer.changes if c.row != row]
            failed.add(item["key"])
            for key, obj in existing.items():  # what the savepoint undid goes back to the stored rows
                if obj.chain_id == item["chain"].pk:
                    obj.refresh_from_db()
            return
        existing[item["key"]] = seg
        setattr(out, action, getattr(out, action) + 1)
        if len(out.preview) < PREVIEW_ROWS:
            out.preview.append({"row": row, "action": action, "chain": item["chain"].name, "segment": seg.name,
                                "stage": seg.get_stage_display(), "parent": seg.parent.name if seg.parent_id else ""})

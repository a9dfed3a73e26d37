"""Supply links (供应关系): supplier → buyer, product, the year's purchase amount (万元), year. Matched by supplier,
buyer, product and year; each party named by USCC (preferred) or exact name and visible to the importing user, as
the supply link service asks; the chain, when given, one the user may see."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from chainchief.core.permissions import CHANGE, VIEW, can, restrict
from chainchief.imports.fields import PREVIEW_ROWS, CellError, Column, figure_text, is_empty, normalise_name, text
from chainchief.imports.kinds.base import (ChainNames, Kind, RowDenied, RowWriter, changed_values, parse_cell, prose,
                                           report_row_error)
from chainchief.imports.matching import EnterpriseIndex
from chainchief.imports.table import is_blank, is_total

PARTIES = {"supplier": "供应方", "customer": "采购方"}


class SupplyLinks(Kind):
    key = "supply_links"
    label = "供应关系"
    instructions = ("填写说明：第 3 行起每行一条供应关系（供应方向采购方供应某产品）。供应方、采购方填企业名称或统一社会信用代码（优先按代码），"
                    "须是系统中已有且有权查看的企业；按 供应方 + 采购方 + 产品 + 年份 匹配，已存在的更新其余各列。"
                    "年度采购额单位为万元（列名写明“（亿元）”时自动换算）；产业链须是供应方或采购方所在的产业链。")

    def __init__(self):
        from chainchief.enterprises.models import SupplyLink

        self.model = SupplyLink
        self.columns = [
            Column("supplier", "供应方", required=True, aliases=("供应企业", "供应商", "供货方", "供应方名称"),
                   example="潍坊某某锻造有限公司"),
            Column("supplier_uscc", "供应方统一社会信用代码", "uscc", aliases=("供应方信用代码", "供应商信用代码")),
            Column("customer", "采购方", required=True, aliases=("采购企业", "需求方", "客户", "采购方名称"),
                   example="潍坊某某动力有限公司"),
            Column("customer_uscc", "采购方统一社会信用代码", "uscc", aliases=("采购方信用代码", "客户信用代码")),
            Column("product", "产品", required=True, aliases=("供应产品", "产品名称", "配套产品"), max_length=100,
                   example="曲轴毛坯"),
            Column("annual_amount", "年度采购额（万元）", "money", aliases=("采购额", "年采购额", "金额", "采购金额"),
                   example="3200"),
            Column("year", "年份", "year", required=True, aliases=("年度",), example="2025"),
            Column("chain", "产业链", aliases=("所属产业链",), example="动力装备"),
            Column("source", "来源", aliases=("数据来源",), max_length=64, example="企业填报"),
            Column("note", "备注", aliases=("说明",), max_length=200),
        ]
        self.labels = {c.name: c.label for c in self.columns}

    def run(self, ctx):
        from chainchief.enterprises.models import Enterprise, SupplyLink

        out, header, user = ctx.out, ctx.header, ctx.user
        chains, index = ChainNames(user), EnterpriseIndex()
        visible = set(restrict(Enterprise.objects.all(), user, VIEW).values_list("pk", flat=True))
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
            for name in ("product", "annual_amount", "year", "source", "note"):
                if name in values:
                    try:
                        data[name] = (prose(columns[name], values[name]) if name in ("product", "note")
                                      else parse_cell(columns[name], values[name], cells_[name][1].unit))
                    except CellError as exc:
                        out.error(row, where[name], text(values[name]), str(exc))
                        bad = True
            for name, message in (("product", "请填写产品。"), ("year", "请填写年份。")):
                if not data.get(name) and name not in values:
                    out.error(row, where.get(name, self.labels[name]), None, message)
                    bad = True
            for party, label in PARTIES.items():
                pk = self._party(row, party, label, values, where, index, visible, out)
                if pk is None:
                    bad = True
                data[f"{party}_id"] = pk
            if "chain" in values:
                chain = chains.get(text(values["chain"]))
                if chain is None:
                    out.error(row, where["chain"], text(values["chain"]), f"未知的产业链“{text(values['chain'])}”。")
                    bad = True
                data["chain"] = chain
            if bad:
                continue
            key = (data["supplier_id"], data["customer_id"], normalise_name(data["product"]), data["year"])
            if key in seen:
                out.error(row, where["product"], data["product"], f"与第 {seen[key]} 行重复（同一供应方、采购方、产品和年份）。")
                continue
            seen[key] = row
            rows.append({"row": row, "key": key, "data": data, "values": {k: text(v) for k, v in values.items()}})
        existing = {}
        suppliers = {item["data"]["supplier_id"] for item in rows}
        for link in SupplyLink.objects.filter(supplier_id__in=suppliers):
            existing[(link.supplier_id, link.customer_id, normalise_name(link.product), link.year)] = link
        writer = RowWriter(ctx.batch, user, out)
        for item in rows:
            self._write(item, existing, writer, out, where, user, index)
        writer.flush()

    @staticmethod
    def _party(row, party, label, values, where, index, visible, out):
        """The enterprise id of a party, or None after reporting why."""
        code = values.get(f"{party}_uscc")
        if code is not None:
            _canonical, pk, err = index.code(code)
            if err or pk is None or pk not in visible:
                out.error(row, where[f"{party}_uscc"], text(code), err or f"系统中没有该统一社会信用代码的{label}企业。")
                return None
            return pk
        if party not in values:
            out.error(row, where.get(party, label), None, f"请填写{label}（企业名称或统一社会信用代码）。")
            return None
        raw = values[party]
        if len(text(raw)) == 18 and text(raw).isalnum():
            _canonical, pk, err = index.code(raw)
            if not err and pk in visible:
                return pk
        pk, _candidates = index.name(raw)
        if pk is None or pk not in visible:
            out.error(row, where[party], text(raw), f"未找到{label}企业“{text(raw)}”；请填写统一社会信用代码，或先导入企业名录。")
            return None
        return pk

    def _write(self, item, existing, writer, out, where, user, index):
        from chainchief.enterprises.models import SupplyLink

        row, data = item["row"], dict(item["data"])
        link = existing.get(item["key"])
        try:
            with transaction.atomic():
                if link is None:
                    link = SupplyLink(**data)
                    writer.create(link, row, denied=("supplier", "无权新增该供应关系。"))
                    action = "new"
                else:
                    denied = ("supplier", "无权修改该供应关系。")
                    if not can(user, CHANGE, link):
                        raise RowDenied(denied[1], denied[0])
                    changed = changed_values(link, {k: v for k, v in data.items()
                                                    if k not in ("supplier_id", "customer_id", "product", "year")})
                    if changed:
                        writer.update(link, changed, row, denied=denied)
                    action = "updated" if changed else "unchanged"
        except (ValidationError, PermissionDenied, IntegrityError) as exc:
            report_row_error(out, exc, row, item["values"], where, self.labels)
            writer.changes = [c for c in writer.changes if c.row != row]
            if link is not None and link.pk and item["key"] in existing:
                link.refresh_from_db()
            return
        existing[item["key"]] = link
        setattr(out, action, getattr(out, action) + 1)
        if len(out.preview) < PREVIEW_ROWS:
            out.preview.append({"row": row, "action": action, "supplier": index.info[link.supplier_id][0],
                                "customer": index.info[link.customer_id][0], "product": link.product,
                                "link_year": link.year, "amount": figure_text(link.annual_amount)})

"""The enterprise directory (企业名录): enterprises with their region, registration facts and chain memberships."""
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from chainchief.core.permissions import ADD, CHANGE, can, may
from chainchief.imports.fields import PREVIEW_ROWS, CellError, Column, is_empty, normalise_name
from chainchief.imports.kinds.base import (NAME, USCC, ChainNames, Kind, RowDenied, RowWriter, changed_values,
                                           parse_cell, report_row_error)
from chainchief.imports.matching import EnterpriseIndex
from chainchief.imports.table import is_blank, is_total


ROLE_WORDS = {"链主企业": "master", "链主": "master", "龙头骨干企业": "backbone", "龙头企业": "backbone",
              "骨干企业": "backbone", "龙头": "backbone", "骨干": "backbone", "配套企业": "supporting",
              "配套": "supporting", "master": "master", "backbone": "backbone", "supporting": "supporting"}


class Enterprises(Kind):
    key = "enterprises"
    label = "企业名录"
    required_any = (("uscc", "name"),)
    instructions = ("填写说明：第 3 行起每行一家企业。按统一社会信用代码匹配已有企业（没有代码时按企业名称匹配）；"
                    "空白单元格不修改原值。产业链可填多个，以顿号分隔；链上角色为 链主企业 / 龙头骨干企业 / 配套企业。"
                    "规上企业填 是/否。请勿修改第 2 行列名。")

    def __init__(self):
        from chainchief.enterprises.models import Enterprise

        self.model = Enterprise
        self.columns = [
            USCC, NAME,
            Column("short_name", "简称", aliases=("企业简称",), max_length=32, example="某某动力"),
            Column("region", "所在区县", aliases=("区县", "所属区县", "县市区", "区域", "属地", "所在地区", "县（市、区）"),
                   example="潍城区"),
            Column("address", "地址", aliases=("注册地址", "企业地址", "详细地址", "生产经营地址"), max_length=200),
            Column("founded_on", "成立日期", "date", aliases=("成立时间", "注册日期"), example="2010-05-01"),
            Column("is_above_scale", "规上企业", "bool", aliases=("是否规上", "是否规上企业", "规上"), example="是"),
            Column("contact_name", "联系人", aliases=("企业联系人",), max_length=32),
            Column("contact_phone", "联系电话", aliases=("电话", "手机", "联系方式", "手机号"), max_length=32),
            Column("description", "简介", aliases=("企业简介", "主营业务", "主要产品")),
            Column("chains", "产业链", aliases=("所属产业链", "所属链条", "产业链名称", "链条"), example="动力装备"),
            Column("role", "链上角色", aliases=("企业角色", "链上地位", "企业类型", "角色"), example="配套企业"),
        ]
        self.labels = {c.name: c.label for c in self.columns}
        self.labels["uscc"] = USCC.label

    def run(self, ctx):
        from chainchief.core.models import Region
        from chainchief.enterprises.models import Enterprise

        out, header, user = ctx.out, ctx.header, ctx.user
        index = EnterpriseIndex()
        chains = ChainNames(user)
        regions = {}
        for region in Region.objects.all():
            regions.setdefault(normalise_name(region.name), region)
        writer = RowWriter(ctx.batch, user, out)
        seen = {}
        mapped = header.by_name()
        where = {name: m.where for name, m in mapped.items()}
        may_add = may(user, ADD, Enterprise)
        for row, cells in ctx.data:
            if is_blank(cells) or is_total(cells):
                continue
            out.total += 1
            ctx.progress.tick(out.total)
            values, bad = {}, False
            for name, (raw, m) in self.cells(header, cells).items():
                if is_empty(raw):
                    continue
                try:
                    if name == "uscc":
                        code, pk, err = index.code(raw)
                        if err:
                            raise CellError(err)
                        values[name] = code
                    else:
                        values[name] = parse_cell(m.column, raw, m.unit)
                except CellError as exc:
                    out.error(row, m.where, raw, exc)
                    bad = True
            region = None
            if values.get("region"):
                region = regions.get(normalise_name(values["region"]))
                if region is None:
                    out.error(row, where["region"], values["region"], "未知的区县名称。")
                    bad = True
            memberships = []
            for chain_name in re.split(r"[、,，;；/]+", values.get("chains", "")):
                if not chain_name.strip():
                    continue
                chain = chains.get(chain_name)
                if chain is None:
                    out.error(row, where["chains"], chain_name, f"未知的产业链“{chain_name}”。")
                    bad = True
                else:
                    memberships.append(chain)
            role = None
            if values.get("role"):
                role = ROLE_WORDS.get(values["role"].replace(" ", ""))
                if role is None:
                    out.error(row, where["role"], values["role"], "链上角色应为 链主企业、龙头骨干企业 或 配套企业。")
                    bad = True
            # which enterprise
            ent_id = None
            key = values.get("uscc") or ("name:" + normalise_name(values.get("name", "")))
            if key in seen:
                col = where.get("uscc") if values.get("uscc") else where.get("name")
                out.error(row, col, values.get("uscc") or values.get("name"), f"与第 {seen[key]} 行重复。")
                continue
            seen[key] = row
            if bad:
                continue
            if values.get("uscc"):
                ent_id = index.by_uscc.get(values["uscc"])
            elif values.get("name"):
                ent_id, candidates = index.name(values["name"])
                if ent_id is None and candidates:
                    out.match(row, values["name"], candidates)
                    continue
                if ent_id is None:
                    out.error(row, where.get("name"), values["name"],
                              "未找到该企业；新企业须填写统一社会信用代码。")
                    continue
            else:
                out.error(row, where.get("uscc") or where.get("name"), None, "统一社会信用代码和企业名称不能都为空。")
                continue
            data = {k: v for k, v in values.items() if k not in ("chains", "role", "region")}
            if region is not None:
                data["region"] = region
            try:
                with transaction.atomic():
                    action = self._write(ctx, writer, row, ent_id, data, memberships, role, index, may_add)
            except (ValidationError, PermissionDenied, IntegrityError, CellError) as exc:
                report_row_error(out, exc, row, values, where, self.labels)
                writer.changes = [c for c in writer.changes if c.row != row]
                continue
            setattr(out, action, getattr(out, action) + 1)
            if len(out.preview) < PREVIEW_ROWS:
                out.preview.append({"row": row, "action": action, "uscc": values.get("uscc", ""),
                                    "name": values.get("name", ""),
                                    "chains": "、".join(c.name for c in memberships)})
        writer.flush()

    def _write(self, ctx, writer, row, ent_id, data, memberships, role, index, may_add):
        from chainchief.enterprises.models import Enterprise, Membership, MembershipRole

        user = ctx.user
        changed_any = False
        if ent_id is None:
            if not may_add:
                raise RowDenied("无权新建企业。", "uscc")
            if not data.get("name"):
                raise ValidationError({"name": "新企业须填写企业名称。"})
            data.setdefault("region", user.region)
            if data["region"] is None:
                raise ValidationError({"region": "新企业须填写所在区县。"})
            ent = Enterprise(**data)
            writer.create(ent, row, check_scope=False)  # a membership below may be what puts it in scope
            index.add(ent.pk, ent.uscc, ent.name)
            action = "new"
        else:
            ent = Enterprise.objects.get(pk=ent_id)
            if not can(user, CHANGE, ent):  # before comparing: "unchanged" would confirm a guessed stored value
                raise RowDenied(f"无权修改企业“{ent.name}”。", "uscc" if data.get("uscc") else "name")
            changes = changed_values(ent, data)
            if changes:
                writer.update(ent, changes, row, denied=("region", f"无权把企业“{ent.name}”移出您负责的范围。"))
                changed_any = True
            action = "updated" if changes else "unchanged"
        for chain in memberships:
            m = Membership.objects.filter(enterprise=ent, chain=chain).first()
            if m is None:
                m = Membership(enterprise=ent, chain=chain, role=role or MembershipRole.SUPPORTING)
                writer.create(m, row, trusted=("enterprise",) if action == "new" else (),
                              denied=("chains", f"无权把企业加入产业链“{chain.name}”。"))
                changed_any = True
            elif role and m.role != role:
                denied = ("role", f"无权修改企业在产业链“{chain.name}”中的角色。")
                if not can(user, CHANGE, m):
                    raise RowDenied(denied[1], denied[0])
                writer.update(m, {"role": role}, row, denied=denied)
                changed_any = True
        if action == "new":
            if not can(user, ADD, ent):
                raise RowDenied("无权新建该企业：不在您负责的区域或产业链内。", "region")
        elif changed_any and action == "unchanged":
            action = "updated"
        return action

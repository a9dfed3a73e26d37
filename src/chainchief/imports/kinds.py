"""What each kind of import reads and how it writes: enterprises (with chain memberships), monthly
statistics (bulk, chunked, SQL upsert through a staging table) and segment placements.

Every kind runs the same way for a dry run and a commit; a dry run simply does not keep what it wrote (or,
for monthly statistics, does not write at all), so the counts and errors of the preview are those of the
commit.
"""
import json
import re
import time
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils import timezone

from chainchief.core.permissions import ADD, CHANGE, VIEW, can, may, rebase_q, scope_q
from chainchief.imports.fields import (CENT, MONEY_UNITS, CellError, Column, is_empty, normalise_name,
                                       parse_bool, parse_date, parse_decimal, parse_int, parse_period, parse_year,
                                       text)
from chainchief.imports.matching import EnterpriseIndex
from chainchief.imports.models import ImportBatch, ImportRowChange
from chainchief.imports.table import column_letter, is_blank, is_total

PREVIEW_ROWS = 20
LIMIT = Decimal(10) ** 16
INT_MAX = 2147483647
_PLAIN = re.compile(r"-?[0-9]{1,16}(?:\.[0-9]{1,2})?\Z").match
_PLAIN_INT = re.compile(r"[0-9]{1,9}\Z").match

USCC = Column("uscc", "统一社会信用代码", "uscc", aliases=(
    "信用代码", "社会信用代码", "统一信用代码", "统一社会信用代码证", "社会统一信用代码", "组织机构代码", "USCC",
    "纳税人识别号", "税号", "统一代码"), help="18 位，校验位按 GB 32100-2015", example="91370700MA3C0R5X1B")
NAME = Column("name", "企业名称", aliases=("单位名称", "企业", "名称", "公司名称", "单位详细名称", "企业全称",
                                        "单位", "纳税人名称", "法人单位详细名称"), max_length=128,
              example="潍坊某某动力有限公司")


class Rollback(Exception):
    pass


class Outcome:
    """What a run found: counts, errors (capped), preview rows and matches awaiting confirmation."""

    def __init__(self, header):
        self.header = header
        self.total = self.new = self.updated = self.unchanged = 0
        self.errors, self.error_rows, self._last_error_row = [], 0, None
        self.truncated = False
        self.preview, self.matches, self.periods = [], {}, set()
        self.rejected = set()  # names whose candidates the user rejected: plain errors now

    def error(self, row, where, value, message):
        if row != self._last_error_row:
            self.error_rows += 1
            self._last_error_row = row
        if len(self.errors) < ImportBatch.MAX_ERRORS:
            if value is not None and not isinstance(value, (str, int, float, bool)):
                value = str(value)
            self.errors.append({"row": row, "column": where, "value": value, "message": str(message)})
        else:
            self.truncated = True

    def match(self, row, raw, candidates):
        key = normalise_name(raw)
        if key in self.rejected:
            self.error(row, "企业名称", text(raw), "未找到该企业（候选已被否决），请填写统一社会信用代码。")
            return
        entry = self.matches.setdefault(key, {"key": key, "name": text(raw), "rows": [], "candidates": candidates,
                                              "confirmed": None})
        if len(entry["rows"]) < 20 and row not in entry["rows"]:
            entry["rows"].append(row)

    @property
    def ok(self):
        return not self.error_rows and not self.matches


class Progress:
    def __init__(self, callback, every=1.0):
        self.callback, self.every, self.last, self.count = callback, every, 0.0, 0

    def tick(self, count):
        self.count = count
        now = time.monotonic()
        if self.callback and now - self.last >= self.every:
            self.last = now
            self.callback(count)


class Kind:
    key = ""
    label = ""
    columns: list[Column] = []
    required_any: tuple = ()
    model = None
    instructions = ""

    def allowed(self, user):
        return may(user, ADD, self.model) or may(user, CHANGE, self.model)

    def cells(self, header, cells):
        """{field: (raw value, Mapped)} of one row."""
        out = {}
        n = len(cells)
        for m in header.mapped:
            out[m.column.name] = (cells[m.index] if m.index < n else None, m)
        return out


def _json(value):
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _parse_cell(column, raw, unit):
    if column.kind == "money":
        return parse_decimal(raw, unit)
    if column.kind == "int":
        return parse_int(raw)
    if column.kind == "bool":
        return parse_bool(raw)
    if column.kind == "date":
        return parse_date(raw)
    if column.kind == "year":
        return parse_year(raw)
    value = text(raw)
    if column.max_length and len(value) > column.max_length:
        raise CellError(f"不能超过 {column.max_length} 个字。")
    return value


class ChainNames:
    """The chains a user may see, found by what a sheet calls them: the name, the short name, with or without
    “产业链”. A chain out of sight is unknown, as a page of it would be not found."""

    def __init__(self, user):
        from chainchief.chains.models import Chain

        self.by_name = {}
        for chain in Chain.objects.restrict(user, VIEW):
            for n in (chain.name, chain.short_name, chain.name.removesuffix("产业链")):
                if n:
                    self.by_name.setdefault(normalise_name(n), chain)

    def get(self, value):
        key = normalise_name(value or "")
        return self.by_name.get(key) or self.by_name.get(key.removesuffix("产业链"))


# --------------------------------------------------------------------------------------------------------------
# Enterprises and their chain memberships
# --------------------------------------------------------------------------------------------------------------

ROLE_WORDS = {"链主企业": "master", "链主": "master", "龙头骨干企业": "backbone", "龙头企业": "backbone",
              "骨干企业": "backbone", "龙头": "backbone", "骨干": "backbone", "配套企业": "supporting",
              "配套": "supporting", "master": "master", "backbone": "backbone", "supporting": "supporting"}


class RowWriter:
    """Per-row ORM writes with a savepoint each, remembering what was written for a rollback."""

    def __init__(self, batch, user, out):
        self.batch, self.user, self.out = batch, user, out
        self.changes = []

    def create(self, obj, row):
        obj.created_by = obj.updated_by = self.user
        obj.full_clean()
        obj.save()
        self.changes.append(ImportRowChange(batch=self.batch, model=obj._meta.label_lower, object_id=obj.pk,
                                            action=ImportRowChange.CREATE, row=row, after=self._snap(obj)))

    def update(self, obj, data, row):
        fields = [obj._meta.get_field(name) for name in data]
        before = _json({f.attname: f.value_from_object(obj) for f in fields})
        for name, value in data.items():
            setattr(obj, name, value)
        obj.full_clean()
        obj.version += 1
        obj.updated_by = self.user
        obj.save()
        after = _json({f.attname: f.value_from_object(obj) for f in fields})
        self.changes.append(ImportRowChange(batch=self.batch, model=obj._meta.label_lower, object_id=obj.pk,
                                            action=ImportRowChange.UPDATE, row=row, before=before,
                                            after={**after, "version": obj.version}))

    @staticmethod
    def _snap(obj):
        data = {f.attname: f.value_from_object(obj) for f in obj._meta.concrete_fields}
        return _json(data)

    def flush(self):
        if self.batch.pk and self.changes:
            ImportRowChange.objects.bulk_create(self.changes, batch_size=1000)
        self.changes = []


def _changed(obj, data):
    return {k: v for k, v in data.items() if getattr(obj, k) != v}


def _messages(exc, labels):
    if hasattr(exc, "error_dict"):
        return [(labels.get(field, field if field != "__all__" else ""), m)
                for field, msgs in exc.message_dict.items() for m in msgs]
    return [("", m) for m in exc.messages]


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
        from chainchief.enterprises.models import Enterprise, Membership

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
                        values[name] = _parse_cell(m.column, raw, m.unit)
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
                if isinstance(exc, ValidationError):
                    for col, msg in _messages(exc, self.labels):
                        out.error(row, col, None, msg)
                else:
                    out.error(row, "", None, str(exc) if not isinstance(exc, IntegrityError) else "与已有数据冲突。")
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
                raise PermissionDenied("无权新建企业。")
            if not data.get("name"):
                raise CellError("新企业须填写企业名称。")
            data.setdefault("region", user.region)
            if data["region"] is None:
                raise CellError("新企业须填写所在区县。")
            ent = Enterprise(**data)
            writer.create(ent, row)
            index.add(ent.pk, ent.uscc, ent.name)
            action = "new"
        else:
            ent = Enterprise.objects.get(pk=ent_id)
            if not can(user, CHANGE, ent):  # before comparing: "unchanged" would confirm a guessed stored value
                raise PermissionDenied(f"无权修改企业“{ent.name}”。")
            changes = _changed(ent, data)
            if changes:
                writer.update(ent, changes, row)
                changed_any = True
            action = "updated" if changes else "unchanged"
        for chain in memberships:
            m = Membership.objects.filter(enterprise=ent, chain=chain).first()
            if m is None:
                m = Membership(enterprise=ent, chain=chain, role=role or MembershipRole.SUPPORTING)
                writer.create(m, row)
                if not can(user, ADD, m):
                    raise PermissionDenied(f"无权把企业加入产业链“{chain.name}”。")
                changed_any = True
            elif role and m.role != role:
                if not can(user, CHANGE, m):
                    raise PermissionDenied(f"无权修改企业在产业链“{chain.name}”中的角色。")
                writer.update(m, {"role": role}, row)
                changed_any = True
        if action == "new":
            if not can(user, ADD, ent):
                raise PermissionDenied("无权新建该企业：不在您负责的区域或产业链内。")
        elif changed_any and action == "unchanged":
            action = "updated"
        return action


# --------------------------------------------------------------------------------------------------------------
# Monthly statistics: bulk, through a staging table
# --------------------------------------------------------------------------------------------------------------

FIGURES = ("revenue", "gross_output", "profit", "tax", "rd_spend", "employees")
NON_NEGATIVE = {"revenue", "gross_output", "tax", "rd_spend", "employees"}
_TITLE_PERIOD = re.compile(r"(\d{4})\s*年\s*(?:1\s*[-—–~～至]+\s*)?(\d{1,2})\s*月")


class MonthlyStats(Kind):
    key = "monthly_stats"
    label = "月度统计"
    required_any = (("uscc", "name"),)
    instructions = ("填写说明：第 3 行起每行一家企业一个期间的累计值（1—N 月累计）。期间写 2021-06、2021年1-6月，"
                    "或在“年份”列写年份、期间写 1-6月；1-2 月合并上报的记入 2 月。金额单位为万元（列名写明"
                    "“（亿元）”或“（元）”时自动换算）。按统一社会信用代码 + 期间更新，空白单元格不修改原值。")
    CHUNK = 10_000

    def __init__(self):
        from chainchief.monitoring.models import MonthlyStat

        self.model = MonthlyStat
        self.columns = [
            USCC, NAME,
            Column("period", "期间", "period", aliases=("统计期", "统计期间", "报告期", "月份", "所属期", "时间",
                                                     "统计月份", "期别", "累计期间"), example="2021-06"),
            Column("year", "年份", "year", aliases=("年度", "统计年度", "年"), example="2021"),
            Column("revenue", "营业收入（万元）", "money", aliases=("营业收入", "主营业务收入", "营收", "营业收入累计",
                                                               "主营收入", "销售收入"), example="12345.67"),
            Column("gross_output", "工业总产值（万元）", "money", aliases=("工业总产值", "总产值", "产值",
                                                                    "工业总产值当年价"), example="13000"),
            Column("profit", "利润总额（万元）", "money", aliases=("利润总额", "利润", "利润额", "实现利润"),
                   example="800.5"),
            Column("tax", "税收（万元）", "money", aliases=("税收", "税金", "实缴税金", "纳税额", "税收收入", "上缴税金",
                                                       "入库税金", "纳税", "应交税金", "税金总额"), example="320"),
            Column("rd_spend", "研发投入（万元）", "money", aliases=("研发投入", "研发费用", "R&D经费", "研发经费",
                                                               "研发经费支出", "R&D经费支出"), example="150"),
            Column("employees", "从业人员（人）", "int", aliases=("从业人员", "从业人员数", "用工人数", "职工人数",
                                                            "员工数", "期末从业人数", "从业人员平均人数", "从业人数"),
                   example="260"),
        ]

    # -- the hot loop -------------------------------------------------------------------------------------------
    def layout(self, ctx):
        """Where the sheet keeps what: positions of the key columns, the figure columns with their unit factors
        and the period for sheets without a period column. FileError when the sheet cannot be imported."""
        header = ctx.header
        m = header.by_name()
        pos = {name: (mm.index if mm else None) for name in ("uscc", "name", "period", "year")
               for mm in [m.get(name)]}
        where = {name: mm.where for name, mm in m.items()}
        default_period = None
        if pos["period"] is None:
            for title in header.titles + [ctx.batch.file_name or ""]:
                hit = _TITLE_PERIOD.search(text(title))
                if hit:
                    default_period = date(int(hit.group(1)), int(hit.group(2)), 1)
                    break
            if default_period is None:
                from chainchief.imports.readers import FileError

                raise FileError("缺少“期间”列，且表格标题中未写明期间（如“2021年1-6月”）。")
        figs = []
        for name in FIGURES:
            mm = m.get(name)
            if mm is not None:
                unit = mm.unit if mm.unit in MONEY_UNITS else None
                factor = MONEY_UNITS[unit] if unit and unit != "万元" and name != "employees" else None
                figs.append((FIGURES.index(name), mm.index, name, factor, unit, name in NON_NEGATIVE, mm.where))
        if not figs:
            from chainchief.imports.readers import FileError

            raise FileError("没有可导入的指标列（营业收入、工业总产值、利润总额、税收、研发投入、从业人员）。")
        self.mapped_figures = [f[2] for f in figs]
        return pos, where, figs, default_period

    # -- the hot loop (SQLite; on PostgreSQL it checks only the rows the set-based pass found faulty) -----------
    def parse(self, ctx, stage, index, allowed, rows=None):
        out = ctx.out
        pos, where, figs, default_period = self.layout(ctx)
        period_cache = {}
        iu, iname, ip, iy = pos["uscc"], pos["name"], pos["period"], pos["year"]
        chunk, total = [], 0
        adapt_date = connection.ops.adapt_datefield_value
        period_text = {}
        for row, cells in (ctx.data if rows is None else rows):
            n = len(cells)
            if is_blank(cells):
                continue
            total += 1
            if total % 5000 == 0:
                ctx.progress.tick(total)
            bad = False
            # enterprise
            ent = None
            raw = cells[iu] if iu is not None and iu < n else None
            if raw is not None and raw != "" and not is_empty(raw):
                _, ent, err = index.code(raw)
                if ent is None and is_total(cells):
                    total -= 1
                    continue
                if err:
                    out.error(row, where["uscc"], raw, err)
                    bad = True
                elif ent is None:
                    out.error(row, where["uscc"], raw, "系统中没有该统一社会信用代码的企业，请先导入企业名录。")
                    bad = True
            else:
                raw = cells[iname] if iname is not None and iname < n else None
                if is_total(cells):
                    total -= 1
                    continue
                if is_empty(raw):
                    out.error(row, where.get("uscc") or where.get("name"), None,
                              "统一社会信用代码和企业名称不能都为空。")
                    bad = True
                else:
                    ent, candidates = index.name(raw)
                    if ent is None:
                        if candidates:
                            out.match(row, raw, candidates)
                        else:
                            out.error(row, where["name"], raw, "未找到该企业（按名称），请填写统一社会信用代码。")
                        bad = True
            if ent is not None and allowed is not None and ent not in allowed:
                out.error(row, where.get("uscc") or where.get("name"), raw, "无权导入该企业的数据。")
                bad = True
            # period
            if ip is not None:
                praw = cells[ip] if ip < n else None
                yraw = cells[iy] if iy is not None and iy < n else None
                key = (praw, yraw)
                period = period_cache.get(key)
                if period is None:
                    try:
                        period = parse_period(praw, parse_year(yraw) if yraw is not None else None)
                    except CellError as exc:
                        period = exc
                    if len(period_cache) < 10000:
                        period_cache[key] = period
                if isinstance(period, CellError):
                    out.error(row, where["period"], praw, period)
                    bad = True
                    period = None
            else:
                period = default_period
            # figures
            values = [None] * 6
            for i, ci, name, factor, unit, nonneg, col in figs:
                v = cells[ci] if ci < n else None
                if v is None or v == "":
                    continue
                if factor is None and type(v) is str and (_PLAIN_INT(v) if i == 5 else _PLAIN(v)):
                    if nonneg and v[0] == "-":
                        out.error(row, col, v, "不能为负数。")
                        bad = True
                    else:
                        values[i] = v  # a plain number goes to the database as written
                    continue
                try:
                    d = _figure(v, factor, unit, i == 5)
                    if d is None:
                        continue
                    if nonneg and d < 0:
                        raise CellError("不能为负数。")
                    if d >= LIMIT or d <= -LIMIT or (i == 5 and d > INT_MAX):
                        raise CellError("数值过大。")
                    values[i] = d
                except CellError as exc:
                    out.error(row, col, v, exc)
                    bad = True
            if bad:
                continue
            ptext = period_text.get(period)
            if ptext is None:
                ptext = period_text[period] = adapt_date(period)
            if name_values_all_none(values):
                out.error(row, "", None, "该行没有任何指标值。")
                continue
            chunk.append((row, ent, ptext, *values))
            if len(chunk) >= self.CHUNK:
                stage.load(chunk)
                chunk = []
        if chunk:
            stage.load(chunk)
        ctx.progress.tick(total)
        out.total = total

    def run(self, ctx):
        from chainchief.enterprises.models import Enterprise
        from chainchief.monitoring import aggregates

        out, user = ctx.out, ctx.user
        index = EnterpriseIndex()
        # The enterprises whose figures the user may add and change (the figures' own rule, seen from the
        # enterprise); checked again with restrict on the written rows below.
        allowed, everything = None, True
        for action in (ADD, CHANGE):
            q = scope_q(user, self.model, action)
            if q is not None and not q:  # every enterprise
                continue
            everything = False
            rooted = None if q is None else rebase_q(q, "enterprise")
            ids = set() if rooted is None else set(Enterprise.objects.filter(rooted).values_list("pk", flat=True))
            allowed = ids if allowed is None else allowed & ids
        allowed = None if everything else allowed  # None: no restriction
        if connection.vendor == "postgresql":
            from chainchief.imports import bulk

            with transaction.atomic():
                bulk.MonthlyBulk(self, ctx, index, allowed).run()
            return
        with transaction.atomic():
            stage = Stage(connection)
            try:
                self.parse(ctx, stage, index, allowed)
                stage.finish()
                for row, first in stage.duplicates(ImportBatch.MAX_ERRORS):
                    out.error(row, "", None, f"与第 {first} 行重复（同一企业、同一期间）。")
                out.error_rows = _distinct_rows(out)
                new, changed, staged = stage.counts(self.mapped_figures)
                dup = stage.duplicate_count()
                out.new, out.updated = new, changed
                out.unchanged = max(0, staged - dup - new - changed)
                out.preview = stage.preview(self.mapped_figures, PREVIEW_ROWS)
                out.periods = set(stage.periods())
                if ctx.write and out.ok:
                    now = timezone.now()
                    ctx.committed_at = now
                    written_updates = (stage.write_updates(ctx.batch.pk, user.pk, self.mapped_figures, now)
                                       if changed else 0)
                    written_new = stage.write_inserts(ctx.batch.pk, user.pk, now) if new else 0
                    out.updated, out.new = written_updates, written_new
                    q = scope_q(user, self.model, CHANGE)
                    mine = self.model.objects.filter(import_batch=ctx.batch.pk)
                    if q is None or (q and mine.exclude(q).exists()):
                        raise PermissionDenied("无权导入其中部分企业的数据。")
                    aggregates.refresh(sorted(out.periods))
            finally:
                stage.drop()

    def rollback(self, batch):
        from chainchief.monitoring import aggregates

        Stat = self.model
        mine = Stat.objects.filter(import_batch=batch.pk)
        touched = mine.count()
        later = mine.filter(updated_at__gt=batch.committed_at).count()
        if touched != batch.new_count + batch.updated_count or later:
            changed = (batch.new_count + batch.updated_count - touched) + later
            raise ValidationError(f"该批次导入后已有 {changed} 行被再次修改（其后的导入或手工录入），无法撤销；"
                                  "请先撤销其后的批次。")
        periods = set(mine.values_list("period", flat=True).distinct())
        updated_ids = ImportRowChange.objects.filter(batch=batch, model=Stat._meta.label_lower)
        mine.exclude(pk__in=updated_ids.values("object_id")).delete()
        now = timezone.now()
        table = connection.ops.quote_name(Stat._meta.db_table)
        cols = list(FIGURES) + ["import_batch", "updated_by_id"]
        sql = (f"UPDATE {table} SET " + ", ".join(f"{connection.ops.quote_name(c)} = %s" for c in cols)
               + ", updated_at = %s, version = version + 1 WHERE id = %s")
        adapt_dt = connection.ops.adapt_datetimefield_value
        params = []
        with connection.cursor() as cur:
            for change in updated_ids.iterator(chunk_size=5000):
                b = change.before or {}
                vals = [_dec(b.get(c)) if c not in ("employees", "import_batch", "updated_by_id") else b.get(c)
                        for c in cols]
                params.append([*vals, adapt_dt(now), change.object_id])
                if len(params) >= 5000:
                    cur.executemany(sql, params)
                    params = []
            if params:
                cur.executemany(sql, params)
        aggregates.refresh(sorted(periods))


def _figure(v, factor, unit, is_int):
    """A figure cell in 万元 (or a head count): the fast path for plain numbers, parse_decimal for the rest."""
    t = type(v)
    if t is str:
        try:
            d = Decimal(v)
        except InvalidOperation:
            d = None
        if d is None or not d.is_finite():
            d = parse_decimal(v, unit)
            if d is None:
                return None
            factor = None
    elif t is float:
        d = Decimal(repr(v))
    elif t is int:
        d = Decimal(v)
    else:
        d = parse_decimal(v, unit)
        if d is None:
            return None
        factor = None
    if factor is not None:
        d = d * factor
    if is_int:
        if d != d.to_integral_value():
            raise CellError("从业人员应为整数。")
        return int(d)
    return d.quantize(CENT, ROUND_HALF_UP)


def name_values_all_none(values):
    for v in values:
        if v is not None:
            return False
    return True


def _dec(value):
    if value is None:
        return None
    return str(Decimal(str(value)).quantize(CENT, ROUND_HALF_UP))


def _distinct_rows(out):
    rows = {e["row"] for e in out.errors}
    return max(out.error_rows, len(rows)) if out.truncated else len(rows)


class Stage:
    """A temporary table of parsed rows: filled with COPY on PostgreSQL and executemany elsewhere, then
    compared with and written into monitoring_monthlystat by a few set-based statements."""

    NAME = "imports_stage"

    def __init__(self, conn):
        self.conn = conn
        self.pg = conn.vendor == "postgresql"
        self.cur = conn.cursor()
        self.cur.execute(f"DROP TABLE IF EXISTS {self.NAME}")
        money = "numeric(18,2)" if self.pg else "decimal"
        ent_type = "bigint" if self.pg else "integer"
        self.cur.execute(
            f"CREATE TEMPORARY TABLE {self.NAME} (row_no integer, enterprise_id {ent_type}, period date, "
            f"revenue {money}, gross_output {money}, profit {money}, tax {money}, rd_spend {money}, "
            f"employees integer)")
        self.stat = conn.ops.quote_name(_stat_table())
        self.loaded = 0

    def load(self, rows):
        self.loaded += len(rows)
        if self.pg:
            buf = []
            for r in rows:
                buf.append("\t".join("\\N" if v is None else str(v) for v in r))
            data = ("\n".join(buf) + "\n").encode()
            with self.cur.cursor.copy(f"COPY {self.NAME} FROM STDIN") as copy:
                copy.write(data)
        else:
            conv = [(r[0], r[1], r[2], *(None if v is None else str(v) for v in r[3:8]), r[8]) for r in rows]
            self.cur.executemany(f"INSERT INTO {self.NAME} VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)", conv)

    def finish(self):
        self.cur.execute(f"CREATE INDEX {self.NAME}_key ON {self.NAME} (enterprise_id, period)")
        if self.pg:
            self.cur.execute(f"ANALYZE {self.NAME}")

    def duplicates(self, limit):
        self.cur.execute(
            f"SELECT s.row_no, d.first FROM {self.NAME} s JOIN (SELECT enterprise_id, period, MIN(row_no) AS first "
            f"FROM {self.NAME} GROUP BY enterprise_id, period HAVING COUNT(*) > 1) d "
            f"ON s.enterprise_id = d.enterprise_id AND s.period = d.period AND s.row_no > d.first "
            f"ORDER BY s.row_no LIMIT {int(limit)}")
        return self.cur.fetchall()

    def duplicate_count(self):
        self.cur.execute(f"SELECT COUNT(*) - COUNT(DISTINCT enterprise_id || '-' || period) FROM {self.NAME}"
                         if not self.pg else
                         f"SELECT COUNT(*) - (SELECT COUNT(*) FROM (SELECT DISTINCT enterprise_id, period "
                         f"FROM {self.NAME}) x) FROM {self.NAME}")
        return self.cur.fetchone()[0]

    def _differs(self, figures):
        op = "IS DISTINCT FROM" if self.pg else "IS NOT"
        return "(" + " OR ".join(f"(s.{f} IS NOT NULL AND m.{f} {op} s.{f})" for f in figures) + ")"

    def _join(self):
        return f"m.enterprise_id = s.enterprise_id AND m.period = s.period"

    def counts(self, figures):
        self.cur.execute(f"SELECT COUNT(*) FROM {self.NAME} s WHERE NOT EXISTS "
                         f"(SELECT 1 FROM {self.stat} m WHERE {self._join()})")
        new = self.cur.fetchone()[0]
        self.cur.execute(f"SELECT COUNT(*) FROM {self.NAME} s JOIN {self.stat} m ON {self._join()} "
                         f"WHERE {self._differs(figures)}")
        changed = self.cur.fetchone()[0]
        return new, changed, self.loaded

    def periods(self):
        self.cur.execute(f"SELECT DISTINCT period FROM {self.NAME}")
        out = []
        for (p,) in self.cur.fetchall():
            out.append(p if isinstance(p, date) else date.fromisoformat(str(p)[:10]))
        return out

    def preview(self, figures, limit):
        from chainchief.enterprises.models import Enterprise

        ent = self.conn.ops.quote_name(Enterprise._meta.db_table)
        cols = ", ".join(f"s.{f}" for f in FIGURES)
        self.cur.execute(
            f"SELECT s.row_no, e.uscc, e.name, s.period, {cols}, "
            f"CASE WHEN m.id IS NULL THEN 'new' WHEN {self._differs(figures)} THEN 'updated' ELSE 'unchanged' END "
            f"FROM (SELECT * FROM {self.NAME} ORDER BY row_no LIMIT {int(limit)}) s "
            f"JOIN {ent} e ON e.id = s.enterprise_id "
            f"LEFT JOIN {self.stat} m ON {self._join()} ORDER BY s.row_no")
        rows = []
        for r in self.cur.fetchall():
            p = r[3] if isinstance(r[3], date) else date.fromisoformat(str(r[3])[:10])
            item = {"row": r[0], "uscc": r[1], "name": r[2], "period": f"{p:%Y-%m}", "action": r[-1]}
            for i, f in enumerate(FIGURES):
                v = r[4 + i]
                item[f] = None if v is None else (int(v) if f == "employees" else str(_dec(v)))
            rows.append(item)
        return rows

    def write_updates(self, batch_id, user_id, figures, now):
        from chainchief.imports.models import ImportRowChange

        changes = self.conn.ops.quote_name(ImportRowChange._meta.db_table)
        label = _stat_label()
        keys = list(FIGURES) + ["import_batch", "updated_by_id", "version"]
        if self.pg:
            obj = "json_build_object(" + ", ".join(f"'{k}', m.{k}" for k in keys) + ")::jsonb"
        else:
            obj = "json_object(" + ", ".join(f"'{k}', m.{k}" for k in keys) + ")"
        self.cur.execute(
            f"INSERT INTO {changes} (batch_id, model, object_id, action, row, before, after) "
            f"SELECT %s, %s, m.id, 'update', s.row_no, {obj}, NULL FROM {self.NAME} s "
            f"JOIN {self.stat} m ON {self._join()} WHERE {self._differs(figures)}", [batch_id, label])
        sets = ", ".join(f"{f} = COALESCE(s.{f}, m.{f})" if self.pg else
                         f"{f} = COALESCE(s.{f}, {self.stat}.{f})" for f in FIGURES)
        ts = self.conn.ops.adapt_datetimefield_value(now)
        if self.pg:
            self.cur.execute(
                f"UPDATE {self.stat} AS m SET {sets}, version = m.version + 1, updated_at = %s, "
                f"updated_by_id = %s, import_batch = %s FROM {self.NAME} s "
                f"WHERE {self._join()} AND {self._differs(figures)}", [ts, user_id, batch_id])
        else:
            differs = self._differs(figures).replace("m.", f"{self.stat}.")
            join = self._join().replace("m.", f"{self.stat}.")
            self.cur.execute(
                f"UPDATE {self.stat} SET {sets}, version = version + 1, updated_at = %s, updated_by_id = %s, "
                f"import_batch = %s FROM {self.NAME} s WHERE {join} AND {differs}", [ts, user_id, batch_id])
        return self.cur.rowcount

    def write_inserts(self, batch_id, user_id, now):
        ts = self.conn.ops.adapt_datetimefield_value(now)
        cols = ", ".join(FIGURES)
        scols = ", ".join(f"s.{f}" for f in FIGURES)
        self.cur.execute(
            f"INSERT INTO {self.stat} (enterprise_id, period, {cols}, import_batch, version, created_at, updated_at, "
            f"created_by_id, updated_by_id) SELECT s.enterprise_id, s.period, {scols}, %s, 1, %s, %s, %s, %s "
            f"FROM {self.NAME} s WHERE NOT EXISTS (SELECT 1 FROM {self.stat} m WHERE {self._join()})",
            [batch_id, ts, ts, user_id, user_id])
        return self.cur.rowcount

    def drop(self):
        try:
            self.cur.execute(f"DROP TABLE IF EXISTS {self.NAME}")
        finally:
            self.cur.close()


def _stat_table():
    from chainchief.monitoring.models import MonthlyStat

    return MonthlyStat._meta.db_table


def _stat_label():
    from chainchief.monitoring.models import MonthlyStat

    return MonthlyStat._meta.label_lower


# --------------------------------------------------------------------------------------------------------------
# Segment placements (the chain map)
# --------------------------------------------------------------------------------------------------------------

class Placements(Kind):
    key = "placements"
    label = "环节企业"
    required_any = (("uscc", "name"),)
    instructions = ("填写说明：第 3 行起每行把一家企业放到一个产业链环节上。企业须已是该产业链成员；"
                    "按 产业链 + 环节 + 企业 匹配，已存在的只更新说明。")

    def __init__(self):
        from chainchief.chains.models import SegmentPlacement

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
        from chainchief.chains.models import Segment, SegmentPlacement
        from chainchief.enterprises.models import Membership

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
                        writer.create(p, row)
                        if not can(user, ADD, p):
                            raise PermissionDenied("无权在该产业链放置企业。")
                        action = "new"
                    elif note is not None and p.note != note:
                        if not can(user, CHANGE, p):
                            raise PermissionDenied("无权修改该环节企业。")
                        writer.update(p, {"note": note}, row)
                        action = "updated"
                    else:
                        action = "unchanged"
            except (ValidationError, PermissionDenied, IntegrityError) as exc:
                msgs = _messages(exc, self.labels) if isinstance(exc, ValidationError) else [("", str(exc))]
                for col, msg in msgs:
                    out.error(row, col, None, msg)
                writer.changes = [c for c in writer.changes if c.row != row]
                continue
            setattr(out, action, getattr(out, action) + 1)
            if len(out.preview) < PREVIEW_ROWS:
                out.preview.append({"row": row, "action": action, "chain": chain.name, "segment": segment.name,
                                    "name": index.info[ent_id][0]})
        writer.flush()


# --------------------------------------------------------------------------------------------------------------
# Segments (the chain map's tree)
# --------------------------------------------------------------------------------------------------------------

STAGE_WORDS = {"上游": "upstream", "中游": "midstream", "下游": "downstream", "upstream": "upstream",
               "midstream": "midstream", "downstream": "downstream"}


class Segments(Kind):
    key = "segments"
    label = "产业链环节"
    instructions = ("填写说明：第 3 行起每行一个环节。按 产业链 + 环节名称 匹配，已存在的环节更新其余各列，空白单元格不修改"
                    "原值。环节位置填 上游 / 中游 / 下游（新环节必填；有上级环节时可不填，随上级）。上级环节须属同一产业链、"
                    "同一位置，可以是本表其他行的环节。")

    def __init__(self):
        from chainchief.chains.models import Segment

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
        from chainchief.chains.models import Segment

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
                    item["data"][name_] = _parse_cell(self._column(name_), values[name_], None)
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
        from chainchief.chains.models import Segment

        for child in Segment.objects.filter(parent=seg):
            writer.update(child, {"stage": seg.stage}, row)
            existing[(child.chain_id, normalise_name(child.name))] = child
            Segments._restage_below(child, writer, existing, row)

    def _write(self, item, existing, writer, out, where, user, failed):
        from chainchief.chains.models import Segment

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
                    writer.create(seg, row)
                    if not can(user, ADD, seg):  # decided on the saved row; the savepoint undoes it
                        raise PermissionDenied(f"无权在产业链“{item['chain'].name}”中新增环节。")
                    action = "new"
                else:
                    changed = _changed(seg, data)
                    if changed:
                        if not can(user, CHANGE, seg):
                            raise PermissionDenied(f"无权修改产业链“{item['chain'].name}”的环节。")
                        writer.update(seg, changed, row)
                        if "stage" in changed:  # the segments below move along, as on the map
                            self._restage_below(seg, writer, existing, row)
                        action = "updated"
                    else:
                        action = "unchanged"
        except (ValidationError, PermissionDenied, IntegrityError) as exc:
            if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):  # named by the sheet's column
                for field, msgs in exc.message_dict.items():
                    for msg in msgs:
                        out.error(row, where.get(field, self.labels.get(field, "")), item["values"].get(field), msg)
            else:
                for col, msg in _messages(exc, self.labels) if isinstance(exc, ValidationError) else [("", str(exc))]:
                    out.error(row, col, None, msg)
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


def _placements_available():
    try:
        from chainchief.chains.models import SegmentPlacement  # noqa: F401
    except ImportError:
        return False
    return True


def registry():
    kinds = {"enterprises": Enterprises(), "monthly_stats": MonthlyStats()}
    if _placements_available():
        kinds["segments"] = Segments()
        kinds["placements"] = Placements()
    return kinds


def get(key):
    kinds = registry()
    if key not in kinds:
        raise ValidationError({"kind": f"未知的导入类型“{key}”，可选：{'、'.join(kinds)}。"})
    return kinds[key]


def rollback_orm(batch):
    """Undo what an ORM kind's batch wrote, newest first: delete what it created, restore what it changed."""
    from django.apps import apps

    changes = list(batch.changes.order_by("-id"))
    conflicts = []
    for c in changes:
        model = apps.get_model(c.model)
        obj = model._default_manager.filter(pk=c.object_id).first()
        expected = (c.after or {}).get("version")
        if obj is not None and expected is not None and getattr(obj, "version", expected) != expected:
            conflicts.append(str(obj))
    if conflicts:
        raise ValidationError(f"该批次导入后以下数据已被再次修改，无法撤销：{'、'.join(conflicts[:5])}"
                              f"{' 等' if len(conflicts) > 5 else ''}。")
    for c in changes:
        model = apps.get_model(c.model)
        obj = model._default_manager.filter(pk=c.object_id).first()
        if obj is None:
            continue
        if c.action == ImportRowChange.CREATE:
            try:
                with transaction.atomic():
                    obj.delete()
            except (ProtectedError, RestrictedError) as exc:  # used since: e.g. a segment that now has enterprises
                used = sorted({str(o._meta.verbose_name) for o in exc.args[1]})
                raise ValidationError(f"无法撤销：本批次新增的“{obj}”已被{'、'.join(used)}引用，请先解除引用。") from exc
        else:
            fields = {f.attname: f for f in model._meta.concrete_fields}
            for name, value in (c.before or {}).items():
                if name in fields and name != "version":
                    setattr(obj, name, fields[name].to_python(value))
            obj.version += 1
            obj.save()

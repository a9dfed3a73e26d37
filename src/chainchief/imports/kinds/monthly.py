"""Monthly statistics (月度统计): bulk, chunked, written by SQL through a staging table (imports.bulk for large
sheets)."""
import re
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone

from chainchief.analytics.periods import Period
from chainchief.core.permissions import ADD, CHANGE, rebase_q, scope_q
from chainchief.imports import bulk
from chainchief.imports.fields import (FIGURES, MONEY_UNITS, NON_NEGATIVE, PREVIEW_ROWS, CellError, Column,
                                       figure_text, is_empty, parse_figure, reportable_period, text)
from chainchief.imports.kinds.base import NAME, USCC, Kind
from chainchief.imports.matching import EnterpriseIndex
from chainchief.imports.models import ImportBatch, ImportRowChange
from chainchief.imports.table import is_blank, is_total
from chainchief.monitoring import validation


LIMIT = validation.MONEY_LIMIT
INT_MAX = validation.EMPLOYEES_MAX
_PLAIN = re.compile(r"-?[0-9]{1,16}(?:\.[0-9]{1,2})?\Z").match
_PLAIN_INT = re.compile(r"[0-9]{1,9}\Z").match
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
            problem = validation.period_problem(Period.of(default_period))
            if problem:
                from chainchief.imports.readers import FileError

                raise FileError(f"表格标题中的期间为 {default_period.year} 年 {default_period.month} 月：{problem}")
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
                    period = reportable_period(praw, yraw)
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
                    # a plain number within the column's digits goes to the database as written; only its sign
                    # can break a rule
                    problem = validation.figure_problem(name, Decimal(v)) if v[0] == "-" else None
                    if problem:
                        out.error(row, col, v, problem)
                        bad = True
                    else:
                        values[i] = v
                    continue
                try:
                    d = parse_figure(v, factor, unit, i == 5)
                    if d is None:
                        continue
                    problem = validation.figure_problem(name, d)
                    if problem:
                        raise CellError(problem)
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
                vals = [figure_text(b.get(c)) if c not in ("employees", "import_batch", "updated_by_id") else b.get(c)
                        for c in cols]
                params.append([*vals, adapt_dt(now), change.object_id])
                if len(params) >= 5000:
                    cur.executemany(sql, params)
                    params = []
            if params:
                cur.executemany(sql, params)
        aggregates.refresh(sorted(periods))


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
                item[f] = None if v is None else (int(v) if f == "employees" else str(figure_text(v)))
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


def name_values_all_none(values):
    for v in values:
        if v is not None:
            return False
    return True


def _distinct_rows(out):
    rows = {e["row"] for e in out.errors}
    return max(out.error_rows, len(rows)) if out.truncated else len(rows)

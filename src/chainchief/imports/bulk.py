"""Monthly statistics on PostgreSQL, set-based.

The sheet's rows go as text, unparsed, into a temporary table through COPY while the file is read (a chunk at a
time: memory does not grow with the file). A workbook already held as Arrow columns is staged by Arrow's compute
functions, a slice at a time, with no Python loop over its rows. Everything else is a handful of statements over
that table:

* USCCs and enterprise names are checked on their DISTINCT values in Python (checksum, name matching,
  permissions) and joined back; periods likewise (“2021年1-6月”, “1-2月” with a year column …);
* figures are cast in SQL with the header's unit factor; only values that are not plain numbers (“1,234.5”,
  full-width digits, “-”, “1.5亿元”) go through the Python parser, again once per distinct value;
* a row is faulty when any of that failed; the faulty rows (at most MAX_ERRORS of them) are then read back and
  checked by the same per-row code the SQLite path uses, so that every error has its sheet row, column, value
  and message exactly as there;
* duplicates, the new / updated / unchanged counts and the preview are queries; the commit is one
  INSERT … ON CONFLICT (enterprise_id, period) DO UPDATE … WHERE the values differ, after the values it
  overwrites have been kept for a rollback.
"""
import operator
import re
from datetime import date, datetime, time as dtime

import pyarrow as pa
import pyarrow.compute as pc
from django.core.exceptions import PermissionDenied
from django.db import DataError, connection, transaction
from django.utils import timezone

from chainchief.core.permissions import CHANGE, scope_q
from chainchief.imports.fields import (FIGURES, PREVIEW_ROWS, CellError, figure_text, is_empty, normalise_name,
                                       parse_figure, reportable_period)
from chainchief.imports.models import ImportBatch, ImportRowChange
from chainchief.imports.table import TOTAL_WORDS, is_blank, is_total
from chainchief.monitoring import validation

RAW, KEYS, PERIODS, ODD, TYPED = "imports_raw", "imports_keys", "imports_periods", "imports_odd", "imports_typed"
PLAIN = r"^-?[0-9]+(\.[0-9]*)?$"
INT_MAX = validation.EMPLOYEES_MAX
MONEY_LIMIT = validation.MONEY_LIMIT
OK, BAD, PENDING = 0, 1, 2
PROGRESS_EVERY = 20_000
COLUMN_SLICE = 50_000  # Arrow rows staged at a time
SPECIAL = re.compile(r"[\\\n\r]")  # besides the tab: what COPY's text format escapes
ESCAPE = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
# A key shorter than this is no USCC: the row is matched by name (covers "", "-", "无", "N/A" …).
SHORT_KEY = 6


class NullStage:
    """parse() writes its clean rows here when it only re-checks faulty rows: they are already staged."""

    loaded = 0

    def load(self, rows):
        pass


def cell_text(value):
    """A cell as the text the staging table keeps; numbers as written, dates as the month they name."""
    t = type(value)
    if t is str:
        return value
    if value is None:
        return ""
    if t is float:
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime) or isinstance(value, date):
        return f"{value.year:04d}-{value.month:02d}"
    if isinstance(value, dtime):
        return value.isoformat()
    return str(value)


class MonthlyBulk:
    def __init__(self, kind, ctx, index, allowed):
        self.kind, self.ctx, self.index, self.allowed = kind, ctx, index, allowed
        self.out = ctx.out
        self.pos, self.where, self.figs, self.default_period = kind.layout(ctx)
        # staged columns: (column name in the staging table, sheet column index)
        self.cols = [(f"c_{name}", self.pos[name]) for name in ("uscc", "name", "period", "year")
                     if self.pos[name] is not None]
        self.cols += [(f"f{i}", ci) for i, ci, *_ in self.figs]
        self.have = {c for c, _ in self.cols}
        self.cur = connection.cursor()

    # -- helpers -----------------------------------------------------------------------------------------------
    def x(self, sql, params=None):
        self.cur.execute(sql, params)
        return self.cur

    def col(self, name, default="''"):
        return f"r.{name}" if name in self.have else default

    def key_name(self):
        return f"CASE WHEN length({self.col('c_uscc')}) < {SHORT_KEY} THEN {self.col('c_name')} ELSE '' END"

    def copy_rows(self, table, columns, rows):
        with self.cur.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for r in rows:
                copy.write_row(r)

    def stage_copy(self, names):
        return self.cur.cursor.copy(f"COPY {RAW} (row_no, total, {', '.join(names)}) FROM STDIN")

    def drop(self):
        for t in (TYPED, ODD, PERIODS, KEYS, RAW):
            self.cur.execute(f"DROP TABLE IF EXISTS {t}")

    # -- the run -----------------------------------------------------------------------------------------------
    def run(self):
        try:
            self.drop()
            self.x("SET LOCAL work_mem = '128MB'")
            self.stage()
            self.resolve_keys()
            self.resolve_periods()
            self.build()
            self.check()
            self.summarise()
            if self.ctx.write and self.out.ok:
                self.write()
        finally:
            try:
                self.drop()
            finally:
                self.cur.close()

    def stage(self):
        """COPY the mapped cells of every non-blank row, as text, with the sheet row number."""
        names = [c for c, _ in self.cols]
        self.x(f"CREATE TEMPORARY TABLE {RAW} (row_no integer, total boolean, "
               + ", ".join(f"{c} text" for c in names) + ")")
        if self.ctx.columns is not None:
            self.stage_columns(names)
            return
        idx = [ci for _, ci in self.cols]
        width = max(idx) + 1
        get = operator.itemgetter(*idx)
        single = len(idx) == 1
        progress, n = self.ctx.progress, 0
        text_only = self.ctx.all_text
        tabs = len(idx) - 1
        special = SPECIAL.search
        buf = []
        with self.stage_copy(names) as copy:
            # COPY's text format written by hand, a few thousand rows per write: several times faster than
            # handing psycopg one row at a time. Cells holding a tab, a line break or a backslash are escaped.
            for row, cells in self.ctx.data:
                c0 = cells[0] if cells else None
                total = "f"
                # cheap test first: a USCC in column A is no total (nor a long run of spaces: a blank cell)
                if type(c0) is not str or len(c0) <= 16 or len(c0.replace(" ", "").strip()) <= 16:
                    if is_blank(cells):
                        continue
                    total = "t" if is_total(cells) else "f"
                if len(cells) < width:
                    cells = list(cells) + [""] * (width - len(cells))
                vals = get(cells)
                if single:
                    vals = (vals,)
                if not text_only:
                    vals = [v if type(v) is str else cell_text(v) for v in vals]
                line = "\t".join(vals)
                if line.count("\t") != tabs or special(line):
                    line = "\t".join(v.translate(ESCAPE) for v in vals)
                buf.append(f"{row}\t{total}\t{line}\n")
                n += 1
                if n % PROGRESS_EVERY == 0:
                    copy.write("".join(buf))
                    buf.clear()
                    progress.tick(n)
            if buf:
                copy.write("".join(buf))
        progress.tick(n)

    def stage_columns(self, names):
        """stage() for a sheet held as Arrow columns: the same rows, flags and text, computed a slice at a time by
        Arrow's compute functions and written to COPY as the string buffer they produce."""
        sheet, progress, n = self.ctx.columns, self.ctx.progress, 0
        table = sheet.table
        first = self.ctx.header.rows[-1]  # table index of the first row below the header
        totals = pa.array(sorted(TOTAL_WORDS))
        with self.stage_copy(names) as copy:
            for start in range(first, table.num_rows, COLUMN_SLICE):
                length = min(COLUMN_SLICE, table.num_rows - start)
                blank, lead = None, None  # a row with no text at all; the first non-empty cell of each row
                for j in range(table.num_columns):
                    cell = pc.utf8_trim_whitespace(sheet.column(sheet.first + j, start, length))
                    empty = pc.equal(cell, "")
                    blank = empty if blank is None else pc.and_(blank, empty)
                    lead = pc.if_else(empty, pa.nulls(length, pa.string()), cell) if lead is None else \
                        pc.if_else(pc.and_(pc.is_null(lead), pc.invert(empty)), cell, lead)
                words = pc.replace_substring(pc.utf8_normalize(pc.fill_null(lead, ""), "NFKC"), " ", "")
                total = pc.if_else(pc.is_in(words, value_set=totals), "t", "f")
                row_no = pc.cast(pa.array(range(start + 1, start + 1 + length), pa.int32()), pa.string())
                parts = [row_no, total]
                for _, ci in self.cols:
                    cell = sheet.column(ci, start, length)
                    if pc.any(pc.match_substring_regex(cell, r"[\\\t\n\r]")).as_py():
                        for raw, escaped in (("\\", "\\\\"), ("\t", "\\t"), ("\n", "\\n"), ("\r", "\\r")):
                            cell = pc.replace_substring(cell, raw, escaped)
                    parts.append(cell)
                parts[-1] = pc.binary_join_element_wise(parts[-1], "\n", "")
                lines = pc.filter(pc.binary_join_element_wise(*parts, "\t"), pc.invert(blank))
                if isinstance(lines, pa.ChunkedArray):
                    lines = lines.combine_chunks()
                if len(lines):
                    offsets = memoryview(lines.buffers()[1]).cast("i")  # int32 offsets into the data buffer
                    begin, end = offsets[lines.offset], offsets[lines.offset + len(lines)]
                    copy.write(memoryview(lines.buffers()[2])[begin:end])
                n += len(lines)
                progress.tick(n)

    def resolve_keys(self):
        """Each distinct (USCC, name) once in Python: checksum, enterprise, permission, name match."""
        out, index, allowed = self.out, self.index, self.allowed
        from chainchief.enterprises.models import Enterprise

        # A code stored as an enterprise's USCC is a valid one: only the others are checked in Python.
        ent_table = connection.ops.quote_name(Enterprise._meta.db_table)
        pairs = self.x(f"SELECT d.code, d.name, e.id FROM (SELECT DISTINCT {self.col('c_uscc')} AS code, "
                       f"{self.key_name()} AS name FROM {RAW} r) d LEFT JOIN {ent_table} e ON e.uscc = d.code"
                       ).fetchall()
        keys = []
        for code_raw, name_raw, stored in pairs:
            ent, state = None, BAD
            if stored is not None:
                ent, state = stored, OK
            elif code_raw and not is_empty(code_raw):
                _, ent, err = index.code(code_raw)
                state = BAD if err or ent is None else OK
            elif name_raw and not is_empty(name_raw):
                ent, candidates = index.name(name_raw)
                if ent is not None:
                    state = OK
                elif candidates and normalise_name(name_raw) not in out.rejected:
                    state = PENDING
            if state == OK and allowed is not None and ent not in allowed:
                state = BAD
            keys.append((code_raw, name_raw, ent, state))
        self.x(f"CREATE TEMPORARY TABLE {KEYS} (uscc text, name text, ent bigint, state smallint)")
        self.copy_rows(KEYS, ("uscc", "name", "ent", "state"), keys)
        self.x(f"ANALYZE {KEYS}")

    def resolve_periods(self):
        self.x(f"CREATE TEMPORARY TABLE {PERIODS} (praw text, yraw text, period date, ok boolean)")
        if "c_period" not in self.have:
            self.periods = [self.default_period]
            return
        rows, ok = [], []
        for praw, yraw in self.x(f"SELECT DISTINCT r.c_period, {self.col('c_year')} FROM {RAW} r").fetchall():
            period = reportable_period(praw, yraw)  # the per-row code's own reading, the reporting rule included
            if isinstance(period, CellError):
                period = None
            rows.append((praw, yraw, period, period is not None))
            if period is not None:
                ok.append(period)
        self.copy_rows(PERIODS, ("praw", "yraw", "period", "ok"), rows)
        self.x(f"ANALYZE {PERIODS}")
        self.periods = sorted(set(ok))

    def figure_exprs(self, odd):
        """(typed expression, fault expression) per figure column; ``odd``: columns with non-plain values."""
        exprs, faults = {}, []
        for i, _ci, name, factor, _unit, nonneg, _where in self.figs:
            c = f"r.f{i}"
            if i == 5:  # a head count
                plain = f"NULLIF({c}, '')::numeric"
            elif factor is not None:
                plain = f"round(NULLIF({c}, '')::numeric * {factor}, 2)"
            else:
                plain = f"round(NULLIF({c}, '')::numeric, 2)"
            if i in odd:
                expr = f"CASE WHEN o{i}.raw IS NOT NULL THEN o{i}.val ELSE {plain} END"
                faults.append(f"COALESCE(o{i}.err, false)")
            else:
                expr = plain
            exprs[i] = expr
        return exprs, faults

    def build(self):
        """The typed table: one row per staged row with its enterprise, period, figures and whether it is faulty.

        Optimistic first (every figure a number PostgreSQL reads as such); when a cast fails, the values that are
        not plain numbers are parsed in Python, once each, and the table is built again with them."""
        try:
            with transaction.atomic():
                self._build(set())
            return
        except DataError:
            pass
        self._build(self.parse_odd())

    def parse_odd(self):

        self.x(f"CREATE TEMPORARY TABLE {ODD} (col smallint, raw text, val numeric, err boolean)")
        odd, rows = set(), []
        for i, _ci, _name, factor, unit, _nonneg, _where in self.figs:
            values = self.x(f"SELECT DISTINCT f{i} FROM {RAW} WHERE f{i} <> '' AND f{i} !~ %s", [PLAIN]).fetchall()
            for (raw,) in values:
                odd.add(i)
                try:  # the per-row code's own reading of a figure, unit conversion included
                    val, err = parse_figure(raw, factor, unit, i == 5), False
                except CellError:
                    val, err = None, True
                rows.append((i, raw, val, err))
        if rows:
            self.copy_rows(ODD, ("col", "raw", "val", "err"), rows)
            self.x(f"ANALYZE {ODD}")
        return odd

    def _build(self, odd):
        self.x(f"DROP TABLE IF EXISTS {TYPED}")
        exprs, faults = self.figure_exprs(odd)
        values = ", ".join(f"{exprs[i]} AS f{i}" for i in sorted(exprs))
        joins = "".join(f" LEFT JOIN {ODD} o{i} ON o{i}.col = {i} AND o{i}.raw = r.f{i}" for i in sorted(odd))
        if "c_period" in self.have:
            period, pok = "p.period", "COALESCE(p.ok, false)"
            joins += (f" LEFT JOIN {PERIODS} p ON p.praw = r.c_period AND p.yraw = {self.col('c_year')}")
        else:
            period, pok = "%s::date", "true"
        # a row is faulty when its key, period or any figure is
        checks = []
        for i, _ci, _name, _factor, _unit, nonneg, _where in self.figs:
            f = f"f{i}"
            if i == 5:
                checks.append(f"({f} IS NOT NULL AND ({f} < 0 OR {f} > {INT_MAX} OR {f} <> trunc({f})))")
            else:
                checks.append(f"({f} IS NOT NULL AND (abs({f}) >= {MONEY_LIMIT}" + (f" OR {f} < 0" if nonneg else "")
                              + "))")
        empty = " AND ".join(f"f{i} IS NULL" for i, *_ in self.figs)
        bad = f"(state = {BAD} OR NOT pok OR oddbad OR {' OR '.join(checks)} OR ({empty}))"
        # OFFSET 0 keeps the subquery apart: each figure is computed once, not again inside ``bad``
        sql = (f"CREATE TEMPORARY TABLE {TYPED} AS SELECT q.*, {bad} AS bad FROM (SELECT r.row_no, "
               f"k.ent AS enterprise_id, COALESCE(k.state, {BAD}) AS state, {period} AS period, {pok} AS pok, "
               f"{'(' + ' OR '.join(faults) + ')' if faults else 'false'} AS oddbad, {values} "
               f"FROM {RAW} r LEFT JOIN {KEYS} k ON k.uscc = {self.col('c_uscc')} AND k.name = {self.key_name()}"
               f"{joins} WHERE NOT (r.total AND COALESCE(k.state, {BAD}) <> {OK}) OFFSET 0) q")
        self.x(sql, [self.default_period] if "c_period" not in self.have else None)
        # How many distinct (enterprise, period) pairs there are: without it the planner multiplies the columns'
        # own counts wrongly and probes the stored rows one by one through a cache that never hits.
        self.x(f"CREATE STATISTICS pg_temp.{TYPED}_pairs (ndistinct) ON enterprise_id, period FROM {TYPED}")
        self.x(f"ANALYZE {TYPED} (row_no, enterprise_id, period, state, bad)")  # the figures are never filtered on

    def check(self):
        """Counts of faulty rows in SQL; messages for the first of them from the per-row code."""
        out = self.out
        total, bad, pending, self.good_count = self.x(
            f"SELECT count(*), count(*) FILTER (WHERE bad), count(*) FILTER (WHERE state = {PENDING}), "
            f"count(*) FILTER (WHERE {self.good()}) FROM {TYPED} s").fetchone()
        out.total = total
        if bad or pending:
            limit = ImportBatch.MAX_ERRORS
            names = [c for c, _ in self.cols]
            width = max(ci for _, ci in self.cols) + 1
            rows = self.x(
                f"SELECT r.row_no, {', '.join('r.' + n for n in names)} FROM {RAW} r JOIN ("
                f"(SELECT row_no FROM {TYPED} WHERE bad ORDER BY row_no LIMIT {limit}) UNION "
                f"(SELECT row_no FROM {TYPED} WHERE state = {PENDING} ORDER BY row_no LIMIT {limit})) b "
                f"USING (row_no) ORDER BY r.row_no").fetchall()
            faulty = set(r[0] for r in self.x(
                f"SELECT row_no FROM {TYPED} WHERE bad ORDER BY row_no LIMIT {limit}").fetchall())

            def cells():
                for r in rows:
                    c = [""] * width
                    for (_, ci), v in zip(self.cols, r[1:]):
                        c[ci] = v
                    yield r[0], c

            self.kind.parse(self.ctx, NullStage(), self.index, self.allowed, rows=cells())
            reported = {e["row"] for e in out.errors}
            for row in sorted(faulty - reported):  # a fault the per-row code does not name
                out.error(row, "", None, "该行数据无法导入。")
            out.total = total
            out.errors.sort(key=lambda e: e["row"])
            if bad > len(faulty):
                out.truncated = True
        dup_rows = self.duplicates()
        out.error_rows = bad + dup_rows

    def good(self, alias="s"):
        return f"{alias}.bad IS NOT TRUE AND {alias}.state = {OK}"

    def duplicates(self):
        (count,) = self.x(f"SELECT COALESCE(sum(n - 1), 0) FROM (SELECT count(*) AS n FROM {TYPED} s "
                          f"WHERE {self.good()} GROUP BY enterprise_id, period HAVING count(*) > 1) d").fetchone()
        if count:
            self.dups = int(count)
            for row, first in self.x(
                    f"SELECT s.row_no, d.first FROM {TYPED} s JOIN (SELECT enterprise_id, period, "
                    f"MIN(row_no) AS first FROM {TYPED} s WHERE {self.good()} GROUP BY enterprise_id, period "
                    f"HAVING COUNT(*) > 1) d ON s.enterprise_id = d.enterprise_id AND s.period = d.period "
                    f"AND s.row_no > d.first WHERE {self.good()} ORDER BY s.row_no "
                    f"LIMIT {ImportBatch.MAX_ERRORS}").fetchall():
                self.out.error(row, "", None, f"与第 {first} 行重复（同一企业、同一期间）。")
            if count > ImportBatch.MAX_ERRORS:
                self.out.truncated = True
        else:
            self.dups = 0
        return int(count)

    # -- counts, preview, write --------------------------------------------------------------------------------
    def stat(self):
        from chainchief.monitoring.models import MonthlyStat

        return connection.ops.quote_name(MonthlyStat._meta.db_table)

    def period_range(self):
        """(first, last) of the sheet's valid periods, or None when it names none."""
        known = [p for p in self.periods if p is not None]
        return (min(known), max(known)) if known else None

    def same(self, new="s", old="m"):
        """The stored row of a staged one; the explicit period range lets the planner read only the periods the
        sheet names (an index range) instead of the whole table."""
        lo, hi = self.period_range() or (date(1, 1, 1), date(1, 1, 1))
        return (f"{old}.enterprise_id = {new}.enterprise_id AND {old}.period = {new}.period "
                f"AND {old}.period BETWEEN '{lo.isoformat()}' AND '{hi.isoformat()}'")

    def differs(self, new="s", old="m"):

        parts = [f"({new}.{f} IS NOT NULL AND {old}.{f} IS DISTINCT FROM {new}.{f})"
                 for f in FIGURES if f in self.kind.mapped_figures]
        return "(" + " OR ".join(parts) + ")"

    def figure_select(self, alias="s"):

        have = {f"f{i}" for i, *_ in self.figs}
        out = []
        for i, f in enumerate(FIGURES):
            cast = "integer" if i == 5 else "numeric(18,2)"
            out.append(f"{alias}.f{i}::{cast} AS {f}" if f"f{i}" in have else f"NULL::{cast} AS {f}")
        return ", ".join(out)

    def stored_any(self):
        """Whether any stored figures exist for the sheet's enterprises within its periods (an index range)."""
        bounds = self.period_range()
        if bounds is None:
            return False
        (found,) = self.x(f"SELECT EXISTS (SELECT 1 FROM {self.stat()} m JOIN {KEYS} k ON k.ent = m.enterprise_id "
                          f"WHERE k.state = {OK} AND m.period BETWEEN %s AND %s)", list(bounds)).fetchone()
        return found

    def summarise(self):

        out, stat = self.out, self.stat()
        self.x(f"CREATE TEMPORARY VIEW imports_clean AS SELECT s.row_no, s.enterprise_id, s.period, "
               f"{self.figure_select()} FROM {TYPED} s WHERE {self.good()}")
        try:
            if self.stored_any():
                good, new, changed = self.x(
                    f"SELECT count(*), count(*) FILTER (WHERE m.id IS NULL), "
                    f"count(*) FILTER (WHERE m.id IS NOT NULL AND {self.differs()}) FROM imports_clean s "
                    f"LEFT JOIN {stat} m ON {self.same()}").fetchone()
            else:  # every row is new: no need to look each one up (the common case, a month not yet imported)
                good, new, changed = self.good_count, self.good_count, 0
            out.new, out.updated = new, changed
            out.unchanged = max(0, good - self.dups - new - changed)
            self.changed = changed
            from chainchief.enterprises.models import Enterprise

            ent = connection.ops.quote_name(Enterprise._meta.db_table)
            cols = ", ".join(f"s.{f}" for f in FIGURES)
            rows = self.x(
                f"SELECT s.row_no, e.uscc, e.name, s.period, {cols}, CASE WHEN m.id IS NULL THEN 'new' "
                f"WHEN {self.differs()} THEN 'updated' ELSE 'unchanged' END "
                f"FROM (SELECT * FROM imports_clean WHERE row_no IN (SELECT row_no FROM {TYPED} s "
                f"WHERE {self.good()} ORDER BY row_no LIMIT {PREVIEW_ROWS})) s "
                f"JOIN {ent} e ON e.id = s.enterprise_id "
                f"LEFT JOIN {stat} m ON {self.same()} "
                f"ORDER BY s.row_no").fetchall()
            out.preview = []
            for r in rows:
                item = {"row": r[0], "uscc": r[1], "name": r[2], "period": f"{r[3]:%Y-%m}", "action": r[-1]}
                for i, f in enumerate(FIGURES):
                    v = r[4 + i]
                    item[f] = None if v is None else (int(v) if f == "employees" else str(figure_text(v)))
                out.preview.append(item)
            out.periods = set(self.periods)
        finally:
            self.x("DROP VIEW IF EXISTS imports_clean")

    def write(self):
        """Keep the values about to be overwritten, then one upsert that touches only new and changed rows."""

        ctx, out, stat = self.ctx, self.out, self.stat()
        user = ctx.user
        batch_id = ctx.batch.pk
        now = timezone.now()
        ctx.committed_at = now
        if not self.changed and not out.new:  # the sheet holds what is stored already: nothing to write
            self.finish_write(0, 0)
            return
        ts = connection.ops.adapt_datetimefield_value(now)
        self.x(f"CREATE TEMPORARY VIEW imports_clean AS SELECT s.row_no, s.enterprise_id, s.period, "
               f"{self.figure_select()} FROM {TYPED} s WHERE {self.good()}")
        try:
            only = ""
            if self.changed or out.unchanged:
                keys = list(FIGURES) + ["import_batch", "updated_by_id", "version"]
                obj = "json_build_object(" + ", ".join(f"'{k}', m.{k}" for k in keys) + ")::jsonb"
                changes = connection.ops.quote_name(ImportRowChange._meta.db_table)
                if self.changed:
                    self.x(f"INSERT INTO {changes} (batch_id, model, object_id, action, row, before, after) "
                           f"SELECT %s, %s, m.id, 'update', s.row_no, {obj}, NULL FROM imports_clean s "
                           f"JOIN {stat} m ON m.enterprise_id = s.enterprise_id AND m.period = s.period "
                           f"WHERE {self.differs()}", [batch_id, self.kind.model._meta.label_lower])
                # unchanged rows are left alone (not even locked)
                only = (f"WHERE NOT EXISTS (SELECT 1 FROM {stat} m WHERE m.enterprise_id = s.enterprise_id "
                        f"AND m.period = s.period AND NOT {self.differs()})")
            cols = ", ".join(FIGURES)
            head = (f"INSERT INTO {stat} AS m (enterprise_id, period, {cols}, import_batch, version, created_at, "
                    f"updated_at, created_by_id, updated_by_id) SELECT s.enterprise_id, s.period, "
                    f"{', '.join('s.' + f for f in FIGURES)}, %s, 1, %s, %s, %s, %s FROM imports_clean s")
            params = [batch_id, ts, ts, user.pk, user.pk]
            if not self.changed and not out.unchanged:
                # nothing of it exists yet (seen above, in this transaction): a plain insert, no conflict handling
                new, updated = self.x(head, params).rowcount, 0
                self.finish_write(new, updated)
                return
            sets = ", ".join(f"{f} = COALESCE(EXCLUDED.{f}, m.{f})" for f in FIGURES)
            new, updated = self.x(
                f"WITH w AS ({head} {only} "
                f"ON CONFLICT (enterprise_id, period) DO UPDATE SET {sets}, version = m.version + 1, "
                f"updated_at = EXCLUDED.updated_at, updated_by_id = EXCLUDED.updated_by_id, "
                f"import_batch = EXCLUDED.import_batch WHERE {self.differs('EXCLUDED', 'm')} "
                f"RETURNING (xmax = 0) AS inserted) "
                f"SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM w",
                params).fetchone()
            self.finish_write(new, updated)
        finally:
            self.x("DROP VIEW IF EXISTS imports_clean")

    def finish_write(self, new, updated):
        from chainchief.monitoring import aggregates

        ctx, out, user, batch_id = self.ctx, self.out, self.ctx.user, self.ctx.batch.pk
        out.new, out.updated = new, updated
        q = scope_q(user, self.kind.model, CHANGE)
        mine = self.kind.model.objects.filter(import_batch=batch_id)
        if q is None or (q and mine.exclude(q).exists()):
            raise PermissionDenied("无权导入其中部分企业的数据。")
        if new or updated:  # a re-import that changes nothing leaves the aggregates as they are
            if new + updated >= 10_000:
                aggregates.analyze_after_bulk_write()
            aggregates.refresh(sorted(out.periods))

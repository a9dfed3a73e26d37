"""Import benchmark (not a test): monthly statistics from a 1,000,000-row CSV and a 200,000-row xlsx into the
configured database, beside PostgreSQL COPY of the same rows (into a bare table, and straight into the monthly
table in its own form) and the database's own floor for the import's work; peak memory per phase.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/chainchief_bench python bench/imports.py
    python bench/imports.py --rows 100000 --xlsx-rows 20000      # smaller

Each phase runs in its own process so that its peak RSS is its own. Prints a table and writes JSON into
bench/results/.
"""
import argparse
import csv
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chainchief.settings")
FIELDS = ["统一社会信用代码", "期间", "营业收入（万元）", "工业总产值（万元）", "利润总额（万元）", "税收（万元）",
          "研发投入（万元）", "从业人员（人）"]


def setup_django():
    import django

    django.setup()


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def uscc_for(i):
    from chainchief.core.uscc import with_check_digit

    return with_check_digit(f"91379999B{i:08d}")


def periods(first_year, count):
    out, y, m = [], first_year, 1
    for _ in range(count):
        out.append(f"{y:04d}-{m:02d}")
        m += 1
        if m > 12:
            y, m = y + 1, 1
    return out


def rows_for(n_rows, n_ent, first_year):
    rng = random.Random(2021)
    months = -(-n_rows // n_ent)
    done = 0
    for period in periods(first_year, months):
        for i in range(n_ent):
            if done >= n_rows:
                return
            base = 1000 + (i % 997) * 37
            yield [uscc_for(i), period, f"{base * rng.uniform(0.5, 1.5):.2f}", f"{base * 1.1:.2f}",
                   f"{base * rng.uniform(-0.05, 0.12):.2f}", f"{base * 0.03:.2f}", f"{base * 0.02:.2f}",
                   str(50 + i % 400)]
            done += 1


def phase_prepare(args):
    """Migrate, create the synthetic enterprises and a bench user, clear earlier bench figures, write files."""
    setup_django()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from chainchief.core.models import Region
    from chainchief.enterprises.models import Enterprise
    from chainchief.imports.models import ImportBatch
    from chainchief.monitoring.models import MonthlyStat

    region, _ = Region.objects.get_or_create(code="379999", defaults={"name": "基准测试市", "level": "city"})
    have = set(Enterprise.objects.filter(uscc__startswith="91379999B").values_list("uscc", flat=True))
    new = [Enterprise(uscc=uscc_for(i), name=f"基准测试企业{i:06d}有限公司", region=region)
           for i in range(args.enterprises) if uscc_for(i) not in have]
    Enterprise.objects.bulk_create(new, batch_size=5000)
    User = get_user_model()
    if not User.objects.filter(username="bench").exists():
        User.objects.create_superuser("bench", password=None, role="admin", region=region)
    clear_bench_rows()
    ImportBatch.objects.filter(user__username="bench").delete()
    with open(args.csv, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(FIELDS)
        w.writerows(rows_for(args.rows, args.enterprises, 2000))
    # The same rows in the monthly table's own form (enterprise ids, dates), for COPY straight into that table.
    ids = dict(Enterprise.objects.filter(uscc__startswith="91379999B").values_list("uscc", "pk"))
    now = datetime.now().astimezone().isoformat()
    with open(table_csv(args), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        for row in rows_for(args.rows, args.enterprises, 2000):
            w.writerow([ids[row[0]], row[1] + "-01", *row[2:], 1, now, now])
    import xlsxwriter

    wb = xlsxwriter.Workbook(args.xlsx, {"constant_memory": True})
    ws = wb.add_worksheet("月度统计")
    ws.write_row(0, 0, FIELDS)
    # months after the CSV's (2000 on), none of them in the future: a future month is refused like on the entry form
    for r, row in enumerate(rows_for(args.xlsx_rows, args.enterprises, 2010), start=1):
        ws.write_string(r, 0, row[0])
        ws.write_string(r, 1, row[1])
        for c in range(2, 8):
            ws.write_number(r, c, float(row[c]))
    wb.close()
    return {"enterprises": args.enterprises, "csv_bytes": os.path.getsize(args.csv),
            "xlsx_bytes": os.path.getsize(args.xlsx)}


def phase_copy(args):
    """PostgreSQL COPY of the same CSV into a bare table (no indexes, no constraints)."""
    setup_django()
    from django.db import connection

    if connection.vendor != "postgresql":
        return {"skipped": "not PostgreSQL"}
    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS bench_copy")
        cur.execute("CREATE TABLE bench_copy (uscc text, period text, revenue numeric(18,2), "
                    "gross_output numeric(18,2), profit numeric(18,2), tax numeric(18,2), rd_spend numeric(18,2), "
                    "employees integer)")
        started = time.perf_counter()
        with open(args.csv, "rb") as f:
            with cur.cursor.copy("COPY bench_copy FROM STDIN WITH (FORMAT csv, HEADER true)") as copy:
                while chunk := f.read(1 << 20):
                    copy.write(chunk)
        connection.commit() if not connection.get_autocommit() else None
        elapsed = time.perf_counter() - started
        cur.execute("SELECT COUNT(*) FROM bench_copy")
        n = cur.fetchone()[0]
        cur.execute("DROP TABLE bench_copy")
    return {"rows": n, "seconds": elapsed, "rows_per_s": n / elapsed}


def table_csv(args):
    return str(Path(args.csv).with_name("monthly_table.csv"))


def clear_bench_rows(refresh=False):
    """Remove earlier benchmark figures and vacuum, so that each phase starts from the same table; with
    ``refresh``, also recompute the pre-aggregated figures of their periods (the last phase: the data set is then
    as before, and benchmarks run after this one see the province's own latest period)."""
    from django.db import connection

    from chainchief.monitoring import aggregates
    from chainchief.monitoring.models import MonthlyStat

    mine = MonthlyStat.objects.filter(enterprise__uscc__startswith="91379999B")
    periods = list(mine.values_list("period", flat=True).order_by().distinct()) if refresh else []
    mine.delete()
    if periods:
        aggregates.refresh(periods)
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute(f"VACUUM ANALYZE {MonthlyStat._meta.db_table}")


def phase_copy_table(args):
    """PostgreSQL COPY of the same rows straight into the monthly statistics table, in its own form (enterprise
    ids, dates), committed: what the database itself needs to store these rows where an import puts them (the
    table's indexes, the unique key, the enterprise foreign key checked at commit). The rows are removed after."""
    setup_django()
    from django.db import connection, transaction

    from chainchief.monitoring.models import MonthlyStat

    if connection.vendor != "postgresql":
        return {"skipped": "not PostgreSQL"}
    table = MonthlyStat._meta.db_table
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cur:
        with open(table_csv(args), "rb") as f:
            with cur.cursor.copy(f"COPY {table} (enterprise_id, period, revenue, gross_output, profit, tax, "
                                 "rd_spend, employees, version, created_at, updated_at) FROM STDIN "
                                 "WITH (FORMAT csv)") as copy:
                while chunk := f.read(1 << 20):
                    copy.write(chunk)
    elapsed = time.perf_counter() - started
    n = MonthlyStat.objects.filter(enterprise__uscc__startswith="91379999B").count()
    clear_bench_rows()
    return {"rows": n, "seconds": elapsed, "rows_per_s": n / elapsed}


def phase_sql_floor(args):
    """The database's own floor for the same work: COPY the CSV, match USCCs to enterprises and insert typed rows
    into a table with the real table's columns and indexes (no Python at all)."""
    setup_django()
    from django.db import connection

    from chainchief.monitoring.models import MonthlyStat

    if connection.vendor != "postgresql":
        return {"skipped": "not PostgreSQL"}
    table = MonthlyStat._meta.db_table
    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS bench_copy; DROP TABLE IF EXISTS bench_floor")
        cur.execute("CREATE TABLE bench_copy (uscc text, period text, revenue numeric(18,2), "
                    "gross_output numeric(18,2), profit numeric(18,2), tax numeric(18,2), rd_spend numeric(18,2), "
                    "employees integer)")
        cur.execute(f"CREATE TABLE bench_floor (LIKE {table} INCLUDING ALL)")
        started = time.perf_counter()
        with open(args.csv, "rb") as f:
            with cur.cursor.copy("COPY bench_copy FROM STDIN WITH (FORMAT csv, HEADER true)") as copy:
                while chunk := f.read(1 << 20):
                    copy.write(chunk)
        cur.execute(
            "INSERT INTO bench_floor (enterprise_id, period, revenue, gross_output, profit, tax, rd_spend, employees,"
            " created_at, updated_at, version) "
            "SELECT e.id, to_date(b.period || '-01', 'YYYY-MM-DD'), b.revenue, b.gross_output, b.profit, b.tax,"
            " b.rd_spend, b.employees, now(), now(), 1 FROM bench_copy b JOIN enterprises_enterprise e"
            " ON e.uscc = b.uscc")
        n = cur.rowcount
        elapsed = time.perf_counter() - started
        cur.execute("DROP TABLE bench_copy; DROP TABLE bench_floor")
    return {"rows": n, "seconds": elapsed, "rows_per_s": n / elapsed}


def phase_import(args, path, write=True):
    setup_django()
    from django.contrib.auth import get_user_model

    from chainchief.imports import services

    user = get_user_model().objects.get(username="bench")
    started = time.perf_counter()
    with open(path, "rb") as f:
        batch = services.start(user, f, Path(path).name, "monthly_stats")
    batch = services.run(batch, user, write=write)
    elapsed = time.perf_counter() - started
    return {"status": batch.status, "rows": batch.total_rows, "new": batch.new_count, "updated": batch.updated_count,
            "unchanged": batch.unchanged_count, "errors": batch.error_count, "message": batch.message,
            "seconds": elapsed, "rows_per_s": batch.total_rows / elapsed}


def phase_cleanup(args):
    setup_django()
    from chainchief.imports.models import ImportBatch

    clear_bench_rows(refresh=True)
    ImportBatch.objects.filter(user__username="bench").delete()
    return {}


PHASES = {
    "prepare": phase_prepare,
    "copy": phase_copy,
    "copy_table": phase_copy_table,
    "sql_floor": phase_sql_floor,
    "csv_import": lambda a: phase_import(a, a.csv),
    "csv_reimport": lambda a: phase_import(a, a.csv),
    "csv_dry_run": lambda a: phase_import(a, a.csv, write=False),
    "xlsx_import": lambda a: phase_import(a, a.xlsx),
    "cleanup": phase_cleanup,
}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--xlsx-rows", type=int, default=200_000)
    p.add_argument("--enterprises", type=int, default=20_000)
    p.add_argument("--dir", default=None, help="where the generated files go (default: a temporary folder)")
    p.add_argument("--phase", choices=sorted(PHASES), help=argparse.SUPPRESS)
    p.add_argument("--csv", help=argparse.SUPPRESS)
    p.add_argument("--xlsx", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.phase:
        result = PHASES[args.phase](args)
        result["peak_rss_mb"] = round(peak_mb(), 1)
        print("RESULT " + json.dumps(result, ensure_ascii=False, default=str))
        return
    folder = Path(args.dir or tempfile.mkdtemp(prefix="chainchief-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    csv_path, xlsx_path = folder / "monthly.csv", folder / "monthly.xlsx"
    results = {}
    for phase in ("prepare", "copy", "copy_table", "sql_floor", "csv_dry_run", "csv_import", "csv_reimport",
                  "xlsx_import", "cleanup"):
        cmd = [sys.executable, __file__, "--phase", phase, "--rows", str(args.rows), "--xlsx-rows",
               str(args.xlsx_rows), "--enterprises", str(args.enterprises), "--csv", str(csv_path),
               "--xlsx", str(xlsx_path)]
        print(f"… {phase}", file=sys.stderr, flush=True)
        out = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
        line = next((ln for ln in out.stdout.splitlines() if ln.startswith("RESULT ")), None)
        if line is None:
            print(out.stdout[-2000:], out.stderr[-4000:], file=sys.stderr)
            raise SystemExit(f"phase {phase} failed")
        results[phase] = json.loads(line[7:])
    copy_rate = results["copy"].get("rows_per_s")
    table_rate = results["copy_table"].get("rows_per_s")
    floor_rate = results["sql_floor"].get("rows_per_s")
    print(f"\n{'phase':<14}{'rows':>11}{'seconds':>10}{'rows/s':>11}{'vs COPY':>9}{'vs table COPY':>15}"
          f"{'vs floor':>10}{'peak RSS MB':>13}")
    for phase, r in results.items():
        if phase in ("prepare", "cleanup"):
            continue
        rate = r.get("rows_per_s")

        def ratio(limit, skip):
            return f"{rate / limit:.2f}" if rate and limit and phase not in skip else ""

        print(f"{phase:<14}{r.get('rows', 0):>11,}{r.get('seconds', 0):>10.2f}{(rate or 0):>11,.0f}"
              f"{ratio(copy_rate, ('copy',)):>9}{ratio(table_rate, ('copy', 'copy_table')):>15}"
              f"{ratio(floor_rate, ('copy', 'copy_table', 'sql_floor')):>10}{r['peak_rss_mb']:>13.1f}")
    csv_rate, xlsx_rate = results["csv_import"]["rows_per_s"], results["xlsx_import"]["rows_per_s"]
    goals = {}
    if table_rate:
        goals["csv ≥ 1/3 of COPY into the monthly table"] = csv_rate >= table_rate / 3
    goals["xlsx ≥ 50,000 rows/s"] = xlsx_rate >= 50_000
    print()
    for goal, met in goals.items():
        print(f"goal {goal}: {'met' if met else 'MISSED'}")
    if copy_rate:
        print(f"(against COPY into a bare table without indexes or keys: {csv_rate / copy_rate:.2f}×)")
    from dj_database_url import parse

    db = parse(os.environ.get("DATABASE_URL", "sqlite://"))
    record = {"when": datetime.now().isoformat(timespec="seconds"), "machine": platform.platform(),
              "python": platform.python_version(), "cpus": os.cpu_count(), "database": db.get("ENGINE"),
              "rows": args.rows, "xlsx_rows": args.xlsx_rows, "enterprises": args.enterprises, "results": results,
              "goals": goals}
    out = ROOT / "bench" / "results" / f"imports-{datetime.now():%Y%m%d-%H%M%S}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(record, ensure_ascii=False, indent=2, default=str))
    print(f"\nwritten {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

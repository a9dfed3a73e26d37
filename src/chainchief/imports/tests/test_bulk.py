"""Monthly statistics at volume: all-or-nothing with one bad row among thousands, values that are not plain
numbers, the set-based PostgreSQL path (COPY into a staging table) and imports run as background tasks."""
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from chainchief.enterprises.models import Enterprise
from chainchief.imports import services
from chainchief.imports.models import BatchStatus, ImportBatch
from chainchief.imports.tests.helpers import bad_uscc, csv_file, xlsx
from chainchief.monitoring.models import MonthlyStat

pytestmark = pytest.mark.django_db
HEADER = ["统一社会信用代码", "期间", "营业收入（万元）", "利润总额（万元）", "从业人员（人）"]


def user(name):
    return get_user_model().objects.get(username=name)


def dry(f, username="coordinator"):
    u = user(username)
    return services.run(services.start(u, f, f.name, "monthly_stats"), u)


def many_rows(n):
    ents = list(Enterprise.objects.order_by("pk")[:50])
    rows = [HEADER]
    for i in range(n):
        e = ents[i % len(ents)]
        year, month = divmod(i // len(ents), 12)
        rows.append([e.uscc, f"{2005 + year}-{month + 1:02d}", f"{100 + i % 97}.{i % 100:02d}", str(i % 13 - 6),
                     str(10 + i % 50)])
    return rows


def test_one_bad_row_among_5000_writes_nothing_and_is_named(demo_db):
    rows = many_rows(5000)
    rows[2501][0] = bad_uscc(rows[2501][0])  # sheet row 2502
    batch = dry(csv_file(rows))
    assert batch.status == BatchStatus.PARSED
    assert batch.error_count == 1 and batch.total_rows == 5000
    [error] = batch.errors
    assert error["row"] == 2502 and "统一社会信用代码" in error["column"] and error["value"] == rows[2501][0]
    before = MonthlyStat.objects.count()
    batch = services.run(batch, user("coordinator"), write=True)
    assert batch.status != BatchStatus.COMMITTED and "未导入任何数据" in batch.message
    assert MonthlyStat.objects.count() == before
    assert not MonthlyStat.objects.filter(period__year__lt=2019).exists()


def test_5000_rows_commit_reimport_and_rollback(demo_db):
    rows = many_rows(5000)
    coordinator = user("coordinator")
    first = services.commit(dry(csv_file(rows)), coordinator)
    assert first.status == BatchStatus.COMMITTED and (first.new_count, first.updated_count) == (5000, 0)
    assert MonthlyStat.objects.filter(period__year__lt=2019).count() == 5000
    again = dry(csv_file(rows))
    assert (again.new_count, again.updated_count, again.unchanged_count) == (0, 0, 5000)
    rows[10][2] = "1"
    changed = services.commit(dry(csv_file(rows)), coordinator)
    assert (changed.new_count, changed.updated_count, changed.unchanged_count) == (0, 1, 4999)
    services.rollback(changed, coordinator)
    e = Enterprise.objects.get(uscc=rows[10][0])
    assert MonthlyStat.objects.get(enterprise=e, period=date(2005, 1, 1)).revenue == Decimal("109.09")


def test_values_that_are_not_plain_numbers(demo_db):
    a, b, c, d = Enterprise.objects.order_by("pk")[:4]
    rows = [["统一社会信用代码", "期间", "营业收入（亿元）", "利润总额（万元）", "从业人员（人）"],
            [a.uscc, "2012年1-2月", "1,234.5", "-", "１２０"],  # thousands separator, a dash for none, full-width
            [b.uscc, "2012-03", 1.5, " 7 ", "12.0"],
            [c.uscc, "2012-03", "2亿元", "0.125", ""],  # a unit in the cell; half-up rounding
            [d.uscc, "2012-03", "", "", ""]]  # no figure at all
    batch = dry(xlsx(rows))
    errors = {e["row"]: e for e in batch.errors}
    assert list(errors) == [5] and "没有任何指标值" in errors[5]["message"]
    batch = services.commit(dry(xlsx(rows[:-1])), user("coordinator"))
    assert batch.status == BatchStatus.COMMITTED, batch.errors
    got = {s.enterprise_id: s for s in MonthlyStat.objects.filter(period__year=2012)}
    assert got[a.pk].period == date(2012, 2, 1) and got[a.pk].revenue == Decimal("12345000.00")
    assert got[a.pk].profit is None and got[a.pk].employees == 120
    assert got[b.pk].revenue == Decimal("15000.00") and got[b.pk].profit == Decimal("7.00")
    assert got[b.pk].employees == 12
    assert got[c.pk].revenue == Decimal("20000.00") and got[c.pk].profit == Decimal("0.13")


def test_faulty_values_are_named_with_their_column(demo_db):
    a, b, c = Enterprise.objects.order_by("pk")[:3]
    rows = [["统一社会信用代码", "期间", "营业收入（万元）", "从业人员（人）"],
            [a.uscc, "2013-13", "10", "5"],
            [b.uscc, "2013-01", "NaN", "3.5"],
            [c.uscc, "2013-01", "99999999999999999", "-1"],
            ["合计", "", "30", "9"]]  # a total row is skipped
    batch = dry(csv_file(rows))
    found = sorted((e["row"], e["column"].split(" ")[0], e["message"]) for e in batch.errors)
    assert [(r, col) for r, col, _ in found] == [(2, "B"), (3, "C"), (3, "D"), (4, "C"), (4, "D")]
    assert "月份" in found[0][2] and "应为数字" in found[1][2] and "整数" in found[2][2]
    assert "过大" in found[3][2] and "负数" in found[4][2]
    assert batch.error_count == 3 and batch.total_rows == 3


def test_cells_with_tabs_line_breaks_and_backslashes_keep_their_text(demo_db):
    """Staging writes COPY's text format by hand: such cells must reach the checks exactly as written."""
    a, b, c = Enterprise.objects.order_by("pk")[:3]
    rows = [HEADER,
            [a.uscc, "2014-01", "1\t2", "3", "4"],
            [b.uscc, "2014-01", "5\\N", "6", "7"],
            [c.uscc + "\n", "2014-01", "8", "9", "10"],  # surrounding white space is dropped from a code
            [a.uscc, "2014-02", "11", "12", "13"]]
    batch = dry(csv_file(rows))
    found = {(e["row"], e["column"].split(" ")[0]): e["value"] for e in batch.errors}
    assert found == {(2, "C"): "1\t2", (3, "C"): "5\\N"}
    assert batch.total_rows == 4 and batch.error_count == 2
    assert [p["uscc"] for p in batch.preview] == [c.uscc, a.uscc]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the COPY path is PostgreSQL's")
def test_postgresql_goes_through_the_staging_table(demo_db, monkeypatch):
    from chainchief.imports import bulk

    staged = []
    original = bulk.MonthlyBulk.stage

    def spy(self):
        original(self)
        staged.append(self.x(f"SELECT count(*) FROM {bulk.RAW}").fetchone()[0])

    monkeypatch.setattr(bulk.MonthlyBulk, "stage", spy)
    batch = dry(csv_file(many_rows(300)))
    assert batch.status == BatchStatus.VALIDATED and staged == [300]
    with connection.cursor() as cur:  # the staging tables are gone
        cur.execute("SELECT count(*) FROM pg_class WHERE relname LIKE 'imports\\_%%' AND relpersistence = 't'")
        assert cur.fetchone()[0] == 0


def test_large_upload_and_commit_run_as_tasks(demo_db, client, settings):
    settings.IMPORT_BACKGROUND_BYTES = 0
    from chainchief.imports import views

    views.BACKGROUND_BYTES = 0
    try:
        client.login(username="coordinator", password="Demo#2026")
        r = client.post("/imports/new/", {"kind": "monthly_stats", "file": csv_file(many_rows(200))})
        assert r.status_code == 302
        batch = ImportBatch.objects.latest("pk")
        assert batch.status == BatchStatus.VALIDATED and batch.progress == 200  # run by the (immediate) task
        client.post(f"/imports/{batch.pk}/commit/")
        batch.refresh_from_db()
        assert batch.status == BatchStatus.COMMITTED and batch.new_count == 200
    finally:
        views.BACKGROUND_BYTES = 5 * 1024 * 1024


def workbook(cells):
    """An .xlsx from {(row, column): value}, both counted from 1, with nothing else in the sheet."""
    import io

    import openpyxl
    from django.core.files.uploadedfile import SimpleUploadedFile

    wb = openpyxl.Workbook()
    ws = wb.active
    for (r, c), v in cells.items():
        ws.cell(r, c, v)
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("sheet.xlsx", buf.getvalue())


@pytest.mark.parametrize("reader", ["whole sheet", "streaming"])
def test_a_workbook_with_title_blank_total_and_odd_cells(demo_db, monkeypatch, reader):
    """A workbook's rows reach the checks with their own row numbers and text, on either path (on PostgreSQL it is
    staged from its Arrow columns) and through either reader (fastexcel's text, or openpyxl's typed cells for
    workbooks too large to hold): title rows, data from column B, blank and white-space rows, a total row, a date
    cell as the period, cells with a tab or a backslash, a row with text only in an unmapped column."""
    from datetime import datetime

    from chainchief.imports import bulk, readers

    if reader == "streaming":
        monkeypatch.setattr(readers, "WHOLE_SHEET_MAX_BYTES", 0)

    a, b, c, d = Enterprise.objects.order_by("pk")[:4]
    rows = {
        2: ["2015 年月度统计"],
        3: HEADER + ["备注"],
        4: [a.uscc, datetime(2015, 3, 1), 100.5, 7, 12],
        6: ["  ", "\u3000"],
        7: [b.uscc, "2015-03", "1\t2", 3, 4],
        8: [c.uscc, "2015-03", "5\\N", 6, 7],
        9: [None, None, None, None, None, "只有备注"],
        10: ["合 计", None, 300, 9, 20],
        11: [d.uscc + "\n", "2015-03", 8, 9, 10],
        12: [a.uscc, "2015年4月", 1.5, None, None],
    }

    def cells(skip=()):
        return {(r, 2 + i): v for r, row in rows.items() if r not in skip for i, v in enumerate(row) if v is not None}

    columns = []
    monkeypatch.setattr(bulk.MonthlyBulk, "stage_columns",
                        lambda self, names, original=bulk.MonthlyBulk.stage_columns: (columns.append(names),
                                                                                      original(self, names)))
    batch = dry(workbook(cells()))
    found = {(e["row"], e["column"].split(" ")[0]) for e in batch.errors}
    assert {(7, "D"), (8, "D")} <= found and {r for r, _ in found} == {7, 8, 9}
    values = {e["row"]: e["value"] for e in batch.errors if e["row"] in (7, 8)}
    assert values == {7: "1\t2", 8: "5\\N"}
    assert batch.total_rows == 6 and batch.error_count == 3
    assert [(p["row"], p["uscc"], p["period"]) for p in batch.preview] == [
        (4, a.uscc, "2015-03"), (11, d.uscc, "2015-03"), (12, a.uscc, "2015-04")]
    batch = services.commit(dry(workbook(cells(skip=(7, 8, 9)))), user("coordinator"))
    assert batch.status == BatchStatus.COMMITTED, batch.errors
    got = {(s.enterprise_id, s.period): s for s in MonthlyStat.objects.filter(period__year=2015)}
    assert set(got) == {(a.pk, date(2015, 3, 1)), (d.pk, date(2015, 3, 1)), (a.pk, date(2015, 4, 1))}
    first = got[a.pk, date(2015, 3, 1)]
    assert (first.revenue, first.profit, first.employees) == (Decimal("100.50"), Decimal("7.00"), 12)
    assert got[d.pk, date(2015, 3, 1)].revenue == Decimal("8.00")
    assert got[a.pk, date(2015, 4, 1)].revenue == Decimal("1.50")
    assert bool(columns) == (connection.vendor == "postgresql" and reader == "whole sheet")


def test_a_long_run_of_spaces_or_a_padded_total_is_no_data_row(demo_db):
    a = Enterprise.objects.order_by("pk").first()
    rows = [HEADER, [a.uscc, "2016-01", "1", "2", "3"], [" " * 20, "", "", "", ""], ["合计" + " " * 20, "", "1", "2", "3"]]
    batch = dry(csv_file(rows))
    assert batch.status == BatchStatus.VALIDATED, batch.errors
    assert batch.total_rows == 1 and batch.error_count == 0
